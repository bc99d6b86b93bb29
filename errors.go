package wsclose

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// The errors that the package's functions return, each matched with
// [errors.Is]. A returned error may be a [*CodeError], [*ReasonError] or
// [*PayloadError] that carries detail and unwraps to one of these.
//
// Every error text is printable ASCII, begins "wsclose: " and is at most
// [MaxReasonLen] bytes, so that err.Error() may be sent as a close reason;
// [AppendFailure] builds that Close body.
var (
	// ErrInvalidCode reports a close code that the rule checked does not
	// allow: RFC 6455 §7.4.1 and §7.4.2 for Close frames ([ValidateCode]),
	// the WHATWG close() method for scripts ([ValidateScriptCode]).
	ErrInvalidCode = errors.New("wsclose: invalid close code")
	// ErrReasonTooLong reports a reason longer than [MaxReasonLen] (123)
	// bytes of UTF-8: a control frame's body holds at most 125 bytes
	// (RFC 6455 §5.5), two of them the code; WHATWG close() throws
	// "SyntaxError".
	ErrReasonTooLong = errors.New("wsclose: close reason longer than 123 bytes")
	// ErrInvalidUTF8 reports a reason that is not well-formed UTF-8
	// (RFC 6455 §5.5.1, §8.1).
	ErrInvalidUTF8 = errors.New("wsclose: close reason is not valid UTF-8")
	// ErrLoneSurrogate reports a reason that holds a surrogate code point
	// (U+D800 to U+DFFF): encoded as UTF-8 bytes ED A0..BF 80..BF, or, in
	// UTF-16 input, a surrogate code unit that is not half of a pair.
	// Neither is a Unicode scalar value, so neither can be sent as UTF-8
	// (RFC 3629 §3).
	ErrLoneSurrogate = errors.New("wsclose: close reason contains a lone surrogate")
	// ErrPayloadTooShort reports a Close body of 1 byte: a body that is
	// not empty begins with a 2-byte code (RFC 6455 §5.5.1).
	ErrPayloadTooShort = errors.New("wsclose: close payload too short to hold a code")
	// ErrPayloadTooLong reports a Close body longer than [MaxPayloadLen]
	// (125) bytes, which RFC 6455 §5.5 forbids (see MaxPayloadLen).
	ErrPayloadTooLong = errors.New("wsclose: close payload longer than 125 bytes")
	// ErrCloseSent reports that [Handshake.Close] may not send a Close
	// frame: this end already sent one, or the connection failed, or TCP is
	// closed. An endpoint sends one Close frame at most: once each end has
	// sent and received one, the endpoints "will not send further Close
	// frames" (RFC 6455 §7.1.5).
	ErrCloseSent = errors.New("wsclose: close frame already sent")
)

// CodeError records a rejected close code. It unwraps to [ErrInvalidCode].
type CodeError struct {
	// Code is the code as given. It is an int so that a value outside
	// 0–65535 is reported as it was.
	Code int
	// Script is true when the rule checked was the browser's close()
	// ([ValidateScriptCode]), false when it was the Close frame's
	// ([ValidateCode]).
	Script bool
}

// Error names the code and, in a few words, why it is refused:
// "wsclose: invalid close code 1005: reported only, never sent".
func (e *CodeError) Error() string { return string(e.appendText(nil)) }

func (e *CodeError) appendText(dst []byte) []byte {
	dst = append(dst, ErrInvalidCode.Error()...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(e.Code), 10)
	return append(dst, e.why()...)
}

// why is the short explanation; the doc comments of ValidateCode,
// Code.Valid and ValidateScriptCode cite the rules.
func (e *CodeError) why() string {
	switch c := e.Code; {
	case e.Script:
		return ": close() takes only 1000 or 3000-4999"
	case c < 0 || c > 65535:
		return ": not a 16-bit code"
	case Code(c).Valid():
		return "" // a CodeError made by hand
	case c == 1004:
		return ": reserved"
	case c == 1005, c == 1006, c == 1015:
		return ": reported only, never sent"
	case c < 1000:
		return ": not used (0-999)"
	case c < 3000:
		return ": unassigned (1016-2999)"
	}
	return ": out of range (5000 and above)"
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

// Error describes the fault, with its length or offset:
// "wsclose: close reason is not valid UTF-8 at offset 4". The text of an Err
// that is not one of the package's sentinels is never included.
func (e *ReasonError) Error() string { return string(e.appendText(nil)) }

func (e *ReasonError) appendText(dst []byte) []byte {
	switch e.Err {
	case ErrReasonTooLong, ErrInvalidUTF8, ErrLoneSurrogate:
		dst = append(dst, e.Err.Error()...)
	default:
		dst = append(dst, "wsclose: invalid close reason"...)
	}
	if e.Offset < 0 {
		return appendByteCount(append(dst, ": "...), e.Len)
	}
	return strconv.AppendInt(append(dst, " at offset "...), int64(e.Offset), 10)
}

// Unwrap returns the sentinel in Err, or nil for a nil *ReasonError.
func (e *ReasonError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// PayloadError records a received Close body of impossible length. It
// unwraps to [ErrPayloadTooShort] or [ErrPayloadTooLong].
type PayloadError struct {
	// Err is the sentinel: ErrPayloadTooShort or ErrPayloadTooLong.
	Err error
	// Len is the body's length in bytes.
	Len int
}

// Error describes the fault, with the body's length:
// "wsclose: close payload longer than 125 bytes: 126 bytes". The text of an
// Err that is not one of the package's sentinels is never included.
func (e *PayloadError) Error() string { return string(e.appendText(nil)) }

func (e *PayloadError) appendText(dst []byte) []byte {
	switch e.Err {
	case ErrPayloadTooShort, ErrPayloadTooLong:
		dst = append(dst, e.Err.Error()...)
	default:
		dst = append(dst, "wsclose: invalid close payload"...)
	}
	return appendByteCount(append(dst, ": "...), e.Len)
}

// Unwrap returns the sentinel in Err, or nil for a nil *PayloadError.
func (e *PayloadError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// appendByteCount spells out a length: "1 byte", "124 bytes".
func appendByteCount(dst []byte, n int) []byte {
	dst = strconv.AppendInt(dst, int64(n), 10)
	if n == 1 {
		return append(dst, " byte"...)
	}
	return append(dst, " bytes"...)
}

// FailureCode returns the status code with which RFC 6455 says to fail the
// connection after err:
//
//   - [StatusProtocolError] (1002) for [ErrInvalidCode],
//     [ErrPayloadTooShort], [ErrPayloadTooLong] and [ErrReasonTooLong]: the
//     frame breaks the framing or close code rules (§5.5, §5.5.1, §7.4.1,
//     §7.1.7);
//   - [StatusInvalidPayloadData] (1007) for [ErrInvalidUTF8] and
//     [ErrLoneSurrogate]: the reason is not UTF-8 (§5.5.1, §8.1);
//   - 0 for nil, for [ErrCloseSent] (no protocol fault) and for errors from
//     elsewhere.
func FailureCode(err error) Code {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrInvalidUTF8), errors.Is(err, ErrLoneSurrogate):
		return StatusInvalidPayloadData
	case errors.Is(err, ErrInvalidCode), errors.Is(err, ErrPayloadTooShort),
		errors.Is(err, ErrPayloadTooLong), errors.Is(err, ErrReasonTooLong):
		return StatusProtocolError
	}
	return 0
}

// AppendFailure appends to dst the body of the Close frame with which to
// fail the connection after err, and returns the extended buffer. RFC 6455
// §7.1.7:
//
//	Certain algorithms and specifications require an endpoint to _Fail the
//	WebSocket Connection_.  To do so, the client MUST _Close the WebSocket
//	Connection_, and MAY report the problem to the user [...].  Similarly,
//	to do so, the server MUST _Close the WebSocket Connection_, and SHOULD
//	log the problem.
//
// and §7.1.7 goes on: "If _The WebSocket Connection is Established_ prior to
// the point where the endpoint is required to _Fail the WebSocket
// Connection_, the endpoint SHOULD send a Close frame with an appropriate
// status code (Section 7.4) before proceeding to _Close the WebSocket
// Connection_."
//
// The reason is the text of the first error of this package in err's tree,
// as errors.Is visits it (never the text of a wrapping error), and the code
// is that error's [FailureCode], 1002 or 1007, so that code and reason
// always speak of the same fault. With no error of this package in the tree
// the reason is empty, since the text of an error from elsewhere may hold
// internal detail and is never put on the wire, and the code is
// FailureCode(err) when err matches a sentinel through its own Is method,
// else [StatusInternalError] (1011); so it is for nil too. [ErrCloseSent],
// which is no protocol fault, gives 1011 with its text. The result always
// passes [ParsePayload]. AppendFailure never fails, and does not allocate
// when dst has room for the body.
func AppendFailure(dst []byte, err error) []byte {
	own := ownError(err)
	var code Code
	if own != nil {
		code = FailureCode(own)
	} else {
		code = FailureCode(err) // a foreign error whose own Is method matches a sentinel
	}
	if code == 0 {
		code = StatusInternalError
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	switch own := own.(type) {
	case *CodeError:
		dst = own.appendText(dst)
	case *ReasonError:
		dst = own.appendText(dst)
	case *PayloadError:
		dst = own.appendText(dst)
	case error:
		dst = append(dst, own.Error()...) // a sentinel
	}
	return dst
}

// ownError returns the first error of this package in err's tree, in the
// order errors.Is visits it: a non-nil *CodeError, *ReasonError or
// *PayloadError, or a sentinel. It returns nil if there is none.
func ownError(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *CodeError:
		if e == nil {
			return nil // a typed nil: nothing to describe
		}
		return e
	case *ReasonError:
		if e == nil {
			return nil
		}
		return e
	case *PayloadError:
		if e == nil {
			return nil
		}
		return e
	}
	if isSentinel(err) {
		return err
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return ownError(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if own := ownError(e); own != nil {
				return own
			}
		}
	}
	return nil
}

// isSentinel reports whether err is one of the package's sentinels itself.
func isSentinel(err error) bool {
	switch err {
	case ErrInvalidCode, ErrReasonTooLong, ErrInvalidUTF8, ErrLoneSurrogate,
		ErrPayloadTooShort, ErrPayloadTooLong, ErrCloseSent:
		return true
	}
	return false
}
