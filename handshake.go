package wsclose

import (
	"encoding/binary"
	"strconv"
	"sync"
)

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
	// §7.1.4): a Close frame was sent ([Handshake.Send]) and one received,
	// and the connection was not failed, before TCP closed.
	WasClean bool
	// Failed reports whether the connection was failed (RFC 6455 §7.1.7),
	// which includes a TCP connection lost before a Close frame was
	// received (Dropped). The WHATWG WebSockets Standard fires an "error"
	// event before the "close" event then (when the WebSocket connection is
	// closed: "If the user agent was required to fail the WebSocket
	// connection, or if the WebSocket connection was closed after being
	// flagged as full of badness, fire an event named error at the
	// WebSocket object").
	Failed bool
	// Dropped reports that TCP closed before a Close frame was received,
	// with no other failure; Failed is true too. RFC 6455 §7.2.1 makes such
	// a loss a failure, but browsers do not all report it as one: a runtime
	// that matches Chromium fires "error" only for Failed && !Dropped, one
	// that follows the standard for every Failed (interop's close-event
	// table records what each engine does).
	Dropped bool
	// Err is the cause of a failure, for the error event and the logs: the
	// error given to [Handshake.Fail] or the error [Handshake.Receive]
	// returned for a Close body it refused, whichever came first. It is nil
	// when the connection did not fail, when it was Dropped, and when Fail
	// was given nil.
	Err error
}

// Handshake is the closing handshake of one WebSocket connection
// (RFC 6455 §7.1.1–§7.1.7), kept as facts: whether a Close frame was sent,
// whether a valid one was received and what it said, whether the connection
// was failed, and whether TCP is closed. It does no I/O and runs no timers:
// the caller reads and writes frames, tells the Handshake what happened, and
// asks it what to send, whether to close TCP, and what to report.
//
// The frame writer calls [Handshake.Send] with every Close body it is about
// to write, whoever built it: the body [Handshake.Close],
// [Handshake.Receive], [Handshake.Fail] or [Handshake.ScriptClose] returned,
// or one the application built itself. Send is the only call that records a
// Close frame as sent, and it accepts one body at most: the writer writes
// the frame only when Send returns nil. The frame reader calls
// [Handshake.Receive] with the body of each Close frame; a protocol error
// calls [Handshake.Fail]. After each, [Handshake.CloseTransport] says
// whether this end should close TCP now, and [Handshake.TransportClosed]
// records that TCP is closed, by either side. [Handshake.Event] is then
// what the connection reports to its user.
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
// missing reply is 1006, not clean, Dropped.
//
// A Handshake is safe for concurrent use: each method holds the Handshake's
// own mutex, so a read loop and a writer (or an event loop) share one with
// no lock beside it. Any sequence of calls is safe: none panics, every body
// returned to send passes [ParsePayload], and Send records at most one. The
// zero Handshake is an open connection whose Role is neither Client nor
// Server; it, and any Role other than Server, waits for the peer to close
// TCP as a Client does. Use [NewHandshake]. A Handshake must not be copied
// after first use.
type Handshake struct {
	mu       sync.Mutex
	role     Role
	sent     bool // Send recorded a Close frame
	received bool // a valid Close frame was received; body holds it
	failed   bool // the connection was failed, or TCP closed before a Close was received
	dropped  bool // TCP closed before a Close was received, with no other failure
	closed   bool // TCP is closed
	err      error
	n        uint8               // the received body's length
	body     [MaxPayloadLen]byte // the received body: Receive keeps it here, so as not to allocate
}

// NewHandshake returns the closing handshake of an open connection at the
// given end.
func NewHandshake(r Role) *Handshake {
	return &Handshake{role: r}
}

// Reset makes h the closing handshake of a new, open connection at the given
// end, as [NewHandshake] makes one, and forgets all h recorded. With it a
// Handshake embedded by value in an implementation's connection type, or
// reused for a pooled connection, needs no allocation of its own (a
// Handshake may not be copied, so *h = *NewHandshake(r) is not the way).
// Reset is for a Handshake no other goroutine is using.
func (h *Handshake) Reset(r Role) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.role, h.sent, h.received, h.failed, h.dropped, h.closed, h.err, h.n = r, false, false, false, false, false, nil, 0
}

// Role returns the end given to [NewHandshake] or [Handshake.Reset].
func (h *Handshake) Role() Role {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.role
}

// Sent reports whether [Handshake.Send] recorded a Close frame.
func (h *Handshake) Sent() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sent
}

// Received reports whether a valid Close frame was received
// ([Handshake.Receive]).
func (h *Handshake) Received() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.received
}

// ReceivedClose returns the code and reason of the Close frame that
// [Handshake.Receive] recorded, and whether there is one: what an
// implementation hands to its close handler or reports from its reads. An
// empty body gives [StatusNoStatusReceived] and no reason. The reason is
// the Handshake's own storage, which does not change once recorded: valid
// UTF-8 of at most 123 bytes; do not modify it, and copy it (string(reason))
// to keep it past the Handshake. ReceivedClose does not allocate, and, unlike
// [Handshake.Event], still gives the received Close after a later failure.
func (h *Handshake) ReceivedClose() (code Code, reason []byte, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.received {
		return 0, nil, false
	}
	code, reason, _ = ParsePayload(h.body[:h.n:h.n]) // accepted by Receive
	return code, reason, true
}

// Failed reports whether the connection was failed: by [Handshake.Fail], by
// a Close body [Handshake.Receive] refused, or by TCP closing before a Close
// frame was received ([Handshake.TransportClosed]).
func (h *Handshake) Failed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failed
}

// Send records that this end writes a Close frame with the given body. The
// frame writer calls it with every Close body, whoever built it, just before
// writing, and writes the frame only if Send returns nil. RFC 6455 §5.5.1:
// "The application MUST NOT send any more data frames after sending a Close
// frame", and once each end has sent and received a Close frame, the
// endpoints "will not send further Close frames" (§7.1.5).
//
// Send returns [ErrCloseSent] if a Close frame was already recorded,
// [ErrTransportClosed] if TCP is closed, and the [ParsePayload] error if
// body is not a valid Close body; then nothing is recorded and nothing
// should be written. After a failure it
// accepts the body [Handshake.Fail] returned, or any valid body, once.
func (h *Handshake) Send(body []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.sent:
		return ErrCloseSent
	case h.closed:
		return ErrTransportClosed
	}
	if _, _, err := ParsePayload(body); err != nil {
		return err
	}
	h.sent = true
	return nil
}

// Close starts the closing handshake from this end (RFC 6455 §7.1.2, "Start
// the WebSocket Closing Handshake") and returns the body of the Close frame
// to send: [AppendPayload] of code and reason, which for
// [StatusNoStatusReceived] and "" is the empty body (a Close with no status
// code). The body counts as sent when the writer calls [Handshake.Send].
//
// An invalid code or reason gives AppendPayload's error. After a Close was
// sent and after the connection failed it returns [ErrCloseSent] and no
// body, an endpoint sends one Close at most; once TCP is closed,
// [ErrTransportClosed]. After a
// Close was received and before the reply was sent, it returns the body,
// which the writer may send as the reply instead of the echo. Close changes
// nothing: until Send takes a body, another call returns another one.
func (h *Handshake) Close(code Code, reason string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.sent || (h.failed && !h.closed):
		return nil, ErrCloseSent
	case h.closed:
		return nil, ErrTransportClosed
	}
	body, err := AppendPayload([]byte{}, code, reason) // not nil: the empty body is a body
	if err != nil {
		return nil, err
	}
	return body, nil
}

// Receive records the body of a Close frame that arrived and returns the
// reply to send, or nil if none is owed. RFC 6455 §5.5.1:
//
//	If an endpoint receives a Close frame and did not previously send a
//	Close frame, the endpoint MUST send a Close frame in response.  (When
//	sending a Close frame in response, the endpoint typically echos the
//	status code it received.)
//
// A valid body (one that [ParsePayload] accepts) received first is recorded
// as the connection close code and reason (§7.1.5, §7.1.6; an empty body is
// 1005), in the Handshake's own storage: Receive does not allocate for it.
// If this end has not sent a Close yet, the reply is the echo: the empty
// body for an empty body, else the received code alone in two bytes, with
// no reason. The reply is not yet sent: it counts as sent when the writer
// calls [Handshake.Send] with it (or with another body). Until then
// [Handshake.Event] is not clean. An empty reply is a real Close body:
// reply != nil says whether to send. The reply is the Handshake's storage;
// do not modify it.
//
// An invalid body returns ParsePayload's error and fails the connection
// (§7.1.7): nothing of the body is recorded, and if no Close was sent yet
// the reply is [AppendFailure] of the error (1002 or 1007).
//
// A Close frame after the first one received, and any frame after the
// connection failed or TCP closed, is ignored: Receive returns nil, nil and
// changes nothing. The close code is that "contained in the first Close
// control frame received" (§7.1.5), and of a failed connection §7.1.7 says
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
func (h *Handshake) Receive(body []byte) (reply []byte, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.received || h.failed { // also once TCP closed, which implies one of the two
		return nil, nil
	}
	if _, _, err := ParsePayload(body); err != nil {
		h.fail(err)
		if h.sent {
			return nil, err
		}
		return AppendFailure(nil, err), err
	}
	h.received = true
	h.n = uint8(copy(h.body[:], body))
	if h.sent {
		return nil, nil
	}
	n := min(int(h.n), 2)
	return h.body[:n:n], nil
}

// fail records a failure caused by err, the first cause kept.
func (h *Handshake) fail(err error) {
	if !h.failed {
		h.err = err
	}
	h.failed = true
}

// Fail fails the connection (RFC 6455 §7.1.7, "_Fail the WebSocket
// Connection_") after err and returns the Close body to send, or nil if a
// Close was already sent: [AppendFailure] of err, so a [*Failure] in err
// chooses the code (1002 for a framing fault, 1007 for text that is not
// UTF-8, 1009 for a message too big, 1008 for a policy) and, when valid, the
// reason; any error from elsewhere gives 1011 and no reason. §7.1.7:
//
//	If _The WebSocket Connection is Established_ prior to the point where
//	the endpoint is required to _Fail the WebSocket Connection_, the
//	endpoint SHOULD send a Close frame with an appropriate status code
//	(Section 7.4) before proceeding to _Close the WebSocket Connection_.
//
// The writer sends the body through [Handshake.Send]; then this end closes
// TCP ([Handshake.CloseTransport] is true), whatever its role. A failure
// counts even after a complete closing handshake, as long as TCP is open:
// the Event becomes 1006, not clean, Failed, with err as its Err (the first
// failure's cause is kept).
//
// After TCP closed, Fail does nothing and returns nil: the Event is final.
func (h *Handshake) Fail(err error) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.fail(err)
	if h.sent {
		return nil
	}
	return AppendFailure(nil, err)
}

// TransportClosed records that the TCP connection is closed, by either
// side (RFC 6455 §7.1.4). If no valid Close frame was received and the
// connection had not failed otherwise, it is Dropped: its Event is 1006, not
// clean, Failed and Dropped. §7.1.5: "If _The WebSocket Connection is
// Closed_ and no Close control frame was received by the endpoint (such as
// could occur if the underlying transport connection is lost), _The
// WebSocket Connection Close Code_ is considered to be 1006"; §7.2.1:
//
//	If at any point the underlying transport layer connection is
//	unexpectedly lost, the client MUST _Fail the WebSocket Connection_.
//
// and the WHATWG standard fires an error event when the user agent "was
// required to fail the WebSocket connection". Browsers differ on a TCP loss
// (FIN or RST): Chromium fires no error event and reports only 1006, not
// clean; see [Event.Dropped]. §7.2.2 asks nothing of a server here; a
// Server is treated alike.
func (h *Handshake) TransportClosed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if !h.received && !h.failed {
		h.failed, h.dropped = true, true
	}
	h.closed = true
}

// CloseTransport reports whether this end should close the TCP connection
// now, once it has written the Close frame it owes. RFC 6455 §5.5.1:
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
// a Server, once a Close was both sent ([Handshake.Send]) and received. A
// Client is never told to close TCP after a clean handshake: it waits for
// the server, and its own timer decides when to stop waiting (see
// [Handshake]). It is false once TCP is closed.
func (h *Handshake) CloseTransport() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	return h.failed || (h.role == Server && h.sent && h.received)
}

// State returns [StateClosed] once TCP is closed, [StateClosing] once a
// Close was sent or received or the connection failed, else [StateOpen].
func (h *Handshake) State() State {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return StateClosed
	case h.sent || h.received || h.failed:
		return StateClosing
	}
	return StateOpen
}

// Event returns what the connection reports to its user: the CloseEvent's
// code, reason and wasClean, and whether an error event comes first, with
// its cause. It is final once [Handshake.State] is [StateClosed]; before
// that, it is what would be reported if TCP closed now (so an open
// connection would report 1006, Failed and Dropped). Event allocates the
// Reason string.
func (h *Handshake) Event() Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.failed:
		return Event{Code: StatusAbnormalClosure, Failed: true, Dropped: h.dropped, Err: h.err}
	case !h.received:
		return Event{Code: StatusAbnormalClosure, Failed: true, Dropped: true}
	}
	code, reason, _ := ParsePayload(h.body[:h.n]) // accepted by Receive
	return Event{Code: code, Reason: string(reason), WasClean: h.sent}
}

// ScriptClose is the WHATWG WebSocket.close(code, reason) method on this
// connection, for runtimes that expose the browser API. hasCode says whether
// the script passed a code; code is its number, converted by [ClampCode] and
// checked by [ValidateScriptCode] (close() step 1: an "InvalidAccessError"
// [*DOMException]). reason is the script's string as the JavaScript engine
// gives it to Go, "" when absent: its lone surrogates already U+FFFD, or
// encoded as 3 bytes (ED A0..BF 80..BF, WTF-8), each of which is sent as
// U+FFFD, the USVString conversion; it must be at most [MaxReasonLen] bytes
// (step 2: a "SyntaxError" *DOMException). Other ill-formed UTF-8, which no
// JavaScript string holds, gives a [*ReasonError] matching [ErrInvalidUTF8].
//
// Then, as the standard's steps 3 to 6 say, it returns nil, nil when the
// connection is already closing or closed (a Close sent or received, a
// failure, TCP closed: nothing to send), else the body of the Close frame
// that starts the closing handshake, which the writer sends through
// [Handshake.Send]: empty with neither code nor reason, else the code (1000
// for a reason alone, see [AppendScriptClose]) and the reason. Nothing is
// recorded until Send: with a writer that sends later (a queue), a second
// close() before then returns a second body, and Send refuses it
// ([ErrCloseSent]), so one Close reaches the wire; a runtime that wants
// readyState CLOSING at once calls Send before it queues the body.
//
// A Handshake starts at an open connection. While the opening handshake is
// still under way (readyState CONNECTING), close() is to "fail the
// WebSocket connection" instead, with nothing sent: the runtime checks the
// arguments with ScriptClose, or [AppendScriptClose], and then calls
// [Handshake.Fail] and does not send the body Fail returns.
func (h *Handshake) ScriptClose(code float64, hasCode bool, reason string) ([]byte, error) {
	c, err := scriptCode(code, hasCode)
	if err != nil {
		return nil, domException(err)
	}
	if len(reason) > MaxReasonLen {
		return nil, domException(tooLong(len(reason)))
	}
	if err := scriptReason(reason); err != nil {
		return nil, err
	}
	c, ok := scriptBodyCode(c, len(reason))
	if h.State() != StateOpen { // CLOSING or CLOSED
		return nil, nil
	}
	if !ok {
		return []byte{}, nil
	}
	body := make([]byte, 2, 2+len(reason))
	binary.BigEndian.PutUint16(body, uint16(c))
	return appendScriptReason(body, reason), nil
}

// ScriptCloseUTF16 is [Handshake.ScriptClose] for a reason given as UTF-16
// code units, as some JavaScript engines hold strings: each unpaired
// surrogate becomes U+FFFD ([ReasonFromUTF16]) and the UTF-8 result must be
// at most [MaxReasonLen] bytes ([ReasonLenUTF16]).
func (h *Handshake) ScriptCloseUTF16(code float64, hasCode bool, reason []uint16) ([]byte, error) {
	c, err := scriptCode(code, hasCode)
	if err != nil {
		return nil, domException(err)
	}
	n, _, cut := scanUTF16(reason)
	if n > MaxReasonLen {
		return nil, domException(&ReasonError{Func: funcValidateReasonUTF16, Err: ErrReasonTooLong, Len: n, Offset: cut})
	}
	c, ok := scriptBodyCode(c, n)
	if h.State() != StateOpen { // CLOSING or CLOSED
		return nil, nil
	}
	if !ok {
		return []byte{}, nil
	}
	body := make([]byte, 2, 2+n)
	binary.BigEndian.PutUint16(body, uint16(c))
	return appendUTF16(body, reason), nil
}
