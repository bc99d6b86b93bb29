package wsclose

import (
	"errors"
	"strconv"
)

// The errors that the package's functions return, each matched with
// [errors.Is]. A returned error may be a [*CodeError], [*ReasonError] or
// [*PayloadError] that carries detail and unwraps to one of these.
var (
	// ErrInvalidCode: the close code may not be used under the rule that
	// was checked (RFC 6455 §7.4.1, §7.4.2 for Close frames; the WHATWG
	// close() method for scripts).
	ErrInvalidCode = errors.New("wsclose: invalid close code")
	// ErrReasonTooLong: the reason is longer than MaxReasonLen (123) bytes
	// of UTF-8 (RFC 6455 §5.5: a control frame body holds at most 125 bytes,
	// two of them the code; WHATWG close() throws "SyntaxError").
	ErrReasonTooLong = errors.New("wsclose: close reason longer than 123 bytes")
	// ErrInvalidUTF8: the reason is not well-formed UTF-8 (RFC 6455 §5.5.1,
	// §8.1).
	ErrInvalidUTF8 = errors.New("wsclose: close reason is not valid UTF-8")
	// ErrLoneSurrogate: the reason holds a surrogate code point (U+D800 to
	// U+DFFF): encoded as UTF-8 bytes ED A0..BF 80..BF, or, in UTF-16 input,
	// a surrogate code unit that is not half of a pair. Neither is a Unicode
	// scalar value, so neither can be sent as UTF-8 (RFC 3629 §3).
	ErrLoneSurrogate = errors.New("wsclose: close reason contains a lone surrogate")
	// ErrPayloadTooShort: the Close body is 1 byte long; a body that is not
	// empty begins with a 2-byte code (RFC 6455 §5.5.1).
	ErrPayloadTooShort = errors.New("wsclose: close payload too short to hold a code")
	// ErrPayloadTooLong: the Close body is longer than MaxPayloadLen (125)
	// bytes; control frames carry at most 125 (RFC 6455 §5.5).
	ErrPayloadTooLong = errors.New("wsclose: close payload longer than 125 bytes")
)

// CodeError records a rejected close code. It unwraps to [ErrInvalidCode].
type CodeError struct {
	// Code is the code as given. It is an int so that a value outside
	// 0–65535 passed to ValidateAppCode is reported as it was.
	Code int
	// Script is true when the rule checked was the browser's close()
	// (ValidateAppCode), false when it was the Close frame's (ValidateCode).
	Script bool
}

// Error names the code and the rule that rejects it.
func (e *CodeError) Error() string {
	return ErrInvalidCode.Error() + " " + strconv.Itoa(e.Code) + ": " + e.rule()
}

func (e *CodeError) rule() string {
	if e.Script {
		return "close() takes only 1000 or 3000–4999 (WHATWG WebSockets Standard, close())"
	}
	if e.Code < 0 || e.Code > 65535 {
		return "a Close frame holds a 16-bit code (RFC 6455 §5.5.1)" // a CodeError made by hand
	}
	c := Code(e.Code)
	switch {
	case c.Valid():
		return "no rule rejects it" // a CodeError made by hand
	case c == 1004:
		return "1004 is reserved (RFC 6455 §7.4.1)"
	case c == NoStatusReceived, c == AbnormalClosure, c == TLSHandshake:
		return c.String() + " must not be set in a Close frame; it is only reported (RFC 6455 §7.4.1)"
	case c.Class() == ClassNotUsed:
		return "0–999 are not used (RFC 6455 §7.4.2)"
	case c.Class() == ClassProtocol:
		return "1016–2999 are unassigned; only a published extension may define them (RFC 6455 §7.4.2, IANA registry)"
	}
	return "codes of 5000 and above are not defined (RFC 6455 §7.4.2)"
}

// Unwrap returns [ErrInvalidCode].
func (e *CodeError) Unwrap() error { return ErrInvalidCode }

// ReasonError records a rejected close reason. It unwraps to
// [ErrReasonTooLong], [ErrInvalidUTF8] or [ErrLoneSurrogate].
type ReasonError struct {
	// Err is the sentinel: ErrReasonTooLong, ErrInvalidUTF8 or
	// ErrLoneSurrogate.
	Err error
	// Len is the reason's length in bytes of UTF-8; for UTF-16 input, the
	// length after the browser's USVString conversion.
	Len int
	// Offset is where the first ill-formed sequence starts: a byte offset in
	// the reason for UTF-8 input, a code unit index for UTF-16 input. It is
	// -1 for ErrReasonTooLong.
	Offset int
}

// Error describes the fault, with its length or offset.
func (e *ReasonError) Error() string {
	if e.Offset < 0 {
		return e.Err.Error() + ": " + byteCount(e.Len)
	}
	return e.Err.Error() + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns the sentinel in Err.
func (e *ReasonError) Unwrap() error { return e.Err }

// PayloadError records a received Close body of impossible length. It
// unwraps to [ErrPayloadTooShort] or [ErrPayloadTooLong].
type PayloadError struct {
	// Err is the sentinel: ErrPayloadTooShort or ErrPayloadTooLong.
	Err error
	// Len is the body's length in bytes.
	Len int
}

// Error describes the fault, with the body's length.
func (e *PayloadError) Error() string {
	return e.Err.Error() + ": " + byteCount(e.Len)
}

// byteCount spells out a length: "1 byte", "124 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// Unwrap returns the sentinel in Err.
func (e *PayloadError) Unwrap() error { return e.Err }

// FailureCode returns the status code with which RFC 6455 says to fail the
// connection after err:
//
//   - [ProtocolError] (1002) for [ErrInvalidCode], [ErrPayloadTooShort],
//     [ErrPayloadTooLong] and [ErrReasonTooLong]: the frame breaks the
//     framing or close code rules (§5.5, §5.5.1, §7.4.1, §7.1.7);
//   - [InvalidPayloadData] (1007) for [ErrInvalidUTF8] and
//     [ErrLoneSurrogate]: the reason is not UTF-8 (§5.5.1, §8.1);
//   - 0 for nil and for errors from elsewhere.
func FailureCode(err error) Code {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrInvalidUTF8), errors.Is(err, ErrLoneSurrogate):
		return InvalidPayloadData
	case errors.Is(err, ErrInvalidCode), errors.Is(err, ErrPayloadTooShort),
		errors.Is(err, ErrPayloadTooLong), errors.Is(err, ErrReasonTooLong):
		return ProtocolError
	}
	return 0
}

// DOMExceptionName returns the name of the DOMException that the browser's
// WebSocket.close() throws for err, for runtimes that expose that API:
//
//   - "InvalidAccessError" for [ErrInvalidCode] (WHATWG WebSockets Standard, the close()
//     code check);
//   - "SyntaxError" for [ErrReasonTooLong], [ErrInvalidUTF8] and
//     [ErrLoneSurrogate] (the close() reason check; a browser converts lone surrogates
//     to U+FFFD before it gets there, see [ReasonFromUTF16]);
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
