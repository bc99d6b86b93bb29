package wsclose

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// MaxReasonLen is the longest close reason in bytes of UTF-8: a control
// frame's body holds at most 125 bytes (RFC 6455 §5.5), two of which are the
// code (§5.5.1). The WHATWG close() method throws "SyntaxError" past it.
const MaxReasonLen = MaxPayloadLen - 2

// ValidateReason reports whether reason may be sent as a close reason, and
// is the check a receiver applies to one (RFC 6455 §5.5.1: "the data MUST
// be UTF-8-encoded"; §8.1: invalid UTF-8 fails the connection).
//
// The length is checked first: more than [MaxReasonLen] bytes gives an error
// matching [ErrReasonTooLong]. Then the encoding: a surrogate code point
// encoded as UTF-8 (bytes ED A0..BF 80..BF, as CESU-8 and WTF-8 write them)
// gives [ErrLoneSurrogate], and any other ill-formed UTF-8 gives
// [ErrInvalidUTF8]. Errors are [*ReasonError]s that name the offset of the
// first ill-formed sequence. Unicode noncharacters and a leading byte order
// mark are well-formed and pass. ValidateReason does not allocate for valid
// input.
func ValidateReason(reason string) error {
	if len(reason) > MaxReasonLen {
		return &ReasonError{Err: ErrReasonTooLong, Len: len(reason), Offset: -1}
	}
	if utf8.ValidString(reason) {
		return nil
	}
	return encodingError(reason)
}

// encodingError describes the first ill-formed sequence of a reason that is
// known not to be valid UTF-8.
func encodingError(reason string) error {
	i := 0
	for i < len(reason) {
		r, size := utf8.DecodeRuneInString(reason[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	err := ErrInvalidUTF8
	if isEncodedSurrogate(reason[i:]) {
		err = ErrLoneSurrogate
	}
	return &ReasonError{Err: err, Len: len(reason), Offset: i}
}

// isEncodedSurrogate reports whether s begins with a surrogate code point
// U+D800–U+DFFF encoded as if it were a scalar value: ED A0..BF 80..BF.
func isEncodedSurrogate(s string) bool {
	return len(s) >= 3 && s[0] == 0xED &&
		s[1] >= 0xA0 && s[1] <= 0xBF &&
		s[2] >= 0x80 && s[2] <= 0xBF
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
// units. The length after USVString conversion ([ReasonLenUTF16]) is checked
// first: over [MaxReasonLen] gives an error matching [ErrReasonTooLong]. Then
// any unpaired surrogate gives [ErrLoneSurrogate], with the index of the
// first as the [*ReasonError]'s Offset.
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
// result as UTF-8. The length is not checked; see [ValidateReason].
func ReasonFromUTF16(reason []uint16) string {
	var b strings.Builder
	b.Grow(ReasonLenUTF16(reason))
	for i := 0; i < len(reason); i++ {
		r := rune(reason[i])
		if isHighSurrogate(reason[i]) && i+1 < len(reason) && isLowSurrogate(reason[i+1]) {
			r = utf16.DecodeRune(r, rune(reason[i+1]))
			i++
		} else if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// DecodeReason decodes received reason bytes the way a browser fills in
// CloseEvent.reason: the WHATWG Encoding Standard's "UTF-8 decode without
// BOM", which replaces each maximal ill-formed subpart with one U+FFFD (so
// ED A0 80, an encoded surrogate, becomes three) and keeps a leading byte
// order mark as U+FEFF. Valid UTF-8 comes back unchanged.
//
// It uses golang.org/x/text/encoding/unicode's UTF8 decoder, which
// implements exactly that; [strings.ToValidUTF8] does not, as it replaces a
// whole run of bad bytes with one replacement.
func DecodeReason(p []byte) string {
	if utf8.Valid(p) {
		return string(p)
	}
	// The decoder only fails when its output buffer is short, and Bytes
	// grows the buffer until it is not.
	b, _ := unicode.UTF8.NewDecoder().Bytes(p)
	return string(b)
}

// TruncateReason makes reason sendable. Ill-formed UTF-8 is first replaced
// as [DecodeReason] replaces it. Then a reason longer than [MaxReasonLen]
// bytes is cut to the longest prefix of at most 123 bytes that ends at a
// Unicode normalization (NFC) boundary, before a rune whose
// [norm.Properties.BoundaryBefore] is true, so that a combining mark is never
// separated from its base; if no prefix ends at such a boundary, it is cut
// at the last rune boundary. A non-empty reason never becomes empty.
//
// The result always passes [ValidateReason]. A valid reason of at most 123
// bytes comes back unchanged, and valid input is not copied: the result is a
// prefix of reason, with no allocation. The cut does not keep grapheme
// clusters that span several NFC segments (emoji ZWJ sequences, flags)
// together; UAX #29 segmentation is beyond this package.
func TruncateReason(reason string) string {
	if !utf8.ValidString(reason) {
		reason = DecodeReason([]byte(reason))
	}
	if len(reason) <= MaxReasonLen {
		return reason
	}
	for i := MaxReasonLen; i > 0; i-- {
		if utf8.RuneStart(reason[i]) && norm.NFC.PropertiesString(reason[i:]).BoundaryBefore() {
			return reason[:i]
		}
	}
	i := MaxReasonLen
	for !utf8.RuneStart(reason[i]) {
		i--
	}
	return reason[:i]
}
