package wsclose

import (
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// MaxReasonLen is the longest close reason in bytes of UTF-8: a control
// frame's body holds at most 125 bytes (RFC 6455 §5.5), two of which are the
// code (§5.5.1). The WHATWG close() method throws "SyntaxError" past it.
const MaxReasonLen = MaxPayloadLen - 2

// ValidateReason checks a close reason, to be sent or received. It returns
// nil if reason is at most [MaxReasonLen] bytes of well-formed UTF-8.
// Otherwise it returns an error that matches [ErrReasonTooLong] for a
// reason over 123 bytes (checked first), [ErrLoneSurrogate] for a surrogate
// code point encoded as UTF-8 (bytes ED A0..BF 80..BF, as CESU-8 and WTF-8
// write them), and [ErrInvalidUTF8] for any other ill-formed UTF-8; it is a
// [*ReasonError] whose Offset is where the first ill-formed sequence starts
// (123 for a reason too long).
// Unicode noncharacters and a leading byte order mark are well-formed and
// pass. ValidateReason does not allocate for valid input.
//
// RFC 6455 §5.5.1 on the Close body:
//
//	Following the 2-byte integer, the body MAY contain UTF-8-encoded data
//	with value /reason/, the interpretation of which is not defined by this
//	specification.
//
// and §8.1:
//
//	When an endpoint is to interpret a byte stream as UTF-8 but finds that
//	the byte stream is not, in fact, a valid UTF-8 stream, that endpoint
//	MUST _Fail the WebSocket Connection_.
func ValidateReason(reason string) error {
	if len(reason) > MaxReasonLen {
		return tooLong(len(reason))
	}
	if utf8.ValidString(reason) {
		return nil
	}
	return encodingError(reason)
}

// ValidateReasonBytes is [ValidateReason] for a reason held as bytes, such
// as one read from the wire. It does not allocate for valid input.
func ValidateReasonBytes(reason []byte) error {
	if len(reason) > MaxReasonLen {
		return tooLong(len(reason))
	}
	if utf8.Valid(reason) {
		return nil
	}
	return encodingError(string(reason)) // refused: converting allocates only here
}

// tooLong is the error for a UTF-8 reason of n > MaxReasonLen bytes.
func tooLong(n int) error {
	return &ReasonError{Func: funcValidateReason, Err: ErrReasonTooLong, Len: n, Offset: MaxReasonLen}
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
	return &ReasonError{Func: funcValidateReason, Err: err, Len: len(reason), Offset: i}
}

// isEncodedSurrogate reports whether s begins with a surrogate code point
// U+D800–U+DFFF encoded as if it were a scalar value: ED A0..BF 80..BF.
func isEncodedSurrogate(s string) bool {
	return len(s) >= 3 && s[0] == 0xED &&
		s[1] >= 0xA0 && s[1] <= 0xBF &&
		s[2] >= 0x80 && s[2] <= 0xBF
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
	b, _ := xunicode.UTF8.NewDecoder().Bytes(p)
	return string(b)
}

// TruncateReason makes reason sendable. Ill-formed UTF-8 is first replaced
// as [DecodeReason] replaces it; then the reason is cut as [CutReason] cuts
// it. A non-empty reason never becomes empty.
//
// The result always passes [ValidateReason]. A valid reason of at most 123
// bytes comes back unchanged, and valid input is not copied: the result is a
// prefix of reason, with no allocation. Use CutReason where ill-formed input
// should be refused rather than repaired.
func TruncateReason(reason string) string {
	if !utf8.ValidString(reason) {
		reason = DecodeReason([]byte(reason))
	}
	return CutReason(reason)
}

// CutReason shortens a reason longer than [MaxReasonLen] bytes without
// splitting a character, and repairs nothing: it returns the longest prefix
// of at most 123 bytes that ends at a Unicode normalization (NFC) boundary,
// before a rune whose [norm.Properties.BoundaryBefore] is true, so that a
// combining mark is never separated from its base; if no prefix ends at such
// a boundary, the longest that ends at a rune boundary. A reason of at most
// 123 bytes comes back unchanged, and a non-empty reason never becomes
// empty.
//
// The result is a prefix of reason, with no allocation, and it is valid
// UTF-8 when reason is; ill-formed input stays ill-formed (check it with
// [ValidateReason], or repair it with [TruncateReason]). The cut does not
// keep grapheme clusters that span several NFC segments (emoji ZWJ
// sequences, flags) together; UAX #29 segmentation is beyond this package.
func CutReason(reason string) string {
	return reason[:cutLen(reason, boundaryBeforeString)]
}

// CutReasonBytes is [CutReason] for a reason held as bytes: the result is a
// prefix of reason (reason[:n]), with no allocation.
func CutReasonBytes(reason []byte) []byte {
	return reason[:cutLen(reason, boundaryBeforeBytes)]
}

// cutLen is the length CutReason and CutReasonBytes cut reason to;
// boundaryBefore reports whether an NFC segment starts at the beginning of
// its argument. It is a plain function, not a method value of norm.NFC,
// which would escape to the heap in every caller CutReason is inlined into.
func cutLen[T string | []byte](reason T, boundaryBefore func(T) bool) int {
	if len(reason) <= MaxReasonLen {
		return len(reason)
	}
	for i := MaxReasonLen; i > 0; i-- {
		if utf8.RuneStart(reason[i]) && boundaryBefore(reason[i:]) {
			return i
		}
	}
	i := MaxReasonLen
	for i > 1 && !utf8.RuneStart(reason[i]) {
		i--
	}
	return i
}

func boundaryBeforeString(s string) bool { return norm.NFC.PropertiesString(s).BoundaryBefore() }

func boundaryBeforeBytes(b []byte) bool { return norm.NFC.Properties(b).BoundaryBefore() }
