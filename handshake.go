package wsclose

import "strconv"

// Role says which end of a connection a [Handshake] is: it decides who
// closes the TCP connection first.
type Role uint8

const (
	// Client waits for the server to close the TCP connection (RFC 6455
	// §7.1.1).
	Client Role = iota + 1
	// Server closes the TCP connection as soon as the closing handshake is
	// done (RFC 6455 §7.1.1).
	Server
)

// String returns "client", "server" or, for other values, "Role(N)".
func (r Role) String() string {
	switch r {
	case Client:
		return "client"
	case Server:
		return "server"
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

// State is where a connection is in closing.
type State uint8

const (
	// StateOpen: no Close frame sent or received, not failed, TCP open.
	StateOpen State = iota
	// StateClosing: a Close frame was sent or received, or the connection
	// was failed, and TCP is still open (the WHATWG readyState CLOSING).
	StateClosing
	// StateClosed: the TCP connection is closed (RFC 6455 §7.1.4: "The
	// WebSocket Connection is Closed"); the Event is final.
	StateClosed
)

// String returns "open", "closing", "closed" or, for other values,
// "State(N)".
func (s State) String() string {
	switch s {
	case StateOpen:
		return "open"
	case StateClosing:
		return "closing"
	case StateClosed:
		return "closed"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Event is what a closed connection reports: the WHATWG CloseEvent's code,
// reason and wasClean, and whether an error event comes first.
type Event struct {
	// Code is the WebSocket Connection Close Code (RFC 6455 §7.1.5): the
	// code of the first Close frame received, [StatusNoStatusReceived]
	// (1005) if that frame had no body, and [StatusAbnormalClosure] (1006)
	// if none was received or the connection was failed.
	Code Code
	// Reason is the WebSocket Connection Close Reason (RFC 6455 §7.1.6), as
	// [DecodeReason] gives it: the received reason, or "" with 1005 and
	// 1006.
	Reason string
	// WasClean reports whether the connection closed cleanly (RFC 6455
	// §7.1.4): a Close frame was sent and one received, and the connection
	// was not failed, before TCP closed.
	WasClean bool
	// Failed reports whether the connection was failed (RFC 6455 §7.1.7),
	// which includes a TCP connection lost before a Close frame was
	// received. A browser fires an "error" event before the "close" event
	// then (WHATWG WebSockets Standard, when the WebSocket connection is
	// closed: "If the user agent was required to fail the WebSocket
	// connection, or if the WebSocket connection was closed after being
	// flagged as full of badness, fire an event named error at the
	// WebSocket object").
	Failed bool
}

// Handshake is the closing handshake of one WebSocket connection
// (RFC 6455 §7.1.1–§7.1.7), kept as facts: whether a Close frame was sent,
// whether a valid one was received and what it said, whether the connection
// was failed, and whether TCP is closed. It does no I/O and runs no timers:
// the caller reads and writes frames, tells the Handshake what happened, and
// asks it what to send, whether to close TCP, and what to report.
//
// A frame reader calls [Handshake.Receive] with the body of each Close frame
// and sends the reply it returns; the application's close calls
// [Handshake.Close]; any protocol error calls [Handshake.Fail]. After each,
// [Handshake.CloseTransport] says whether this end should close TCP now, and
// [Handshake.TransportClosed] records that TCP is closed, by either side.
// [Handshake.Event] is then what the connection reports to its user.
//
// Timers are the caller's. RFC 6455 §5.5.1 says "the client SHOULD wait for
// the server to close the connection but MAY close the connection at any
// time after sending and receiving a Close message, e.g., if it has not
// received a TCP Close from the server in a reasonable time period";
// Chromium waits 2 seconds (kUnderlyingConnectionCloseTimeoutSeconds) and
// gives a peer 60 seconds to answer its Close
// (kClosingHandshakeTimeoutSeconds) before it closes TCP itself. When such a
// timer fires, the caller closes TCP and calls TransportClosed; the Event
// then says what the standard says: a completed handshake stays clean; a
// missing reply is 1006, not clean, and a failure (RFC 6455 §7.2.1), with
// an error event first.
//
// Any sequence of calls is safe: none panics, every body returned to send
// passes [ParsePayload], and at most one body is ever returned to send. A
// Handshake is not safe for concurrent use. The zero Handshake is an open
// connection whose Role is neither Client nor Server; it, and any Role other
// than Server, waits for the peer to close TCP as a Client does. Use
// [NewHandshake].
type Handshake struct {
	role            Role
	sent            bool // a Close body was returned to send (by Close, Receive or Fail)
	received        bool // a valid Close frame was received (so sent is true); code and reason hold it
	code            Code
	reason          string
	failed          bool // the connection was failed, or TCP closed before a Close was received
	transportClosed bool
}

// NewHandshake returns the closing handshake of an open connection at the
// given end.
func NewHandshake(r Role) *Handshake {
	return &Handshake{role: r}
}

// Close starts the closing handshake from this end (RFC 6455 §7.1.2, "Start
// the WebSocket Closing Handshake") and returns the body of the Close frame
// to send: [AppendPayload] of code and reason, which for
// [StatusNoStatusReceived] and "" is the empty body (a Close with no status
// code). The Close counts as sent once returned.
//
// An invalid code or reason gives AppendPayload's error and changes
// nothing. After a Close was sent (by Close, or as the reply from Receive or
// Fail), after the connection failed, and once TCP is closed (a TCP loss
// with no Close received counts as a failure, see [Handshake.TransportClosed])
// it returns [ErrCloseSent] and no body: an endpoint sends one Close at
// most, and once both ends have sent and received one they "will not send
// further Close frames" (§7.1.5).
func (h *Handshake) Close(code Code, reason string) ([]byte, error) {
	if h.sent || h.failed { // TCP closed: a Close was received (and so sent), or the connection failed
		return nil, ErrCloseSent
	}
	body, err := AppendPayload([]byte{}, code, reason) // not nil: the empty body is a body
	if err != nil {
		return nil, err
	}
	h.sent = true
	return body, nil
}

// Receive records the body of a Close frame that arrived and returns the
// reply to send when send is true. RFC 6455 §5.5.1:
//
//	If an endpoint receives a Close frame and did not previously send a
//	Close frame, the endpoint MUST send a Close frame in response.  (When
//	sending a Close frame in response, the endpoint typically echos the
//	status code it received.)
//
// A valid body (one that [ParsePayload] accepts) received first is recorded
// as the connection close code and reason (§7.1.5, §7.1.6; an empty body is
// 1005). If this end has not sent a Close yet, the reply is the echo: the
// empty body for an empty body, else the received code alone in two bytes,
// with no reason; send is true and the reply counts as sent. If this end had
// sent its Close, send is false and the closing handshake is complete.
//
// An invalid body returns ParsePayload's error and fails the connection
// (§7.1.7): nothing of the body is recorded, and if no Close was sent yet
// the reply is [AppendFailure] of the error (1002 or 1007) with send true.
// An empty reply is a real Close body: send, not reply == nil, says whether
// to send.
//
// A Close frame after the first one received, and any frame after the
// connection failed or TCP closed, is ignored: Receive returns nil, false,
// nil and changes nothing. The close code is that "contained in the first
// Close control frame received" (§7.1.5), and of a failed connection §7.1.7
// says
//
//	an endpoint MUST NOT continue to attempt to process data (including a
//	responding Close frame) from the remote endpoint after being
//	instructed to _Fail the WebSocket Connection_.
//
// Chromium instead fails the connection on a frame after the Close; failing
// would turn a completed, clean close into an unclean one for a peer's
// extra frame, which no rule asks for (§1.4: the receiver "discards any
// further data received"). A caller that wants Chromium's behaviour calls
// [Handshake.Fail] for such a frame.
func (h *Handshake) Receive(body []byte) (reply []byte, send bool, err error) {
	if h.received || h.failed { // also once TCP closed, which implies one of the two
		return nil, false, nil
	}
	code, reason, err := ParsePayload(body)
	if err != nil {
		h.failed = true
		if h.sent {
			return nil, false, err
		}
		h.sent = true
		return AppendFailure(nil, err), true, err
	}
	h.received, h.code, h.reason = true, code, DecodeReason(reason) // a copy of valid UTF-8
	if h.sent {
		return nil, false, nil
	}
	h.sent = true
	if len(body) == 0 {
		return []byte{}, true, nil
	}
	return []byte{body[0], body[1]}, true, nil // a copy: body may be the caller's read buffer
}

// Fail fails the connection (RFC 6455 §7.1.7, "_Fail the WebSocket
// Connection_") after err, a protocol error or any other, and returns the
// Close body to send when send is true: [AppendFailure] of err, if no Close
// was sent yet. §7.1.7:
//
//	If _The WebSocket Connection is Established_ prior to the point where
//	the endpoint is required to _Fail the WebSocket Connection_, the
//	endpoint SHOULD send a Close frame with an appropriate status code
//	(Section 7.4) before proceeding to _Close the WebSocket Connection_.
//
// Then this end closes TCP ([Handshake.CloseTransport] is true), whatever
// its role. A failure counts even after a complete closing handshake, as
// long as TCP is open: the Event becomes 1006, not clean, Failed (a browser
// reports a connection failed at any point so).
//
// After TCP closed, Fail does nothing and returns nil, false: the Event is
// final.
func (h *Handshake) Fail(err error) (body []byte, send bool) {
	if h.transportClosed {
		return nil, false
	}
	h.failed = true
	if h.sent {
		return nil, false
	}
	h.sent = true
	return AppendFailure(nil, err), true
}

// TransportClosed records that the TCP connection is closed, by either
// side (RFC 6455 §7.1.4). If no valid Close frame was received, the
// connection counts as failed: its Event is 1006, not clean, with an error
// event first. §7.1.5: "If _The WebSocket Connection is Closed_ and no Close
// control frame was received by the endpoint (such as could occur if the
// underlying transport connection is lost), _The WebSocket Connection Close
// Code_ is considered to be 1006"; §7.2.1:
//
//	If at any point the underlying transport layer connection is
//	unexpectedly lost, the client MUST _Fail the WebSocket Connection_.
//
// and the WHATWG standard fires an error event when the user agent "was
// required to fail the WebSocket connection". Chromium 156 and Node's
// undici fire none on a TCP loss (FIN or RST) and report only 1006, not
// clean: interop's TestBrowserCloseEvent records it. §7.2.2 asks nothing of
// a server here; a Server is treated alike, which matters only to code that
// reads Failed.
func (h *Handshake) TransportClosed() {
	if !h.received {
		h.failed = true
	}
	h.transportClosed = true
}

// CloseTransport reports whether this end should close the TCP connection
// now. RFC 6455 §5.5.1:
//
//	After both sending and receiving a Close message, an endpoint
//	considers the WebSocket connection closed and MUST close the
//	underlying TCP connection.  The server MUST close the underlying TCP
//	connection immediately; the client SHOULD wait for the server to
//	close the connection but MAY close the connection at any time after
//	sending and receiving a Close message [...].
//
// and §7.1.1:
//
//	The underlying TCP connection, in most normal cases, SHOULD be closed
//	first by the server, so that it holds the TIME_WAIT state and not the
//	client [...].
//
// It is true once the connection was failed, for either role (§7.1.7); for
// a Server, once a Close was both sent and received. A Client is never told
// to close TCP after a clean handshake: it waits for the server, and its own
// timer decides when to stop waiting (see [Handshake]). It is false once TCP
// is closed.
func (h *Handshake) CloseTransport() bool {
	if h.transportClosed {
		return false
	}
	return h.failed || (h.role == Server && h.sent && h.received)
}

// State returns [StateClosed] once TCP is closed, [StateClosing] once a
// Close was sent or received or the connection failed, else [StateOpen].
func (h *Handshake) State() State {
	switch {
	case h.transportClosed:
		return StateClosed
	case h.sent || h.received || h.failed:
		return StateClosing
	}
	return StateOpen
}

// Event returns what the connection reports to its user: the CloseEvent's
// code, reason and wasClean, and whether an error event comes first. It is
// final once [Handshake.State] is [StateClosed]; before that, it is what
// would be reported if TCP closed now (so an open connection would report
// 1006, failed).
func (h *Handshake) Event() Event {
	if h.failed || !h.received {
		return Event{Code: StatusAbnormalClosure, Failed: true}
	}
	// A Close was received and, as Receive replies to it, one was sent.
	return Event{Code: h.code, Reason: h.reason, WasClean: true}
}
