// Package wsclose checks, encodes and decodes WebSocket close codes, close
// reasons and Close frame bodies exactly as RFC 6455, the IANA WebSocket
// Close Code Number Registry, the WHATWG WebSockets Standard and Web IDL
// define them. It is for the authors of WebSocket servers, clients and
// browser-API runtimes who want close handling that is right without
// re-deriving it.
//
// # Close codes
//
// Three rules decide where a code may appear:
//
//	rule                       codes                              check
//	a script's close()         1000, 3000–4999                    ValidateAppCode
//	an endpoint's Close frame  1000–1003, 1007–1014, 3000–4999    Code.Valid, ValidateCode
//	never sent                 0–999, 1004–1006, 1015, 1016–2999,
//	                           5000–65535                         !Code.Valid
//
// [Code.String] names every IANA-registered code and the range of the rest;
// [ClampCode] converts a JavaScript number the way Web IDL's
// [Clamp] unsigned short does.
//
// # Close reasons
//
// A reason is at most [MaxReasonLen] (123) bytes of well-formed UTF-8.
// [ValidateReason] checks a Go string, [ValidateReasonUTF16] and
// [ReasonLenUTF16] a JavaScript (UTF-16) string, [ReasonFromUTF16] converts
// one as a browser does, [DecodeReason] shows received bytes as
// CloseEvent.reason would, and [TruncateReason] shortens a reason without
// splitting a character.
//
// # Close frame bodies
//
// [AppendPayload] encodes a body; [ParsePayload] and [ParsePayloadBytes]
// decode and check a received one. Their errors match the sentinels of this
// package with [errors.Is]; [FailureCode] maps an error to the status code
// RFC 6455 says to fail the connection with (1002 or 1007), and
// [DOMExceptionName] to the exception a browser's close() throws.
//
// The functions are pure, safe for concurrent use, and do not allocate on
// their hot paths.
package wsclose

import (
	"math"
	"strconv"
	"strings"
)

// Code is a WebSocket close status code: the first two bytes of a Close
// frame's body (RFC 6455 §5.5.1), or the status a closed connection reports
// (§7.1.5).
//
// A Code is a plain number; it holds any value 0–65535, valid or not. Use
// [Code.Valid] or [ValidateCode] before putting one in a Close frame and
// [ValidateAppCode] for the narrower rule of the browser's close().
type Code uint16

// The close codes defined by RFC 6455 §7.4.1 and the IANA WebSocket Close Code
// Number Registry.
const (
	// NormalClosure (1000): the purpose for which the connection was
	// established has been fulfilled (RFC 6455 §7.4.1).
	NormalClosure Code = 1000
	// GoingAway (1001): an endpoint is going away, such as a server going down
	// or a browser having navigated away from a page (RFC 6455 §7.4.1).
	GoingAway Code = 1001
	// ProtocolError (1002): an endpoint is terminating the connection due to a
	// protocol error (RFC 6455 §7.4.1).
	ProtocolError Code = 1002
	// UnsupportedData (1003): an endpoint received a type of data it cannot
	// accept (RFC 6455 §7.4.1).
	UnsupportedData Code = 1003
	// NoStatusReceived (1005): no status code was present in the Close frame.
	// It is reported, never sent (RFC 6455 §7.4.1, §7.1.5); the empty Close
	// body is how "no status" travels.
	NoStatusReceived Code = 1005
	// AbnormalClosure (1006): the connection closed without a Close frame.
	// It is reported, never sent (RFC 6455 §7.4.1, §7.1.5).
	AbnormalClosure Code = 1006
	// InvalidPayloadData (1007): an endpoint received data within a message
	// that was not consistent with its type, such as non-UTF-8 text
	// (RFC 6455 §7.4.1, §8.1).
	InvalidPayloadData Code = 1007
	// PolicyViolation (1008): an endpoint received a message that violates its
	// policy (RFC 6455 §7.4.1).
	PolicyViolation Code = 1008
	// MessageTooBig (1009): an endpoint received a message too big to process
	// (RFC 6455 §7.4.1).
	MessageTooBig Code = 1009
	// MandatoryExtension (1010): the client expected the server to negotiate
	// one or more extensions, and it did not (RFC 6455 §7.4.1).
	MandatoryExtension Code = 1010
	// InternalError (1011): the server met an unexpected condition that
	// prevented it from fulfilling the request (RFC 6455 §7.4.1, as
	// registered with IANA).
	InternalError Code = 1011
	// ServiceRestart (1012): the service is restarting (IANA registry).
	ServiceRestart Code = 1012
	// TryAgainLater (1013): the service is experiencing overload; try again
	// later (IANA registry).
	TryAgainLater Code = 1013
	// BadGateway (1014): the server was acting as a gateway or proxy and
	// received an invalid response from the upstream server, like HTTP 502
	// (IANA registry).
	BadGateway Code = 1014
	// TLSHandshake (1015): the TLS handshake failed. It is reported, never
	// sent (RFC 6455 §7.4.1).
	TLSHandshake Code = 1015
	// Unauthorized (3000): the endpoint is not authorized, like HTTP 401
	// (IANA registry).
	Unauthorized Code = 3000
	// Forbidden (3003): the endpoint is authenticated but not allowed, like
	// HTTP 403 (IANA registry).
	Forbidden Code = 3003
	// Timeout (3008): the endpoint timed out, like HTTP 408 (IANA registry).
	Timeout Code = 3008
)

// Class is a range of close codes as RFC 6455 §7.4.2 divides them.
type Class uint8

// The close code ranges of RFC 6455 §7.4.2.
const (
	// ClassNotUsed is 0–999: "not used".
	ClassNotUsed Class = iota
	// ClassProtocol is 1000–2999: reserved for this protocol, its future
	// revisions and extensions in a permanent public specification.
	ClassProtocol
	// ClassRegistered is 3000–3999: for libraries, frameworks and
	// applications, registered with IANA first come, first served.
	ClassRegistered
	// ClassPrivate is 4000–4999: reserved for private use, not registered.
	ClassPrivate
	// ClassOutOfRange is 5000–65535: RFC 6455 defines no meaning for them,
	// and no endpoint may send them.
	ClassOutOfRange
)

// Class reports the RFC 6455 §7.4.2 range that c lies in.
func (c Code) Class() Class {
	switch {
	case c <= 999:
		return ClassNotUsed
	case c <= 2999:
		return ClassProtocol
	case c <= 3999:
		return ClassRegistered
	case c <= 4999:
		return ClassPrivate
	default:
		return ClassOutOfRange
	}
}

// String returns the range as RFC 6455 §7.4.2 states it, e.g.
// "1000–2999 protocol".
func (k Class) String() string {
	switch k {
	case ClassNotUsed:
		return "0–999 not used"
	case ClassProtocol:
		return "1000–2999 protocol"
	case ClassRegistered:
		return "3000–3999 registered"
	case ClassPrivate:
		return "4000–4999 private use"
	case ClassOutOfRange:
		return "5000–65535 out of range"
	}
	return "Class(" + strconv.Itoa(int(k)) + ")"
}

// Valid reports whether c may appear in a Close frame, sent or received:
// 1000–1003, 1007–1014 and 3000–4999.
//
// Everything else is invalid, and RFC 6455 §7.4.1, §7.4.2 and the IANA
// registry say why: 0–999 are not used; 1004 is reserved; 1005, 1006 and
// 1015 MUST NOT be set as a status code in a Close frame; 1016–2999 are
// unassigned; and nothing is defined at or above 5000. A receiver of an
// invalid code fails the connection with [ProtocolError] (Autobahn TestSuite
// cases 7.9.x).
func (c Code) Valid() bool {
	switch {
	case c >= 1000 && c <= 1003:
		return true
	case c >= 1007 && c <= 1014:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// Registered reports whether c has an entry of its own in the IANA WebSocket
// Close Code Number Registry: 1000–1015, 3000, 3003 and 3008.
func (c Code) Registered() bool {
	return registeredString(c) != ""
}

// ValidateCode returns nil when c may appear in a Close frame ([Code.Valid]),
// and otherwise an error that matches [ErrInvalidCode] and names the rule
// (RFC 6455 §7.4.1, §7.4.2).
func ValidateCode(c Code) error {
	if c.Valid() {
		return nil
	}
	return &CodeError{Code: int(c)}
}

// ValidateAppCode reports whether a browser script may pass code to
// WebSocket.close(): the WHATWG WebSockets Standard's close() method throws
// an "InvalidAccessError" DOMException unless code is 1000 or in 3000–4999.
// It returns nil for those codes and otherwise an error that matches
// [ErrInvalidCode].
//
// code is an int, not a [Code], so that a value outside 0–65535 is rejected
// instead of wrapping (66536 would become 1000). Script values that are not
// integers are first converted by [ClampCode], as Web IDL does.
func ValidateAppCode(code int) error {
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

// String returns the code's number followed by its IANA name or, for codes
// without an entry of their own, the name of their range:
//
//	1000 (normal closure)
//	1014 (bad gateway)
//	1004 (reserved)
//	1016 (unassigned)
//	3999 (registered range)
//	4000 (private use)
//	999 (not used)
//	5000 (out of range)
//
// String does not allocate for codes registered with IANA.
func (c Code) String() string {
	if s := registeredString(c); s != "" {
		return s
	}
	return strconv.Itoa(int(c)) + " (" + c.Name() + ")"
}

// Name returns the code's IANA name in lower case ("normal closure",
// "bad gateway"), or for a code without an entry of its own the name of its
// range: "not used" (0–999), "unassigned" (1016–2999), "registered range"
// (other codes in 3000–3999), "private use" (4000–4999) or "out of range"
// (5000 and above). It never returns "".
func (c Code) Name() string {
	if s := registeredString(c); s != "" {
		_, name, _ := strings.Cut(s, " (")
		return strings.TrimSuffix(name, ")")
	}
	switch c.Class() {
	case ClassNotUsed:
		return "not used"
	case ClassProtocol:
		return "unassigned"
	case ClassRegistered:
		return "registered range"
	case ClassPrivate:
		return "private use"
	}
	return "out of range"
}

// registeredString is the String form of the codes registered with IANA, as
// constants so that String need not allocate; "" for other codes.
func registeredString(c Code) string {
	switch c {
	case NormalClosure:
		return "1000 (normal closure)"
	case GoingAway:
		return "1001 (going away)"
	case ProtocolError:
		return "1002 (protocol error)"
	case UnsupportedData:
		return "1003 (unsupported data)"
	case 1004:
		return "1004 (reserved)"
	case NoStatusReceived:
		return "1005 (no status received)"
	case AbnormalClosure:
		return "1006 (abnormal closure)"
	case InvalidPayloadData:
		return "1007 (invalid frame payload data)"
	case PolicyViolation:
		return "1008 (policy violation)"
	case MessageTooBig:
		return "1009 (message too big)"
	case MandatoryExtension:
		return "1010 (mandatory extension)"
	case InternalError:
		return "1011 (internal error)"
	case ServiceRestart:
		return "1012 (service restart)"
	case TryAgainLater:
		return "1013 (try again later)"
	case BadGateway:
		return "1014 (bad gateway)"
	case TLSHandshake:
		return "1015 (TLS handshake)"
	case Unauthorized:
		return "3000 (unauthorized)"
	case Forbidden:
		return "3003 (forbidden)"
	case Timeout:
		return "3008 (timeout)"
	}
	return ""
}
