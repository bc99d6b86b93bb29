package wsclose

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
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
// [*CodeError] whose Func is "ValidateScriptCode"; [DOMExceptionName] of it is
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
	if c := Code(code); int(c) == code && c.ValidScript() {
		return nil
	}
	return &CodeError{Func: funcValidateScriptCode, Code: code}
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
	case math.IsNaN(f):
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
// discusses the case). Engines differ, as the interop module measures and
// its README tables record: Chromium reads close(undefined, reason)'s
// undefined code as 0 and throws "InvalidAccessError"; Node's undici drops
// the reason and sends an empty body.
//
// Errors match [ErrInvalidCode] or [ErrReasonTooLong], and
// [DOMExceptionName] gives the exception to throw. On error dst is returned
// unchanged. AppendScriptClose does not allocate when dst has room for the
// body.
func AppendScriptClose(dst []byte, code float64, hasCode bool, reason []uint16) ([]byte, error) {
	c, err := scriptCode(code, hasCode)
	if err != nil {
		return dst, err
	}
	n, _, cut := scanUTF16(reason)
	if n > MaxReasonLen {
		return dst, &ReasonError{Func: funcValidateReasonUTF16, Err: ErrReasonTooLong, Len: n, Offset: cut}
	}
	c, ok := scriptBodyCode(c, n)
	if !ok {
		return dst, nil
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
	n, _, _ := scanUTF16(reason)
	return n
}

// ValidateReasonUTF16 is the strict check of a reason given as UTF-16 code
// units. It returns nil if the reason is at most [MaxReasonLen] bytes once
// converted ([ReasonLenUTF16]) and has no unpaired surrogate. Otherwise it
// returns an error that matches [ErrReasonTooLong] (checked first) or
// [ErrLoneSurrogate]; it is a [*ReasonError] whose Offset is a code unit
// index: of the first unpaired surrogate, or for a reason too long of the
// first code unit whose UTF-8 ends past the 123rd byte.
//
// Browsers are not strict: WebSocket.close() replaces unpaired surrogates
// with U+FFFD ([ReasonFromUTF16]) and sends the result. Use this check where
// a lone surrogate should be reported rather than repaired. It does not
// allocate for valid input.
func ValidateReasonUTF16(reason []uint16) error {
	n, lone, cut := scanUTF16(reason)
	switch {
	case n > MaxReasonLen:
		return &ReasonError{Func: funcValidateReasonUTF16, Err: ErrReasonTooLong, Len: n, Offset: cut}
	case lone >= 0:
		return &ReasonError{Func: funcValidateReasonUTF16, Err: ErrLoneSurrogate, Len: n, Offset: lone}
	}
	return nil
}

// scanUTF16 returns the UTF-8 length of reason after USVString conversion,
// the index of its first unpaired surrogate, or -1 if it has none, and the
// index of the first code unit whose UTF-8 ends past MaxReasonLen bytes, or
// len(reason) if none does.
func scanUTF16(reason []uint16) (n, lone, cut int) {
	lone, cut = -1, len(reason)
	for i := 0; i < len(reason); i++ {
		start := i
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
		if n > MaxReasonLen && cut == len(reason) {
			cut = start
		}
	}
	return n, lone, cut
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

// DOMException is the exception that the browser's WebSocket.close() throws,
// for runtimes that expose that API: [Handshake.ScriptClose] and
// [Handshake.ScriptCloseUTF16] return one for a code or reason a script may
// not pass. A runtime throws a DOMException with this Name and Message.
type DOMException struct {
	// Name is the DOMException's name: "InvalidAccessError" for the code
	// (close() step 1) or "SyntaxError" for the reason (step 2), as
	// [DOMExceptionName] gives it.
	Name string
	// Message is the exception's message, worded as browsers word it:
	// "The close code must be either 1000, or between 3000 and 4999. 1005
	// is neither." or "The close reason must not be greater than 123 UTF-8
	// bytes." It is printable ASCII.
	Message string
	// Err is the error of the check that failed: a [*CodeError] or a
	// [*ReasonError].
	Err error
}

// Error returns "wsclose: ", the Name, ": " and the Message:
// "wsclose: SyntaxError: The close reason must not be greater than 123
// UTF-8 bytes."
func (e *DOMException) Error() string {
	if e == nil {
		return errPrefix + "DOMException"
	}
	return errPrefix + e.Name + ": " + e.Message
}

// String returns the Name, ": " and the Message, as JavaScript's
// Error.prototype.toString gives a DOMException: "SyntaxError: The close
// reason must not be greater than 123 UTF-8 bytes." A JavaScript engine that
// turns a Go value into a string with its String method shows this.
func (e *DOMException) String() string {
	if e == nil {
		return "DOMException"
	}
	return e.Name + ": " + e.Message
}

// Unwrap returns Err, or nil for a nil *DOMException.
func (e *DOMException) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// domException wraps err, an error of close()'s checks, in the DOMException
// that close() throws for it.
func domException(err error) error {
	var ce *CodeError
	if errors.As(err, &ce) {
		return &DOMException{
			Name:    DOMExceptionName(err),
			Message: "The close code must be either 1000, or between 3000 and 4999. " + strconv.Itoa(ce.Code) + " is neither.",
			Err:     err,
		}
	}
	return &DOMException{
		Name:    DOMExceptionName(err),
		Message: "The close reason must not be greater than 123 UTF-8 bytes.",
		Err:     err,
	}
}

// scriptCode is close() step 1: the code of the Close frame (1005 when the
// script passed none), or the CodeError of a code it may not pass.
func scriptCode(code float64, hasCode bool) (Code, error) {
	if !hasCode {
		return StatusNoStatusReceived, nil
	}
	c := ClampCode(code)
	return c, ValidateScriptCode(int(c))
}

// scriptBodyCode is close() step 3 for a code checked by scriptCode and a
// reason of n bytes: whether the Close frame has a body, and the code it
// begins with (1000 for a reason without a code).
func scriptBodyCode(c Code, n int) (Code, bool) {
	switch {
	case c != StatusNoStatusReceived:
		return c, true
	case n == 0:
		return c, false
	}
	return StatusNormalClosure, true
}

// scriptReason scans a reason given as a JavaScript engine's Go string: it
// returns its length in bytes of UTF-8 after the USVString conversion, which
// is len(reason) as a surrogate encoded in 3 bytes (ED A0..BF 80..BF, as
// WTF-8 and CESU-8 write one) becomes U+FFFD, also 3 bytes. Any other
// ill-formed UTF-8 gives a [*ReasonError] matching [ErrInvalidUTF8]: no
// JavaScript string holds it, so it is the caller's mistake and not
// repaired.
func scriptReason(reason string) error {
	for i := 0; i < len(reason); {
		r, size := utf8.DecodeRuneInString(reason[i:])
		switch {
		case r != utf8.RuneError || size > 1:
			i += size
		case isEncodedSurrogate(reason[i:]):
			i += 3
		default:
			return &ReasonError{Func: funcValidateReason, Err: ErrInvalidUTF8, Len: len(reason), Offset: i}
		}
	}
	return nil
}

// appendScriptReason appends reason, checked by scriptReason, with each
// encoded surrogate replaced by U+FFFD.
func appendScriptReason(dst []byte, reason string) []byte {
	for i := 0; i < len(reason); {
		if isEncodedSurrogate(reason[i:]) {
			dst = utf8.AppendRune(dst, utf8.RuneError)
			i += 3
			continue
		}
		_, size := utf8.DecodeRuneInString(reason[i:])
		dst = append(dst, reason[i:i+size]...)
		i += size
	}
	return dst
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
