package wsclose

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file serves runtimes that expose the browser's WebSocket API: the
// WHATWG WebSockets Standard's close(code, reason) method, its Web IDL
// conversions and the DOMExceptions it throws. The word for its rule is
// "script" throughout the package.

// ValidateScriptCode checks code against the rule of the browser's
// WebSocket.close() method. It returns nil if code is 1000 or in
// 3000–4999. Otherwise it returns an error that matches [ErrInvalidCode], a
// [*CodeError] with Script set; [DOMExceptionName] of it is
// "InvalidAccessError". The WHATWG WebSockets Standard, close() step 1:
//
//	If code is present, but is neither an integer equal to 1000 nor an
//	integer in the range 3000 to 4999, inclusive, throw an
//	"InvalidAccessError" DOMException.
//
// code is an int, not a [Code], so that a value outside 0–65535 is rejected
// instead of wrapping (66536 would become 1000). A script's number that is
// not an integer is first converted by [ClampCode], as Web IDL does.
func ValidateScriptCode(code int) error {
	if code == 1000 || (code >= 3000 && code <= 4999) {
		return nil
	}
	return &CodeError{Code: code, Script: true}
}

// ClampCode converts a JavaScript number to the close code that
// WebSocket.close() sees, following Web IDL's conversion to
// [Clamp] unsigned short: NaN becomes 0; the value is clamped to [0, 65535];
// then it is rounded to the nearest integer, ties to even (2999.5 becomes
// 3000, 4999.5 becomes 5000, -0.4 becomes 0).
//
// Real engines differ here: Chromium truncates (2999.5 is 2999) and Node's
// undici accepts 2999.4. ClampCode follows the standard.
func ClampCode(f float64) Code {
	switch {
	case f != f: // NaN
		return 0
	case f <= 0:
		return 0
	case f >= 65535:
		return 65535
	}
	return Code(math.RoundToEven(f))
}

// AppendScriptClose does what the WHATWG WebSocket.close(code, reason)
// method does with its arguments and appends to dst the body of the Close
// frame it sends, returning the extended buffer.
//
// hasCode says whether the script passed a code; code is its number, which
// is converted as Web IDL's [Clamp] unsigned short ([ClampCode]) and must
// then pass [ValidateScriptCode] (close() step 1: "InvalidAccessError").
// reason is the script's string as UTF-16 code units, empty when absent; it
// is converted to a USVString, each lone surrogate becoming U+FFFD
// ([ReasonFromUTF16]), and its UTF-8 encoding must be at most
// [MaxReasonLen] bytes (step 2: "If reasonBytes is longer than 123 bytes,
// then throw a "SyntaxError" DOMException.").
//
// The body is, as the closing handshake is started (step 3): empty when
// there is neither code nor reason, and the code and the reason's UTF-8
// bytes when there is a code, as the standard says ("If neither code nor
// reason is present, the WebSocket Close message must not have a body"). It
// says nothing of a reason without a code; wsclose sends code 1000 and the
// reason then, as whatwg/websockets PR #48 proposes (whatwg/websockets#61
// discusses the case). Engines differ, as the interop module measured:
// Chromium 156 reads close(undefined, reason)'s undefined code as 0 and
// throws "InvalidAccessError"; the undici of Node 20.20.2 drops the reason
// and sends an empty body.
//
// Errors match [ErrInvalidCode] or [ErrReasonTooLong], and
// [DOMExceptionName] gives the exception to throw. On error dst is returned
// unchanged. AppendScriptClose does not allocate when dst has room for the
// body.
func AppendScriptClose(dst []byte, code float64, hasCode bool, reason []uint16) ([]byte, error) {
	c := StatusNoStatusReceived
	if hasCode {
		c = ClampCode(code)
		if err := ValidateScriptCode(int(c)); err != nil {
			return dst, err
		}
	}
	n := ReasonLenUTF16(reason)
	if n > MaxReasonLen {
		return dst, &ReasonError{Err: ErrReasonTooLong, Len: n, Offset: -1}
	}
	if !hasCode && n == 0 {
		return dst, nil
	}
	if !hasCode {
		c = StatusNormalClosure
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(c))
	return appendUTF16(dst, reason), nil
}

// ReasonLenUTF16 returns the length in bytes of UTF-8 that a reason given as
// UTF-16 code units (a JavaScript string) has once a browser converts it to
// a USVString, as WebSocket.close() does (Web IDL, USVString): each unpaired
// surrogate counts 3 bytes, as U+FFFD. Compare it with [MaxReasonLen] to
// decide close()'s "SyntaxError". It does not allocate.
func ReasonLenUTF16(reason []uint16) int {
	n, _ := scanUTF16(reason)
	return n
}

// ValidateReasonUTF16 is the strict check of a reason given as UTF-16 code
// units. It returns nil if the reason is at most [MaxReasonLen] bytes once
// converted ([ReasonLenUTF16]) and has no unpaired surrogate. Otherwise it
// returns an error that matches [ErrReasonTooLong] (checked first) or
// [ErrLoneSurrogate]; it is a [*ReasonError] with the index of the first
// unpaired surrogate as its Offset.
//
// Browsers are not strict: WebSocket.close() replaces unpaired surrogates
// with U+FFFD ([ReasonFromUTF16]) and sends the result. Use this check where
// a lone surrogate should be reported rather than repaired. It does not
// allocate for valid input.
func ValidateReasonUTF16(reason []uint16) error {
	n, lone := scanUTF16(reason)
	switch {
	case n > MaxReasonLen:
		return &ReasonError{Err: ErrReasonTooLong, Len: n, Offset: -1}
	case lone >= 0:
		return &ReasonError{Err: ErrLoneSurrogate, Len: n, Offset: lone}
	}
	return nil
}

// scanUTF16 returns the UTF-8 length of reason after USVString conversion
// and the index of its first unpaired surrogate, or -1 if it has none.
func scanUTF16(reason []uint16) (n, lone int) {
	lone = -1
	for i := 0; i < len(reason); i++ {
		u := reason[i]
		switch {
		case u < 0x80:
			n++
		case u < 0x800:
			n += 2
		case isHighSurrogate(u) && i+1 < len(reason) && isLowSurrogate(reason[i+1]):
			n += 4
			i++
		case isHighSurrogate(u) || isLowSurrogate(u):
			n += 3 // as U+FFFD
			if lone < 0 {
				lone = i
			}
		default:
			n += 3
		}
	}
	return n, lone
}

func isHighSurrogate(u uint16) bool { return u >= 0xD800 && u <= 0xDBFF }
func isLowSurrogate(u uint16) bool  { return u >= 0xDC00 && u <= 0xDFFF }

// ReasonFromUTF16 converts a reason given as UTF-16 code units to the
// string a browser sends: Web IDL's conversion to USVString replaces each
// unpaired surrogate with U+FFFD, and the WHATWG close() method encodes the
// result as UTF-8. The length is not checked; see [ValidateReason], or use
// [AppendScriptClose] for the whole of close().
func ReasonFromUTF16(reason []uint16) string {
	var b strings.Builder
	b.Grow(ReasonLenUTF16(reason))
	for i := 0; i < len(reason); {
		var r rune
		r, i = nextUTF16(reason, i)
		b.WriteRune(r)
	}
	return b.String()
}

// appendUTF16 appends reason, UTF-16 code units, as UTF-8 after the
// USVString conversion.
func appendUTF16(dst []byte, reason []uint16) []byte {
	for i := 0; i < len(reason); {
		var r rune
		r, i = nextUTF16(reason, i)
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// nextUTF16 returns the code point of the USVString that starts at
// reason[i], U+FFFD for an unpaired surrogate, and the index after it.
func nextUTF16(reason []uint16, i int) (rune, int) {
	u := reason[i]
	switch {
	case isHighSurrogate(u) && i+1 < len(reason) && isLowSurrogate(reason[i+1]):
		return utf16.DecodeRune(rune(u), rune(reason[i+1])), i + 2
	case utf16.IsSurrogate(rune(u)):
		return utf8.RuneError, i + 1
	}
	return rune(u), i + 1
}

// DOMExceptionName returns the name of the DOMException that the browser's
// WebSocket.close() throws for err, for runtimes that expose that API:
//
//   - "InvalidAccessError" for [ErrInvalidCode] (close() step 1, the code
//     check);
//   - "SyntaxError" for [ErrReasonTooLong], [ErrInvalidUTF8] and
//     [ErrLoneSurrogate] (step 2, the reason check; a browser converts lone
//     surrogates to U+FFFD before it gets there, see [ReasonFromUTF16]);
//   - "" for nil, for payload errors and for errors from elsewhere.
func DOMExceptionName(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrInvalidCode):
		return "InvalidAccessError"
	case errors.Is(err, ErrReasonTooLong), errors.Is(err, ErrInvalidUTF8), errors.Is(err, ErrLoneSurrogate):
		return "SyntaxError"
	}
	return ""
}
