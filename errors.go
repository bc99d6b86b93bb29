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
// [MaxReasonLen] bytes. [FailureReason] gives it without the prefix, to be
// sent as a close reason under the implementation's own name, and
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
	// ErrCloseSent reports that a [Handshake] may not send a Close frame:
	// this end already sent one ([Handshake.Send]), or, for
	// [Handshake.Close], the connection failed. An endpoint sends one Close frame at most:
	// once each end has sent and received one, the endpoints "will not send
	// further Close frames" (RFC 6455 §7.1.5).
	ErrCloseSent = errors.New("wsclose: close frame already sent")
	// ErrTransportClosed reports that a [Handshake] may not send a Close
	// frame because the TCP connection is closed ([Handshake.TransportClosed])
	// and none was sent: nothing can be written any more, and the
	// connection's Event is final.
	ErrTransportClosed = errors.New("wsclose: transport closed")
)

// errPrefix begins every error text of the package. It is not sent on the
// wire: [AppendFailure] and [FailureReason] give the text without it, so that
// an implementation sends it under its own name.
const errPrefix = "wsclose: "

// CodeError records a rejected close code. It unwraps to [ErrInvalidCode].
type CodeError struct {
	// Func names the rule that refused the code, as the function that checks
	// it: "ValidateCode" for the rule of Close frames (RFC 6455 §7.4), also
	// applied by the payload functions and [Handshake.Close];
	// "ValidateScriptCode" for the browser's close() ([AppendScriptClose],
	// [Handshake.ScriptClose]). It plays the part of strconv.NumError.Func.
	Func string
	// Code is the code as given. It is an int so that a value outside
	// 0–65535 is reported as it was.
	Code int
}

// Error names the code and, in a few words, why it is refused:
// "wsclose: invalid close code 1005: reported only, never sent".
func (e *CodeError) Error() string { return errPrefix + string(e.appendText(nil)) }

// appendText appends the error's text without the "wsclose: " prefix.
func (e *CodeError) appendText(dst []byte) []byte {
	dst = append(dst, ErrInvalidCode.Error()[len(errPrefix):]...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(e.Code), 10)
	return append(dst, e.why()...)
}

// why is the short explanation; the doc comments of ValidateCode,
// Code.Valid and ValidateScriptCode cite the rules.
func (e *CodeError) why() string {
	switch c := e.Code; {
	case e.Func == funcValidateScriptCode:
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

// The values of CodeError.Func and ReasonError.Func.
const (
	funcValidateCode        = "ValidateCode"
	funcValidateScriptCode  = "ValidateScriptCode"
	funcValidateReason      = "ValidateReason"
	funcValidateReasonUTF16 = "ValidateReasonUTF16"
)

// ReasonError records a rejected close reason. It unwraps to
// [ErrReasonTooLong], [ErrInvalidUTF8] or [ErrLoneSurrogate].
type ReasonError struct {
	// Func names the check that refused the reason, and so the unit of Len
	// and Offset: "ValidateReason" for a reason given as UTF-8 (a string or
	// []byte, by any function of the package), "ValidateReasonUTF16" for one
	// given as UTF-16 code units ([ValidateReasonUTF16],
	// [AppendScriptClose], [Handshake.ScriptCloseUTF16]).
	Func string
	// Err is the sentinel: ErrReasonTooLong, ErrInvalidUTF8 or
	// ErrLoneSurrogate.
	Err error
	// Len is the reason's length in bytes of UTF-8; for UTF-16 input, the
	// length after the browser's USVString conversion.
	Len int
	// Offset is the index, in the input's own units (bytes for UTF-8 input,
	// code units for UTF-16 input), of the first unit that is not
	// acceptable: for ErrInvalidUTF8 and ErrLoneSurrogate, where the first
	// ill-formed sequence starts; for ErrReasonTooLong, the first unit that
	// ends past the 123rd byte of UTF-8 (123 for UTF-8 input).
	Offset int
}

// Error describes the fault, with its offset or length:
// "wsclose: close reason is not valid UTF-8 at offset 4",
// "wsclose: close reason longer than 123 bytes: 130 bytes". The text of an
// Err that is not one of the package's sentinels is never included.
func (e *ReasonError) Error() string { return errPrefix + string(e.appendText(nil)) }

func (e *ReasonError) appendText(dst []byte) []byte {
	switch e.Err {
	case ErrReasonTooLong:
		dst = append(dst, e.Err.Error()[len(errPrefix):]...)
		return appendByteCount(append(dst, ": "...), e.Len)
	case ErrInvalidUTF8, ErrLoneSurrogate:
		dst = append(dst, e.Err.Error()[len(errPrefix):]...)
	default:
		dst = append(dst, "invalid close reason"...)
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
func (e *PayloadError) Error() string { return errPrefix + string(e.appendText(nil)) }

func (e *PayloadError) appendText(dst []byte) []byte {
	switch e.Err {
	case ErrPayloadTooShort, ErrPayloadTooLong:
		dst = append(dst, e.Err.Error()[len(errPrefix):]...)
	default:
		dst = append(dst, "invalid close payload"...)
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

// Failure fails a connection for a fault wsclose does not see itself: a frame
// reader's protocol error, a text message that is not UTF-8, a message too
// big, a policy.
//
// [FailureCode], [AppendFailure], [FailureReason] and [Handshake.Fail] find
// a *Failure in an error's tree as [errors.As] does, so also through an As
// method of an implementation's own error type, which keeps its own text,
// and honour it: its Code
// goes on the wire, or [StatusInternalError] (1011) when Code may not be sent
// (![Code.Valid]), and its Reason when [ValidateReason] accepts it, else the
// code goes alone. Err is never sent. The codes RFC 6455 §7.4.1 gives the
// faults of a frame reader: [StatusProtocolError] (1002) for a framing fault
// (a reserved bit set, an unknown opcode, a fragmented or over-long control
// frame, a masked frame from a server or an unmasked one from a client, a
// continuation frame with nothing to continue), [StatusInvalidPayloadData]
// (1007) for a text message that is not UTF-8 (§8.1),
// [StatusMessageTooBig] (1009) for a message over the size limit,
// [StatusPolicyViolation] (1008) for a policy.
type Failure struct {
	Code   Code   // the status to send; 1011 when it may not be sent (!Code.Valid())
	Reason string // sent when ValidateReason accepts it; otherwise the code goes alone
	Err    error  // the cause, for the caller's logs; never sent
}

// Error names the code that is sent, never the reason or Err's text:
// "wsclose: connection failed with 1002 (protocol error)". A nil *Failure
// gives "wsclose: connection failed".
func (f *Failure) Error() string {
	if f == nil {
		return errPrefix + "connection failed"
	}
	return errPrefix + "connection failed with " + f.sentCode().String()
}

// Unwrap returns Err, or nil for a nil *Failure.
func (f *Failure) Unwrap() error {
	if f == nil {
		return nil
	}
	return f.Err
}

// sentCode is the code sent for f: Code, or 1011 if Code may not be sent.
func (f *Failure) sentCode() Code {
	if f.Code.Valid() {
		return f.Code
	}
	return StatusInternalError
}

// sentReason is the reason sent for f: Reason, or "" if it may not be sent.
func (f *Failure) sentReason() string {
	if ValidateReason(f.Reason) != nil {
		return ""
	}
	return f.Reason
}

// FailureCode returns the status code with which to fail the connection
// after err, decided by the first error of this package (or [*Failure]) in
// err's tree, in the order [errors.Is] and [errors.As] visit it:
//
//   - a [*Failure]'s Code, or [StatusInternalError] (1011) if that may not
//     be sent;
//   - [StatusProtocolError] (1002) for [ErrInvalidCode],
//     [ErrPayloadTooShort], [ErrPayloadTooLong] and [ErrReasonTooLong]: the
//     frame breaks the framing or close code rules (RFC 6455 §5.5, §5.5.1,
//     §7.4.1, §7.1.7);
//   - [StatusInvalidPayloadData] (1007) for [ErrInvalidUTF8] and
//     [ErrLoneSurrogate]: the reason is not UTF-8 (§5.5.1, §8.1);
//   - 0 for nil, for [ErrCloseSent] and [ErrTransportClosed] (no protocol
//     fault) and for errors from
//     elsewhere, unless such an error matches one of the sentinels above
//     through an Is method of its own.
func FailureCode(err error) Code {
	return failureCode(err, ownError(err))
}

// failureCode is FailureCode of err, whose ownError is own.
func failureCode(err, own error) Code {
	if own != nil {
		if f, ok := own.(*Failure); ok {
			return f.sentCode()
		}
		err = own
	}
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

// FailureReason returns the close reason that [AppendFailure] sends for err:
// the text of the first error of this package in err's tree without its
// "wsclose: " prefix ("invalid close code 1005: reported only, never
// sent"), or a [*Failure]'s Reason when [ValidateReason] accepts it. It is
// "" for nil, for errors from elsewhere (their text may hold internal detail
// and is never put on the wire) and for a *Failure whose Reason is invalid.
// An implementation may put its own name before it; the result is printable
// ASCII of at most [MaxReasonLen] bytes, except a *Failure's Reason, which
// is valid UTF-8 of at most 123 bytes. It does not allocate for a sentinel
// or a *Failure in the tree; one found through an As method costs one
// allocation.
func FailureReason(err error) string {
	switch own := ownError(err).(type) {
	case *Failure:
		return own.sentReason()
	case *CodeError, *ReasonError, *PayloadError:
		return string(appendOwnText(nil, own))
	case error:
		return own.Error()[len(errPrefix):] // a sentinel
	}
	return ""
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
// The code is [FailureCode] of err and the reason [FailureReason] of err,
// both from the first error of this package (or [*Failure]) in err's tree,
// so that code and reason always speak of the same fault: 1002 or 1007 with
// the error's text (without "wsclose: ") for an error of this package, a
// *Failure's code and valid reason, and [StatusInternalError] (1011) with
// no reason for anything else, nil included, since the text of an error
// from elsewhere may hold internal detail and is never put on the wire.
// [ErrCloseSent] and [ErrTransportClosed], which are no protocol fault,
// give 1011 with their text. The
// result always passes [ParsePayload]. AppendFailure never fails, and does
// not allocate when dst has room for the body, except that asking an
// error's As method for a *Failure costs one allocation (the pointer it
// fills escapes), besides what the As method itself allocates.
func AppendFailure(dst []byte, err error) []byte {
	own := ownError(err)
	code := failureCode(err, own)
	if code == 0 {
		code = StatusInternalError
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	switch own := own.(type) {
	case *Failure:
		dst = append(dst, own.sentReason()...)
	case error:
		dst = appendOwnText(dst, own)
	}
	return dst
}

// appendOwnText appends the text of own, an error of this package other than
// a *Failure, without the "wsclose: " prefix.
func appendOwnText(dst []byte, own error) []byte {
	switch own := own.(type) {
	case *CodeError:
		return own.appendText(dst)
	case *ReasonError:
		return own.appendText(dst)
	case *PayloadError:
		return own.appendText(dst)
	}
	return append(dst, own.Error()[len(errPrefix):]...) // a sentinel
}

// ownError returns the first error of this package in err's tree, in the
// order errors.Is and errors.As visit it: a non-nil *Failure (itself, or
// given by an error's As method), *CodeError, *ReasonError or *PayloadError,
// or a sentinel. It returns nil if there is none.
func ownError(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *Failure:
		if e == nil {
			return nil // a typed nil: nothing to describe
		}
		return e
	case *CodeError:
		if e == nil {
			return nil
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
	if a, ok := err.(interface{ As(any) bool }); ok {
		// An error that keeps its own type and text and yields a *Failure
		// through its As method, as errors.As finds it.
		var f *Failure
		if a.As(&f) && f != nil {
			return f
		}
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
		ErrPayloadTooShort, ErrPayloadTooLong, ErrCloseSent, ErrTransportClosed:
		return true
	}
	return false
}
