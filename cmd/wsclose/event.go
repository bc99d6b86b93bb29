package main

import (
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/wsclosetest"
)

var cmdEvent = &command{
	name:    "event",
	flags:   []string{"role"},
	maxArgs: -1,
	fields:  []string{"role", "steps", "tcp", "tcp_note", "event", "engines"},
	run:     runEvent,
}

// maxSteps is the most steps event plays, and maxFrameLen the longest Close
// frame: a 14-byte header (with the 64-bit length and a masking key) and
// 125 bytes of payload.
const (
	maxSteps    = 8
	maxFrameLen = 14 + 125
)

// eventStep is what one STEP did.
type eventStep struct {
	Body           *string `json:"body"`
	Verdict        string  `json:"verdict"`
	Refused        *string `json:"refused"`
	Reply          *string `json:"reply"`
	CloseTransport bool    `json:"close_transport"`
	State          string  `json:"state"`

	received  string // the body described, for the text
	replyNote string // the reply described, for the text
}

// closeEventJSON is the close event as a script sees it.
type closeEventJSON struct {
	Code       int    `json:"code"`
	Reason     string `json:"reason"`
	WasClean   bool   `json:"was_clean"`
	ErrorEvent *bool  `json:"error_event"`
	Dropped    bool   `json:"dropped"` // TCP lost before any Close, no other failure (Event.Dropped)
}

// eventResult is event's output.
type eventResult struct {
	Role    string         `json:"role"`
	Steps   []eventStep    `json:"steps"`
	TCP     string         `json:"tcp"`
	TCPNote string         `json:"tcp_note"`
	Event   closeEventJSON `json:"event"`
	Engines []string       `json:"engines"`

	status
}

// peerStep is a STEP as read: a Close body, or the TCP connection lost.
type peerStep struct {
	body []byte
	lost bool
}

// readSteps splits the arguments at each "then" and reads each step with
// the one input reader, before any is played, so that bad input is
// reported before output.
func readSteps(inv *invocation) ([]peerStep, error) {
	groups := [][]string{nil}
	for _, a := range inv.args {
		if a == "then" {
			groups = append(groups, nil)
		} else {
			groups[len(groups)-1] = append(groups[len(groups)-1], a)
		}
	}
	if len(groups) > maxSteps {
		return nil, usageError(fmt.Sprintf("at most %d steps", maxSteps))
	}
	steps := make([]peerStep, len(groups))
	for i, g := range groups {
		if len(g) == 0 && len(groups) > 1 {
			return nil, usageError(fmt.Sprintf(`step %d is empty: "then" stands between two steps`, i+1))
		}
		if len(g) == 1 && g[0] == "none" {
			steps[i].lost = true
			continue
		}
		text, err := readText(g, inv)
		if err != nil {
			return nil, err
		}
		in, err := readBytes(text)
		if f, ok := err.(*failure); ok {
			return nil, &failure{exit: f.exit, offset: -1, msg: fmt.Sprintf("step %d: %s", i+1, f.msg)}
		}
		if n := len(in.payload()); n > maxFrameLen {
			return nil, unreadable("step %d is %s; a Close frame is at most %d (RFC 6455 §5.5)", i+1, byteCount(n), maxFrameLen)
		}
		_, body, _, ferr := in.closeBody()
		if ferr != nil {
			return nil, unreadable("step %d is a frame that is no well-formed Close frame (%s); wsclose decode says more", i+1, ferr.what)
		}
		steps[i].body = body
	}
	return steps, nil
}

func runEvent(inv *invocation) (result, error) {
	steps, err := readSteps(inv)
	if err != nil {
		return nil, err
	}
	return decideEvent(steps, inv.role)
}

// decideEvent plays the steps on a Handshake of the given role.
func decideEvent(steps []peerStep, role wsclose.Role) (*eventResult, error) {
	h := wsclose.NewHandshake(role)
	res := &eventResult{Role: role.String(), Engines: []string{}}
	var first []byte    // the first Close body accepted
	afterFirst := false // a body came after it
	for _, in := range steps {
		var step eventStep
		if in.lost {
			step.Verdict, step.received = "tcp_lost", "the TCP connection is lost"
			if h.State() == wsclose.StateClosed {
				step.Verdict, step.received = "ignored", "the TCP connection is already closed"
			}
			h.TransportClosed()
		} else {
			before := h.State()
			reply, err := h.Receive(in.body)
			if reply != nil {
				_ = h.Send(reply) // this end writes every reply it owes; Receive's bodies always pass
				step.Reply, step.replyNote = ptr(hex.EncodeToString(reply)), describeReply(reply, err)
			}
			step.Body, step.received = ptr(hex.EncodeToString(in.body)), describeBody(in.body)
			switch {
			case err != nil:
				_, what, rule := bodyProblem(in.body, err)
				step.Verdict, step.Refused = "refused", ptr(what+": "+rule)
				step.received += "; refused: " + *step.Refused + "; the connection fails (RFC 6455 §7.1.7)"
			case reply == nil:
				// This end sends nothing but replies, so a body that needs
				// none came after the first Close, a failure or TCP's end.
				step.Verdict = "ignored"
				step.received += "; ignored: " + ignoredWhy(before, first != nil)
				afterFirst = afterFirst || (first != nil && before != wsclose.StateClosed)
			default:
				step.Verdict, first = "accepted", in.body
			}
		}
		step.CloseTransport, step.State = h.CloseTransport(), h.State().String()
		res.Steps = append(res.Steps, step)
	}

	switch {
	case h.State() == wsclose.StateClosed:
		res.TCP, res.TCPNote = "lost", "the TCP connection was lost"
	case h.CloseTransport() && h.Failed():
		res.TCP, res.TCPNote = "close", "this end closes it now: the connection failed (RFC 6455 §7.1.7)"
	case h.CloseTransport():
		res.TCP, res.TCPNote = "close", "the server closes it now, the handshake done (RFC 6455 §5.5.1, §7.1.1)"
	case role == wsclose.Client:
		res.TCP, res.TCPNote = "wait", "the client waits for the server to close it (RFC 6455 §7.1.1); the event below is once it does"
	default:
		res.TCP, res.TCPNote = "wait", "the server waits for the client's Close; the event below is if TCP closed now"
	}
	h.TransportClosed()
	ev := h.Event()
	res.Event = closeEventJSON{Code: int(ev.Code), Reason: ev.Reason, WasClean: ev.WasClean, Dropped: ev.Dropped}
	if role == wsclose.Client {
		res.Event.ErrorEvent = ptr(ev.Failed)
		res.Engines = engineDepartures(steps, afterFirst, ev)
	}
	if !ev.WasClean { // a refused body fails the connection too
		return res, broken("the connection fails: code %v, wasClean false", wsclose.Code(ev.Code))
	}
	return res, nil
}

// describeBody says what a received body holds.
func describeBody(body []byte) string {
	h := hex.EncodeToString(body)
	switch {
	case len(body) == 0:
		return `empty: no status, reported as 1005 (RFC 6455 §7.1.5)`
	case len(body) < 2:
		return h
	}
	code, _, _ := wsclose.ParsePayload(body)
	s := h + ": " + code.String()
	if len(body) > 2 && len(body) <= wsclose.MaxPayloadLen {
		s += ", reason " + quote(wsclose.DecodeReason(body[2:]))
	}
	return s
}

// describeReply says what the Close this end sends back holds.
func describeReply(reply []byte, err error) string {
	switch {
	case len(reply) == 0:
		return `empty, the echo of an empty body (RFC 6455 §5.5.1)`
	case err == nil:
		return hex.EncodeToString(reply) + ", the echo: the received code alone (RFC 6455 §5.5.1)"
	}
	code, reason, _ := wsclose.ParsePayload(reply)
	return fmt.Sprintf("%v with reason %s (%s), failing the connection (RFC 6455 §7.1.7)", code, quote(string(reason)), byteCount(len(reply)))
}

// ignoredWhy says why Receive ignored a body.
func ignoredWhy(before wsclose.State, hadFirst bool) string {
	switch {
	case before == wsclose.StateClosed:
		return "TCP is closed"
	case hadFirst:
		return "the first Close received decides the close code (RFC 6455 §7.1.5)"
	}
	return "the connection has failed and processes no more frames (RFC 6455 §7.1.7)"
}

// engines are the peers of wsclosetest's measured table that event speaks
// for, and the client cases of that table that play what follows a first
// Close (wsclosetest.ServerCloseCase names the first Close's own case).
var engines = []string{"Chromium", "Node (undici)"}

const (
	caseAfterClose = "server-second-close"              // a body after the first Close
	caseTCPLost    = "server-drop"                      // TCP lost before a Close is taken
	caseHeld       = "server-close-code-1000-then-hold" // a clean close, the server holding TCP open
)

// engineCases names the client cases of wsclosetest that play the steps:
// the first body's (its "-then-hold" variant for a clean close, if any),
// then those of what follows it.
func engineCases(steps []peerStep, afterFirst bool, ev wsclose.Event) []string {
	var ids []string
	lostAt := slices.IndexFunc(steps, func(s peerStep) bool { return s.lost })
	held := ev.WasClean && lostAt < 0
	if !steps[0].lost {
		id, _ := wsclosetest.ServerCloseCase(steps[0].body)
		if _, ok := wsclosetest.Measured(id + "-then-hold"); held && ok {
			id, held = id+"-then-hold", false
		}
		ids = append(ids, id)
	}
	if afterFirst {
		ids = append(ids, caseAfterClose)
	}
	if ev.Dropped { // TCP lost before a Close was taken, and nothing else failed
		ids = append(ids, caseTCPLost)
	}
	if held {
		ids = append(ids, caseHeld)
	}
	return ids
}

// engineDepartures lists the departures of Chromium and Node's undici that
// interop measured in the cases that play the steps (wsclosetest's table).
func engineDepartures(steps []peerStep, afterFirst bool, ev wsclose.Event) []string {
	out := []string{}
	for _, id := range engineCases(steps, afterFirst, ev) {
		ds, _ := wsclosetest.Measured(id, engines...)
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s in case %s (%s): %s; %s", d.Peer, id, d.Verdict, d.Saw, d.Why))
		}
	}
	return out
}

func (r *eventResult) rows() [][]string {
	rows := [][]string{{"role", r.Role}}
	for _, s := range r.Steps {
		label := "receive"
		if s.Body == nil {
			label = "tcp"
		}
		rows = append(rows, []string{label, s.received})
		if s.Reply != nil {
			rows = append(rows, []string{"send", s.replyNote})
		}
	}
	if r.TCP != "lost" {
		rows = append(rows, []string{"tcp", r.TCPNote})
	}
	switch {
	case r.Event.ErrorEvent == nil || !*r.Event.ErrorEvent:
	case r.Event.Dropped:
		rows = append(rows, []string{"error", `an "error" event fires first: TCP was lost before any Close, a failure (RFC 6455 §7.2.1); Event.Dropped says it was nothing else`})
	default:
		rows = append(rows, []string{"error", `an "error" event fires first: the connection failed`})
	}
	rows = append(rows, []string{"close", fmt.Sprintf("code %v, reason %s, wasClean %v", wsclose.Code(r.Event.Code), quote(r.Event.Reason), r.Event.WasClean)})
	for _, e := range r.Engines {
		rows = append(rows, []string{"engine", e})
	}
	return rows
}
