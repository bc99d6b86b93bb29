package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/wsclose/wsclose"
)

var cmdEvent = &command{
	name:      "event",
	usageLine: "event [--json] [--role client|server] BODY...",
	short:     `what a connection reports when the peer sends these Close bodies ("none": TCP lost)`,
	long: `Event plays the closing handshake of one connection, as package wsclose's
Handshake keeps it (RFC 6455 §7.1; WHATWG WebSockets Standard, "the WebSocket
connection is closed"), when the peer sends each BODY in turn: a Close body in
hex, as decode takes it (or a whole Close frame), or "none" for the TCP
connection lost. For each it says whether this end accepts, refuses or
ignores it, and the Close this end sends back. Then it says who closes TCP
and what the connection reports: the close event's code, reason and wasClean,
and whether an error event fires first. This is the command for "why did my
browser say 1006?".

--role is the end that receives the bodies: client (the default, as a
browser is) or server. For a client, the known departures of real engines
(Chromium and Node's undici, measured over loopback) that apply to the bodies
are listed after the event.

At most 8 bodies, each at most 139 bytes; those after a TCP loss are ignored.

JSON: {"role", "steps": [{"body" (hex; null for none), "verdict"
("accepted", "refused", "ignored" or "tcp lost"), "refused" (why; "" when
not), "reply" (the Close body sent back, hex; null when none),
"close_transport" (this end should close TCP now), "state"}], "tcp", "event":
{"code", "reason", "was_clean", "error_event", "dropped"}, "engines": [...],
"exit"}.

Examples:
  wsclose event 03e84f4b
  wsclose event ''
  wsclose event none
  wsclose event 0bb7 none
  wsclose event --role server 03e8
`,
	minArgs: 1,
	maxArgs: 8,
	setup: func(fs *flag.FlagSet) func([]string, io.Reader) (result, error) {
		role := fs.String("role", "client", "the end that receives the bodies: client or server")
		return func(args []string, _ io.Reader) (result, error) {
			return runEvent(args, *role)
		}
	},
}

// maxFrameLen is the longest Close frame: a 14-byte header (with the 64-bit
// length and a masking key) and 125 bytes of payload.
const maxFrameLen = 14 + 125

// eventStep is what one BODY did.
type eventStep struct {
	Body           *string `json:"body"`
	Verdict        string  `json:"verdict"`
	Refused        string  `json:"refused"`
	Reply          *string `json:"reply"`
	CloseTransport bool    `json:"close_transport"`
	State          string  `json:"state"`

	received  string // the body described, for the text
	replyNote string // the reply described, for the text
}

// closeEvent is the Event as a script sees it.
type closeEventJSON struct {
	Code       int    `json:"code"`
	Reason     string `json:"reason"`
	WasClean   bool   `json:"was_clean"`
	ErrorEvent bool   `json:"error_event"`
	Dropped    bool   `json:"dropped"` // TCP lost before any Close, no other failure (Event.Dropped)
}

// eventResult is event's output.
type eventResult struct {
	Role    string         `json:"role"`
	Steps   []eventStep    `json:"steps"`
	TCP     string         `json:"tcp"`
	Event   closeEventJSON `json:"event"`
	Engines []string       `json:"engines"`

	status
}

func runEvent(args []string, roleName string) (result, error) {
	var role wsclose.Role
	switch roleName {
	case "client":
		role = wsclose.Client
	case "server":
		role = wsclose.Server
	default:
		return nil, invalid("--role is client or server, not %s", excerpt(roleName))
	}
	// Read every BODY before playing any, so that bad input is reported
	// before output.
	bodies := make([][]byte, len(args))
	for i, a := range args {
		if a == "none" {
			continue
		}
		in, err := parseHex(a)
		if err != nil {
			return nil, invalid("BODY %d: %v", i+1, err)
		}
		if len(in.data) > maxFrameLen {
			return nil, invalid("BODY %d is %s; a Close frame is at most %d (RFC 6455 §5.5)", i+1, byteCount(len(in.data)), maxFrameLen)
		}
		bodies[i] = in.data
		if looksLikeFrame(in.data) {
			_, payload, ferr := parseFrame(in.data)
			if ferr != nil {
				return nil, invalid("BODY %d is a frame that is no well-formed Close frame (%s); wsclose decode says more", i+1, ferr.what)
			}
			bodies[i] = payload
		}
	}

	h := wsclose.NewHandshake(role)
	res := &eventResult{Role: roleName, Engines: []string{}}
	var first []byte    // the first Close body accepted
	afterFirst := false // a body came after it
	for i, body := range bodies {
		var step eventStep
		switch {
		case args[i] == "none":
			step.Verdict = "tcp lost"
			step.received = "the TCP connection is lost"
			if h.State() == wsclose.StateClosed {
				step.Verdict, step.received = "ignored", "the TCP connection is already closed"
			}
			h.TransportClosed()
		default:
			h2 := hex.EncodeToString(body)
			step.Body = &h2
			before := h.State()
			reply, err := h.Receive(body)
			send := reply != nil
			if send {
				_ = h.Send(reply) // this end writes every reply it owes; Receive's bodies always pass
			}
			step.received = describeBody(body)
			switch {
			case err != nil:
				step.Verdict = "refused"
				_, what, rule := bodyProblem(body, err)
				step.Refused = what + ": " + rule
				step.received += "; refused: " + step.Refused + "; the connection fails (RFC 6455 §7.1.7)"
			case !send:
				// This end sends nothing but replies, so a body that needs
				// none came after the first Close, a failure or TCP's end.
				step.Verdict = "ignored"
				step.received += "; ignored: " + ignoredWhy(before, first != nil)
				afterFirst = afterFirst || (first != nil && before != wsclose.StateClosed)
			default:
				step.Verdict = "accepted"
				first = body
			}
			if send {
				r := hex.EncodeToString(reply)
				step.Reply = &r
				step.replyNote = describeReply(reply, err)
			}
		}
		step.CloseTransport = h.CloseTransport()
		step.State = h.State().String()
		res.Steps = append(res.Steps, step)
	}

	switch {
	case h.State() == wsclose.StateClosed:
		res.TCP = "lost"
	case h.CloseTransport() && h.Event().Failed:
		res.TCP = "this end closes it now: the connection failed (RFC 6455 §7.1.7)"
	case h.CloseTransport():
		res.TCP = "the server closes it now, the handshake done (RFC 6455 §5.5.1, §7.1.1)"
	case role == wsclose.Client:
		res.TCP = "the client waits for the server to close it (RFC 6455 §7.1.1); the event below is once it does"
	default:
		res.TCP = "the server waits for the client's Close; the event below is if TCP closed now"
	}
	h.TransportClosed()
	ev := h.Event()
	res.Event = closeEventJSON{Code: int(ev.Code), Reason: ev.Reason, WasClean: ev.WasClean, ErrorEvent: ev.Failed, Dropped: ev.Dropped}
	if role == wsclose.Client {
		res.Engines = engineDepartures(bodies, args, first, afterFirst, ev)
	}
	return res, nil
}

// describeBody says what a received body holds.
func describeBody(body []byte) string {
	h := hex.EncodeToString(body)
	if len(body) == 0 {
		return `"" (empty): no status, reported as 1005 (RFC 6455 §7.1.5)`
	}
	if len(body) < 2 {
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
		return `"" (empty), the echo of an empty body (RFC 6455 §5.5.1)`
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

// engineDepartures lists where Chromium or Node's undici, as clients, were
// measured to depart from what Handshake says, for the bodies given.
func engineDepartures(bodies [][]byte, args []string, first []byte, afterFirst bool, ev wsclose.Event) []string {
	out := []string{}
	if b := bodies[0]; args[0] != "none" {
		code, _, err := wsclose.ParsePayload(b)
		switch {
		case err == nil:
		case errors.Is(err, wsclose.ErrPayloadTooShort), errors.Is(err, wsclose.ErrPayloadTooLong):
			out = append(out, "undici closes TCP without sending a Close for a Close body of 1 byte or over 125 bytes; RFC 6455 §7.1.7 says it SHOULD send one (Chromium answers 1002, as above)")
		case chromiumAccepts(code) && wsclose.ValidateReason(string(b[2:])) == nil:
			out = append(out, fmt.Sprintf("Chromium accepts code %d and echoes it, and reports code %d, wasClean true, no error event (measured with 0, 999, 1004, 1016, 2999 and 5000 and above); undici refuses it, as above", int(code), int(code)))
		case wsclose.FailureCode(err) == wsclose.StatusInvalidPayloadData:
			out = append(out, "Chromium fails a reason that is not UTF-8 with 1002, not 1007 (RFC 6455 §8.1 names no code; Autobahn TestSuite 7.5.1 takes both); undici sends 1007, as above")
		}
	}
	if len(first) > 2 {
		reason := first[2:]
		out = append(out, fmt.Sprintf("Chromium echoes the code and the reason (%s); undici echoes the code alone, as above", hex.EncodeToString(first)))
		if bytes.HasPrefix(reason, []byte("\xEF\xBB\xBF")) {
			out = append(out, fmt.Sprintf("undici strips the leading BOM: its reason is %s; Chromium keeps U+FEFF, as the WHATWG \"UTF-8 decode without BOM\" does", quote(strings.TrimPrefix(ev.Reason, "\uFEFF"))))
		}
	}
	if afterFirst {
		out = append(out, "Chromium fails the connection on any frame after the Close (measured with a data frame, a Ping and a second Close, valid or not): an error event, 1006, wasClean false; undici ignores it, as above")
	}
	if slices.Contains(args, "none") && !ev.WasClean && !afterValid(bodies, args) {
		out = append(out, "Chromium and undici fire no error event when TCP is lost before a Close arrives: they report 1006, wasClean false; RFC 6455 §7.2.1 makes it a failure, and WHATWG then fires an error event")
	}
	if ev.WasClean && !slices.Contains(args, "none") {
		out = append(out, "Chromium closes TCP itself about 2 s after the handshake if the server does not; the event is the same")
	}
	return out
}

// chromiumAccepts reports whether code is one of the invalid codes that
// Chromium was measured to accept in a Close frame: those not used, 1004,
// the unassigned ones and those of 5000 and above. The codes that are only
// reported (1005, 1006, 1015) are not among them.
func chromiumAccepts(code wsclose.Code) bool {
	switch {
	case code.Valid(), code == wsclose.StatusNoStatusReceived, code == wsclose.StatusAbnormalClosure, code == wsclose.StatusTLSHandshake:
		return false
	}
	return true
}

// afterValid reports whether a body that Handshake accepted comes before
// the first "none": then TCP was not lost before a Close arrived.
func afterValid(bodies [][]byte, args []string) bool {
	for i, a := range args {
		if a == "none" {
			return false
		}
		if _, _, err := wsclose.ParsePayload(bodies[i]); err == nil {
			return true
		}
	}
	return false
}

func (r *eventResult) writeText(w *bytes.Buffer) {
	fields := []field{{"role", r.Role}}
	for _, s := range r.Steps {
		label := "receive"
		if s.Body == nil {
			label = "tcp"
		}
		fields = append(fields, field{label, s.received})
		if s.Reply != nil {
			fields = append(fields, field{"send", s.replyNote})
		}
	}
	if r.TCP != "lost" {
		fields = append(fields, field{"tcp", r.TCP})
	}
	switch {
	case r.Event.Dropped:
		fields = append(fields, field{"error", `an "error" event fires first: TCP was lost before any Close, a failure (RFC 6455 §7.2.1); Event.Dropped says it was nothing else`})
	case r.Event.ErrorEvent:
		fields = append(fields, field{"error", `an "error" event fires first: the connection failed`})
	}
	fields = append(fields, field{"close", fmt.Sprintf("code %v, reason %s, wasClean %v", wsclose.Code(r.Event.Code), quote(r.Event.Reason), r.Event.WasClean)})
	for _, e := range r.Engines {
		fields = append(fields, field{"engine", e})
	}
	writeFields(w, fields)
}
