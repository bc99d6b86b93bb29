package wsclose

import (
	"strconv"
	"strings"
)

// Code is a WebSocket close status code: the first two bytes of a Close
// frame's body (RFC 6455 §5.5.1), or the status a closed connection reports
// (§7.1.5).
//
// A Code is a plain number; it holds any value 0–65535, valid or not. Use
// [Code.Valid] or [ValidateCode] before putting one in a Close frame and
// [ValidateScriptCode] for the narrower rule of the browser's close(). The
// constants carry the Status prefix, as net/http's do.
type Code uint16

// The close codes defined by RFC 6455 §7.4.1 and the IANA WebSocket Close Code
// Number Registry.
const (
	// StatusNormalClosure (1000): the purpose for which the connection was
	// established has been fulfilled (RFC 6455 §7.4.1).
	StatusNormalClosure Code = 1000
	// StatusGoingAway (1001): an endpoint is going away, such as a server going down
	// or a browser having navigated away from a page (RFC 6455 §7.4.1).
	StatusGoingAway Code = 1001
	// StatusProtocolError (1002): an endpoint is terminating the connection due to a
	// protocol error (RFC 6455 §7.4.1).
	StatusProtocolError Code = 1002
	// StatusUnsupportedData (1003): an endpoint received a type of data it cannot
	// accept (RFC 6455 §7.4.1).
	StatusUnsupportedData Code = 1003
	// StatusNoStatusReceived (1005): no status code was present in the Close frame.
	// It is reported, never sent (RFC 6455 §7.4.1, §7.1.5); the empty Close
	// body is how "no status" travels.
	StatusNoStatusReceived Code = 1005
	// StatusAbnormalClosure (1006): the connection closed without a Close frame.
	// It is reported, never sent (RFC 6455 §7.4.1, §7.1.5).
	StatusAbnormalClosure Code = 1006
	// StatusInvalidPayloadData (1007): an endpoint received data within a message
	// that was not consistent with its type, such as non-UTF-8 text
	// (RFC 6455 §7.4.1, §8.1).
	StatusInvalidPayloadData Code = 1007
	// StatusPolicyViolation (1008): an endpoint received a message that violates its
	// policy (RFC 6455 §7.4.1).
	StatusPolicyViolation Code = 1008
	// StatusMessageTooBig (1009): an endpoint received a message too big to process
	// (RFC 6455 §7.4.1).
	StatusMessageTooBig Code = 1009
	// StatusMandatoryExtension (1010): the client expected the server to negotiate
	// one or more extensions, and it did not (RFC 6455 §7.4.1).
	StatusMandatoryExtension Code = 1010
	// StatusInternalError (1011): an endpoint met an unexpected condition
	// that prevented it from fulfilling the request. RFC 6455 §7.4.1 says
	// "a server"; its errata 3227 (verified) makes it any endpoint, as the
	// IANA registry has it.
	StatusInternalError Code = 1011
	// StatusServiceRestart (1012): the service is restarting (IANA registry).
	StatusServiceRestart Code = 1012
	// StatusTryAgainLater (1013): the service is experiencing overload; try again
	// later (IANA registry).
	StatusTryAgainLater Code = 1013
	// StatusBadGateway (1014): the server was acting as a gateway or proxy and
	// received an invalid response from the upstream server, like HTTP 502
	// (IANA registry).
	StatusBadGateway Code = 1014
	// StatusTLSHandshake (1015): the TLS handshake failed. It is reported, never
	// sent (RFC 6455 §7.4.1).
	StatusTLSHandshake Code = 1015
	// StatusUnauthorized (3000): the endpoint is not authorized, like HTTP 401
	// (IANA registry).
	StatusUnauthorized Code = 3000
	// StatusForbidden (3003): the endpoint is authenticated but not allowed, like
	// HTTP 403 (IANA registry).
	StatusForbidden Code = 3003
	// StatusTimeout (3008): the endpoint timed out, like HTTP 408 (IANA registry).
	StatusTimeout Code = 3008
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
	// ClassLibrary is 3000–3999: "reserved for use by libraries,
	// frameworks, and applications", registered with IANA first come, first
	// served. Only some of its codes have an entry ([Code.Registered]).
	ClassLibrary
	// ClassPrivate is 4000–4999: reserved for private use, not registered.
	ClassPrivate
	// ClassOutOfRange is 5000–65535: RFC 6455 defines no meaning for them,
	// and no endpoint may send them.
	ClassOutOfRange
)

// Class returns the RFC 6455 §7.4.2 range that c lies in.
func (c Code) Class() Class {
	switch {
	case c <= 999:
		return ClassNotUsed
	case c <= 2999:
		return ClassProtocol
	case c <= 3999:
		return ClassLibrary
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
	case ClassLibrary:
		return "3000–3999 library"
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
// registry say why: 0–999 are not used; 1004 is reserved; 1016–2999 are
// unassigned; nothing is defined at or above 5000; and of 1005, 1006 and
// 1015 §7.4.1 says each
//
//	is a reserved value and MUST NOT be set as a status code in a
//	Close control frame by an endpoint.
//
// A receiver of an invalid code fails the connection with
// [StatusProtocolError] (Autobahn TestSuite cases 7.9.x).
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

// ValidateCode checks code against the rule for Close frames, sent or
// received: it returns nil if code is 1000–1003, 1007–1014 or 3000–4999
// ([Code.Valid]). Otherwise it returns an error that matches
// [ErrInvalidCode], a [*CodeError] holding code as given.
//
// code is an int, as WebSocket libraries carry codes, so that a value
// outside 0–65535 is rejected instead of wrapping: Code(66536) would be
// 1000. RFC 6455 §7.4.1 and §7.4.2 give the rule; see [Code.Valid] for why
// each other code is refused.
func ValidateCode(code int) error {
	if c := Code(code); int(c) == code && c.Valid() { // int(c) == code: no bits lost to the 16-bit Code
		return nil
	}
	return &CodeError{Func: funcValidateCode, Code: code}
}

// ValidScript reports whether a script may pass c to the browser's
// WebSocket.close(): 1000 or 3000–4999. It is the boolean form of
// [ValidateScriptCode], whose doc cites the rule. Every such code is also
// [Code.Valid].
func (c Code) ValidScript() bool {
	return c == StatusNormalClosure || (c >= 3000 && c <= 4999)
}

// String returns the code's number followed by its IANA name or, for codes
// without an entry of their own, the name of their range:
//
//	1000 (normal closure)
//	1014 (bad gateway)
//	1004 (reserved)
//	1016 (unassigned)
//	3999 (library range)
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
// range: "not used" (0–999), "unassigned" (1016–2999), "library range"
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
	case ClassLibrary:
		return "library range"
	case ClassPrivate:
		return "private use"
	}
	return "out of range"
}

// registeredString is the String form of the codes registered with IANA, as
// constants so that String need not allocate; "" for other codes.
func registeredString(c Code) string {
	switch c {
	case StatusNormalClosure:
		return "1000 (normal closure)"
	case StatusGoingAway:
		return "1001 (going away)"
	case StatusProtocolError:
		return "1002 (protocol error)"
	case StatusUnsupportedData:
		return "1003 (unsupported data)"
	case 1004:
		return "1004 (reserved)"
	case StatusNoStatusReceived:
		return "1005 (no status received)"
	case StatusAbnormalClosure:
		return "1006 (abnormal closure)"
	case StatusInvalidPayloadData:
		return "1007 (invalid frame payload data)"
	case StatusPolicyViolation:
		return "1008 (policy violation)"
	case StatusMessageTooBig:
		return "1009 (message too big)"
	case StatusMandatoryExtension:
		return "1010 (mandatory extension)"
	case StatusInternalError:
		return "1011 (internal error)"
	case StatusServiceRestart:
		return "1012 (service restart)"
	case StatusTryAgainLater:
		return "1013 (try again later)"
	case StatusBadGateway:
		return "1014 (bad gateway)"
	case StatusTLSHandshake:
		return "1015 (TLS handshake)"
	case StatusUnauthorized:
		return "3000 (unauthorized)"
	case StatusForbidden:
		return "3003 (forbidden)"
	case StatusTimeout:
		return "3008 (timeout)"
	}
	return ""
}
