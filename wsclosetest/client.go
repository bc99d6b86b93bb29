package wsclosetest

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// Timings of the client cases. The server reads every reply within
// ReplyTimeout, holds TCP open for HoldTime where a case holds it, and
// reads for LingerTime after answering a client's own Close.
const (
	// HoldTime is how long the server keeps TCP open after the closing
	// handshake when a case holds it, to see whether the client waits
	// for the server to close it (RFC 6455 §7.1.1): longer than
	// Chromium's 2 s (kUnderlyingConnectionCloseTimeoutSeconds).
	HoldTime = 3 * time.Second
	// ReplyTimeout is how long the server waits for the client's Close.
	ReplyTimeout = 2 * time.Second
	// LingerTime is how long the server reads after answering a client's
	// Close, to see whether the client sends more.
	LingerTime = 500 * time.Millisecond
	// earlyClose: a client that closes TCP within this time of the
	// closing handshake, while the server holds it, did not wait for the
	// server (§7.1.1); later, it stopped waiting after "a reasonable time
	// period" (§5.5.1).
	earlyClose = time.Second
)

// clientCaseLimit bounds one client case from the client's side: the
// longest the server keeps a connection (a reply, then a hold), with room
// for a loaded machine.
const clientCaseLimit = ReplyTimeout + HoldTime + 5*time.Second

// serverEnd is what the server does after its Close frames.
type serverEnd uint8

const (
	playReply     serverEnd = iota // read the client's reply, close TCP
	playHalfClose                  // read the reply, half-close TCP (FIN), read until the client closes
	playHold                       // read the reply, hold TCP open for HoldTime
	playCloseNow                   // close TCP at once, nothing read
	playDrop                       // close TCP without a Close frame (FIN)
	playReset                      // close TCP without a Close frame, with a reset (RST)
	playLinger                     // read for LingerTime, then close TCP
)

var endText = [...]string{
	playReply:     "reads the reply, closes TCP",
	playHalfClose: "reads the reply, half-closes TCP",
	playHold:      "reads the reply, holds TCP open 3 s",
	playCloseNow:  "closes TCP at once, unread",
	playDrop:      "no Close, closes TCP (FIN)",
	playReset:     "no Close, resets TCP (RST)",
	playLinger:    "reads 0.5 s, closes TCP",
}

// clientFirstEndText says what the server does after answering the
// client's Close.
var clientFirstEndText = [...]string{
	playHalfClose: "half-closes TCP",
	playHold:      "holds TCP open 3 s",
	playCloseNow:  "closes TCP",
	playReset:     "resets TCP (RST)",
	playLinger:    "closes TCP",
}

// ClientClose asks the client under test to start the closing handshake
// once the connection is open: the browser's close(code, reason), or a
// library's own close call.
type ClientClose struct {
	// Code is the status code to close with; StatusNoStatusReceived
	// (1005) means none: close() without arguments, an empty Close body.
	Code wsclose.Code `json:"code"`
	// Reason is the reason to close with; "" for none.
	Reason string `json:"reason"`
}

// frameFault is a frame no server may send: a client fails the connection
// on it with code (RFC 6455 §7.1.7): 1002 for a framing fault, 1007 for a
// text message that is not UTF-8 (§7.4.1, §8.1).
type frameFault struct {
	name  string
	frame []byte // the bytes the server writes
	code  wsclose.Code
	rule  string
}

func (f *frameFault) Error() string { return f.name }

// whyRefused says why a client must fail the connection: the frame fault,
// or ParsePayload's error for a Close body.
func whyRefused(err error) string {
	var f *frameFault
	if errors.As(err, &f) {
		return f.name + " (" + f.rule + ")"
	}
	return wsclose.FailureReason(err)
}

// play is what the server does on one connection of a client case.
type play struct {
	fault  *frameFault  // a frame fault the server sends first
	close  *ClientClose // the client closes first: the server first reads its Close
	closes [][]byte     // the Close bodies the server sends, in order
	after  byte         // a frame sent after the Closes: wire.OpText, wire.OpPing or 0
	end    serverEnd
}

// String says what the server does, in the words of the tables.
func (p play) String() string {
	var s []string
	if p.close != nil {
		c := fmt.Sprintf("close(%d)", p.close.Code)
		switch {
		case p.close.Code == wsclose.StatusNoStatusReceived:
			c = "close()"
		case p.close.Reason != "":
			c = fmt.Sprintf("close(%d, %q)", p.close.Code, p.close.Reason)
		}
		answer := "no Close"
		if len(p.closes) > 0 {
			answer = "Close " + describeBody(p.closes[0])
		}
		s = append(s, "client "+c+", answered with "+answer)
	} else {
		if p.fault != nil {
			s = append(s, p.fault.name)
		}
		for _, body := range p.closes {
			s = append(s, "Close "+describeBody(body))
		}
	}
	switch p.after {
	case wire.OpText:
		s = append(s, "a text frame")
	case wire.OpPing:
		s = append(s, "a ping")
	}
	end := endText[p.end]
	if p.close != nil {
		end = clientFirstEndText[p.end]
	}
	return strings.Join(append(s, end), ", ")
}

// sendsText says what the server sends and does, with the bodies in hex,
// for the case list.
func (p play) sendsText() string {
	var s []string
	if p.close != nil {
		s = append(s, "reads the client's Close (the client closes first)")
	}
	if p.fault != nil {
		s = append(s, fmt.Sprintf("%s, the bytes %q", p.fault.name, hex.EncodeToString(p.fault.frame)))
	}
	for _, b := range p.closes {
		s = append(s, fmt.Sprintf("a Close with the body %q", hex.EncodeToString(b)))
	}
	switch p.after {
	case wire.OpText:
		s = append(s, "a Text frame")
	case wire.OpPing:
		s = append(s, "a Ping")
	}
	switch p.end {
	case playReply:
		s = append(s, fmt.Sprintf("reads the client's reply (up to %v), then closes TCP", ReplyTimeout))
	case playHalfClose:
		s = append(s, fmt.Sprintf("reads the reply, then half-closes TCP (FIN) and reads until the client closes it (up to %v)", HoldTime))
	case playHold:
		s = append(s, fmt.Sprintf("reads the reply, then holds TCP open %v", HoldTime))
	case playCloseNow:
		s = append(s, "then closes TCP without reading")
	case playDrop:
		s = append(s, "no Close: closes TCP (FIN)")
	case playReset:
		s = append(s, "no Close: resets TCP (RST)")
	case playLinger:
		s = append(s, fmt.Sprintf("reads for %v, then closes TCP", LingerTime))
	}
	return strings.Join(s, "; ")
}

// serverDriven reports whether the server starts the close, so that a
// client that never closes first (an Autobahn client driver) can run it.
func (p play) serverDriven() bool { return p.close == nil }

// reads reports whether the server reads what the client sends to the
// end, so that the Close bodies it recorded are all that were sent.
func (p play) reads() bool {
	switch p.end {
	case playCloseNow, playDrop, playReset:
		return p.close != nil
	}
	return true
}

// heldTCP reports whether the server leaves TCP open after the handshake
// long enough to see who closes it.
func (p play) heldTCP() bool { return p.end == playHold || p.end == playHalfClose }

// describeBody describes a Close body in the words of the tables: its
// code and reason, or its bytes when it is not a valid body.
func describeBody(body []byte) string {
	switch {
	case len(body) == 0:
		return "empty"
	case len(body) == 1:
		return fmt.Sprintf("1 byte `%x`", body)
	case len(body) > wire.MaxControlPayload:
		return fmt.Sprintf("%d + %d bytes (%d in all)", binary.BigEndian.Uint16(body), len(body)-2, len(body))
	}
	code := binary.BigEndian.Uint16(body)
	reason := body[2:]
	switch {
	case len(reason) == 0:
		return strconv.Itoa(int(code))
	case wsclose.ValidateReason(string(reason)) != nil:
		return fmt.Sprintf("%d + `%x` (not UTF-8)", code, reason)
	case len(reason) > 24:
		return fmt.Sprintf("%d + %d-byte reason", code, len(reason))
	}
	return fmt.Sprintf("%d + %s", code, strconv.QuoteToASCII(string(reason)))
}

// wireRecord is what the server saw of the client on one connection.
type wireRecord struct {
	closes  [][]byte      // the Close bodies the client sent, as far as read
	frames  int           // the other frames it sent
	bad     string        // a frame that breaks RFC 6455 §5, or bytes that are no frame: what and the rule
	closed  bool          // the client closed TCP while the server read
	reset   bool          // ... with a reset
	closeAt time.Duration // ... this long after the server's last Close (or the handshake)

	sent, received       []byte // the bytes the server wrote and read after the handshake, the first MaxBytes
	sentLen, receivedLen int    // ... and how many in all
	elapsed              time.Duration
}

// write sends raw bytes and records them.
func (rec *wireRecord) write(c *wire.Conn, b []byte) {
	c.Write(b)
	rec.sentLen += len(b)
	rec.sent = clip(append(rec.sent, b[:min(len(b), MaxBytes)]...))
}

// playClient does p on c and records what the client did. Every read and
// write has a deadline; the longest case lasts ReplyTimeout + HoldTime.
func playClient(c *wire.Conn, p play) *wireRecord {
	rec := &wireRecord{}
	defer func(t0 time.Time) { rec.elapsed = time.Since(t0) }(time.Now())
	c.MaxPayload = wire.MaxControlPayload + 1<<10 // enough for any frame a closing client sends
	start := time.Now()
	// readUntil reads frames until a Close (when stopAtClose), the end of
	// the stream or the deadline, and records them.
	readUntil := func(d time.Duration, stopAtClose bool) {
		c.SetReadDeadline(time.Now().Add(d))
		for rec.bad == "" && !rec.closed {
			f, err := c.ReadFrame()
			rec.receivedLen += len(f.Raw)
			rec.received = clip(append(rec.received, f.Raw[:min(len(f.Raw), MaxBytes)]...))
			if err != nil {
				if _, reset, ok := c.PeerClosed(); ok {
					rec.closed, rec.reset, rec.closeAt = true, reset, time.Since(start)
				} else if !wire.IsTimeout(err) {
					rec.bad = "bytes that are no WebSocket frame: " + err.Error() + " (RFC 6455 §5.2)"
				}
				return
			}
			if v := f.Header.CheckMask(true); v != nil {
				rec.bad = v.What + ": " + v.Rule
				return
			}
			if v := f.Header.Check(); v != nil {
				rec.bad = v.What + ": " + v.Rule
				return
			}
			if f.Opcode != wire.OpClose {
				rec.frames++
				continue
			}
			rec.closes = append(rec.closes, f.Payload)
			if stopAtClose {
				return
			}
		}
	}
	if p.close != nil {
		readUntil(ReplyTimeout, true)
	}
	tcp := c.NetConn()
	switch p.end {
	case playDrop:
		return rec
	case playReset:
		if t, ok := tcp.(interface{ SetLinger(int) error }); ok {
			t.SetLinger(0)
		}
		return rec
	}
	if p.fault != nil {
		rec.write(c, p.fault.frame)
	}
	for _, body := range p.closes {
		rec.write(c, serverFrame(wire.OpClose, body))
	}
	if p.after != 0 {
		rec.write(c, serverFrame(p.after, []byte("late")))
	}
	start = time.Now()
	if p.close == nil && p.end != playCloseNow && p.end != playLinger {
		readUntil(ReplyTimeout, true)
	}
	switch p.end {
	case playHalfClose:
		if t, ok := tcp.(interface{ CloseWrite() error }); ok {
			t.CloseWrite()
		}
		readUntil(HoldTime, false)
	case playHold:
		readUntil(HoldTime, false)
	case playLinger:
		readUntil(LingerTime, false)
	}
	return rec
}

// serverFrame is a final, unmasked frame of a server (RFC 6455 §5.1), its
// length in the minimal form.
func serverFrame(op byte, payload []byte) []byte {
	b, _ := wire.AppendFrame(nil, wire.Header{FIN: true, Opcode: op, Ext: wire.MinimalExt(uint64(len(payload)))}, payload)
	return b
}

// clientModel is what wsclose.Handshake in the Client role does in p: the
// Close bodies it sends (failures[i] says whether body i fails the
// connection), whether it closes TCP at once, and the event it reports.
type clientModel struct {
	sent     [][]byte
	failures []bool
	closeNow bool
	event    wsclose.Event
	refused  error // ParsePayload's error for the server's first Close
}

func modelOf(p play) clientModel {
	h := wsclose.NewHandshake(wsclose.Client)
	var m clientModel
	send := func(body []byte, failure bool) {
		if body != nil && h.Send(body) == nil {
			m.sent, m.failures = append(m.sent, body), append(m.failures, failure)
		}
	}
	if p.close != nil {
		body, err := h.Close(p.close.Code, p.close.Reason)
		if err != nil {
			panic("wsclosetest: a client case closes with " + err.Error()) // the table is wrong
		}
		send(body, false)
	}
	if p.fault != nil {
		// The client's frame reader finds the fault and fails the
		// connection with its code (RFC 6455 §7.1.7).
		send(h.Fail(&wsclose.Failure{Code: p.fault.code, Reason: p.fault.name}), true)
		m.refused = p.fault
	}
	for i, body := range p.closes {
		reply, err := h.Receive(body)
		if i == 0 && p.fault == nil {
			m.refused = err
		}
		send(reply, err != nil)
	}
	m.closeNow = h.CloseTransport()
	h.TransportClosed()
	m.event = h.Event()
	return m
}

// dropped reports whether the model's connection ends with TCP lost before
// any Close frame arrived from the server.
func (p play) dropped() bool { return len(p.closes) == 0 && p.fault == nil }

// wantText says what the standard asks of the client in p.
func (p play) wantText(m clientModel) string {
	var s []string
	s = append(s, "the client "+sentText(m.sent, m.failures))
	if p.heldTCP() && !m.closeNow {
		if p.end == playHalfClose {
			s = append(s, "closes TCP once the server has")
		} else {
			s = append(s, "waits for the server to close TCP")
		}
	}
	s = append(s, "reports "+eventText(m.event.Failed, m.event.Code, m.event.Reason, &m.event.WasClean))
	return strings.Join(s, "; ")
}

// sentText describes the Close bodies a client sends; after a failure the
// code alone, since the reason is the implementation's own.
func sentText(bodies [][]byte, failures []bool) string {
	if len(bodies) == 0 {
		return "sends no Close"
	}
	var d []string
	for i, b := range bodies {
		if i < len(failures) && failures[i] && len(b) >= 2 {
			d = append(d, fmt.Sprintf("%d + any reason", binary.BigEndian.Uint16(b)))
			continue
		}
		d = append(d, describeBody(b))
	}
	return "sends Close " + strings.Join(d, ", then Close ")
}

// eventText describes what a client reports: an error event or not, the
// close code and reason, and wasClean when known.
func eventText(failed bool, code wsclose.Code, reason string, wasClean *bool) string {
	s := "no error event, "
	if failed {
		s = "error event, "
	}
	s += fmt.Sprintf("close %d %s", code, strconv.QuoteToASCII(reason))
	if wasClean != nil {
		if *wasClean {
			s += " wasClean"
		} else {
			s += " not wasClean"
		}
	}
	return s
}

// ruleText is the rule that decides p, for the case list.
func (p play) ruleText(m clientModel) string {
	var r []string
	switch {
	case p.close != nil:
		r = append(r, "WHATWG close(): the client sends its Close; RFC 6455 §7.1.5, §7.1.6: it reports the server's code and reason")
	case p.fault != nil:
		r = append(r, fmt.Sprintf("%s: a client fails the connection on it with %d (RFC 6455 §7.1.7, §7.4.1)", p.fault.rule, p.fault.code))
	case p.dropped():
		r = append(r, "RFC 6455 §7.1.5, §7.2.1: TCP lost with no Close received is 1006, not clean, a failure")
	case m.refused != nil:
		r = append(r, "RFC 6455 §5.5.1, §7.4, §8.1: an invalid Close body fails the connection, with 1002 or 1007 (§7.1.7)")
	default:
		r = append(r, "RFC 6455 §5.5.1: a Close is answered with a Close, typically the echo of its code; §7.1.5, §7.1.6: its code and reason are reported")
	}
	if len(p.closes) > 1 || p.after != 0 {
		r = append(r, "§1.4: data after the Close is discarded")
	}
	if p.heldTCP() {
		r = append(r, "§7.1.1: the server closes TCP first; the client SHOULD wait (§5.5.1)")
	}
	return strings.Join(r, "; ")
}

// clientEvents is what a client reported of one connection: the events a
// browser fires, or what a library returned to its user.
type clientEvents struct {
	// Opened: the opening handshake succeeded (the open event).
	Opened bool
	// Closed: the connection reported its end (the close event, or the
	// library's call returned).
	Closed bool
	// Code and Reason: what the client reported; 0 for no code.
	Code   int
	Reason string
	// WasClean is the close event's wasClean; nil when the client has no
	// such report (a library).
	WasClean *bool
	// ErrorBefore and ErrorAfter: an error event before or after the
	// close event; nil when the client has no error event (a library).
	ErrorBefore, ErrorAfter *bool
	// Err is the error a library returned, shown with the result.
	Err string
	// Messages is the number of messages delivered.
	Messages int
	// Threw names the exception close() threw; "" for none.
	Threw string
	// TimedOut: the client gave up waiting for the end.
	TimedOut bool
}

// finding is one thing a client did that a rule judges.
type finding struct {
	verdict Verdict
	rule    string
}

// severity orders verdicts from the best to the worst.
func severity(v Verdict) int {
	switch v {
	case Fail:
		return 3
	case Warn:
		return 2
	case Info:
		return 1
	}
	return 0
}

// gradeClient judges what the client did in p: what the server saw of it on
// the wire and, when reported (ev non-nil), what it told its user.
func gradeClient(p play, rec *wireRecord, ev *clientEvents) (Verdict, string, string) {
	m := modelOf(p)
	var fs []finding
	add := func(v Verdict, rule string) { fs = append(fs, finding{v, rule}) }
	var got []string
	accepted := false // the client took a body it must refuse, as the wire shows

	// The wire: the Close bodies the client sent.
	if rec.bad != "" {
		add(Fail, "the client sent "+rec.bad)
	}
	if p.reads() {
		got = append(got, sentText(rec.closes, nil))
		accepted = gradeSent(p, m, rec.closes, add)
	}
	// Who closed TCP, where the server held it.
	if p.heldTCP() {
		got = append(got, tcpText(p, rec))
		gradeTCP(p, m, rec, add)
	}
	// The report.
	if ev != nil {
		got = append(got, reportText(ev))
		gradeEvents(p, m, ev, accepted, add)
	}

	verdict, rule := Pass, p.ruleText(m)
	var rules []string
	for _, f := range fs {
		if severity(f.verdict) > severity(verdict) {
			verdict = f.verdict
		}
	}
	for _, f := range fs {
		if f.verdict == verdict {
			rules = append(rules, f.rule)
		}
	}
	if len(rules) > 0 {
		rule = strings.Join(rules, "; ")
	}
	return verdict, rule, strings.Join(got, "; ")
}

// gradeSent judges the Close bodies the client sent against the model.
// It reports whether the client took a body it must refuse.
func gradeSent(p play, m clientModel, sent [][]byte, add func(Verdict, string)) (accepted bool) {
	i := 0
	if p.close != nil {
		// The client's own Close: what close(code, reason) sends.
		if len(sent) == 0 {
			add(Fail, "WHATWG close(): the client MUST start the closing handshake with a Close frame (RFC 6455 §7.1.2)")
			return false
		}
		if string(sent[0]) != string(m.sent[0]) {
			add(Fail, fmt.Sprintf("WHATWG close(): the Close body is the code and the reason given, %s, not %s (RFC 6455 §5.5.1)", describeBody(m.sent[0]), describeBody(sent[0])))
		}
		i = 1
	}
	want := m.sent[min(i, len(m.sent)):]
	got := sent[min(i, len(sent)):]
	if len(want) == 0 {
		if len(got) > 0 {
			add(Fail, "RFC 6455 §5.5.1, §7.1.5: an endpoint sends one Close frame at most, and none once the handshake is done; the client then "+sentText(got, nil))
		}
		return false
	}
	// The model sends one reply: the echo, or the failure.
	failure := m.failures[len(m.failures)-1]
	wantBody := want[0]
	if len(got) == 0 {
		if failure {
			add(Warn, "RFC 6455 §7.1.7: before closing TCP on a failure, an endpoint SHOULD send a Close frame with a status code (1002 or 1007 here)")
		} else {
			add(Fail, "RFC 6455 §5.5.1: an endpoint that receives a Close frame and sent none MUST send a Close frame in response")
		}
		return false
	}
	if len(got) > 1 {
		add(Fail, "RFC 6455 §5.5.1, §7.1.5: an endpoint sends one Close frame at most; the client "+sentText(got, nil))
	}
	body := got[0]
	code, reason, err := wsclose.ParsePayload(body)
	wantCode := bodyCode(wantBody)
	switch {
	case failure && len(p.closes) > 0 && (string(body) == string(p.closes[0]) || bodyCode(body) == bodyCode(p.closes[0]) && bodyCode(body) != wantCode):
		add(Fail, fmt.Sprintf("RFC 6455 §5.5.1, §7.4: %s; the client took it and answered %s instead of failing the connection with %d (§7.1.7; Autobahn TestSuite fails this)", whyRefused(m.refused), describeBody(body), wantCode))
		accepted = true
	case err != nil:
		add(Fail, fmt.Sprintf("RFC 6455 §5.5.1, §7.4: the client's Close body %s is invalid: %s", describeBody(body), wsclose.FailureReason(err)))
	case failure:
		switch {
		case int(code) == wantCode:
		case code == wsclose.StatusProtocolError && wantCode == int(wsclose.StatusInvalidPayloadData):
			add(Info, "RFC 6455 §8.1 names no status for a reason that is not UTF-8: 1007 fits it (§7.4.1) and 1002 is taken too (Autobahn TestSuite 7.5.1)")
		default:
			add(Fail, fmt.Sprintf("RFC 6455 §7.1.7, §7.4.1: %s: the connection fails with %d, not %d (Autobahn TestSuite fails 1011 where a protocol error asks for 1002)", whyRefused(m.refused), wantCode, code))
		}
	case len(body) == 0 && len(wantBody) == 0:
	case len(body) == 0 || len(wantBody) == 0 || int(code) != wantCode:
		add(Fail, fmt.Sprintf("RFC 6455 §5.5.1: the answer to a Close echoes its status code: %s, not %s (Autobahn TestSuite fails another code)", describeBody(wantBody), describeBody(body)))
	case len(reason) > 0:
		add(Info, "RFC 6455 §5.5.1: the echo of the code alone or of the code and the reason: both allowed")
	}
	return accepted
}

// gradeTCP judges who closed TCP when the server held it or half-closed
// it after the closing handshake.
func gradeTCP(p play, m clientModel, rec *wireRecord, add func(Verdict, string)) {
	switch {
	case m.closeNow && !rec.closed:
		add(Fail, fmt.Sprintf("RFC 6455 §7.1.7: an endpoint that fails the connection closes TCP; the client still held it %v later", HoldTime))
	case m.closeNow:
		// The client failed the connection and closed TCP itself.
	case p.end == playHalfClose && !rec.closed:
		add(Fail, fmt.Sprintf("RFC 6455 §5.5.1: after sending and receiving a Close, an endpoint MUST close TCP; the client still held it %v after the server's FIN", HoldTime))
	case p.end == playHold && rec.closed && rec.closeAt < earlyClose:
		add(Warn, fmt.Sprintf("RFC 6455 §7.1.1, §5.5.1: the server SHOULD close TCP first and the client SHOULD wait for it; the client closed it %v after the server's Close", rec.closeAt.Round(10*time.Millisecond)))
	case p.end == playHold && rec.closed:
		add(Info, fmt.Sprintf("RFC 6455 §5.5.1: the client MAY close TCP if the server has not in a reasonable time; it waited %v (Chromium waits 2 s)", rec.closeAt.Round(100*time.Millisecond)))
	}
}

// tcpText says who closed TCP, as the server saw it.
func tcpText(p play, rec *wireRecord) string {
	switch {
	case !rec.closed && p.end == playHalfClose:
		return fmt.Sprintf("held TCP %v after the server's FIN", HoldTime)
	case !rec.closed:
		return fmt.Sprintf("waited for the server to close TCP (%v)", HoldTime)
	case rec.reset:
		return fmt.Sprintf("reset TCP after %v", rec.closeAt.Round(10*time.Millisecond))
	}
	return fmt.Sprintf("closed TCP after %v", rec.closeAt.Round(10*time.Millisecond))
}

// reportText describes what the client reported.
func reportText(ev *clientEvents) string {
	switch {
	case ev.Threw != "":
		return "close() threw " + ev.Threw
	case !ev.Opened:
		return "never opened"
	case !ev.Closed:
		return "reported no end of the connection"
	}
	s := eventText(ev.ErrorBefore != nil && *ev.ErrorBefore, wsclose.Code(ev.Code), ev.Reason, ev.WasClean)
	switch {
	case ev.ErrorBefore == nil && ev.Code == 0:
		s = "no close code"
	case ev.ErrorBefore == nil:
		s = strings.TrimPrefix(s, "no error event, ")
	}
	if ev.ErrorAfter != nil && *ev.ErrorAfter {
		s += ", then an error event"
	}
	if ev.Messages > 0 {
		s += fmt.Sprintf(", %d message events", ev.Messages)
	}
	if ev.Err != "" {
		s += ", error " + strconv.QuoteToASCII(ev.Err)
	}
	return s
}

// gradeEvents judges what the client told its user against the model.
func gradeEvents(p play, m clientModel, ev *clientEvents, accepted bool, add func(Verdict, string)) {
	want := m.event
	switch {
	case ev.Threw != "":
		add(Fail, "WHATWG close(): a code of 1000 or 3000–4999 and a reason of at most 123 bytes throw nothing; close() threw "+ev.Threw)
		return
	case !ev.Opened:
		add(Fail, "RFC 6455 §4.1: the opening handshake succeeded, but the client never opened")
		return
	case !ev.Closed:
		add(Fail, "WHATWG: a close event is fired when the connection is closed (RFC 6455 §7.1.4); the client reported no end")
		return
	}
	afterClose := len(p.closes) > 1 || p.after != 0
	if ev.ErrorAfter != nil && *ev.ErrorAfter {
		add(Fail, "WHATWG WebSockets, the WebSocket connection is closed: the error event comes before the close event")
	}
	// A library that reports no code (0) is not judged on it.
	library := ev.WasClean == nil
	reported := !library || ev.Code != 0
	if m.refused != nil && len(p.closes) > 0 && reported && ev.Code == bodyCode(p.closes[0]) && ev.Code != int(wsclose.StatusAbnormalClosure) {
		if accepted {
			return // one fault, already told
		}
		add(Fail, fmt.Sprintf("RFC 6455 §7.1.5, §7.1.7: %s: the connection fails, and its close code is 1006; the client reported the code of that Close, %d", whyRefused(m.refused), ev.Code))
		return
	}
	afterCloseTold := false // the §1.4 note is given once
	if ev.ErrorBefore != nil && *ev.ErrorBefore != want.Failed {
		switch {
		case afterClose:
			afterCloseTold = true
			add(Info, "RFC 6455 §1.4: a receiver discards data after a Close; nothing makes it an error, and Chromium fails the connection on it")
		case p.dropped() || (p.close != nil && len(p.closes) == 0):
			add(Info, "RFC 6455 §7.2.1: a TCP loss fails the connection and WHATWG fires an error event for a failure; Chromium and Node's undici fire none and report 1006, not clean; wsclose.Handshake marks such a loss Event.Dropped (with Failed), and a runtime that matches them fires error only for Failed && !Dropped")
		case want.Failed:
			add(Fail, "RFC 6455 §7.1.7: the connection failed; WHATWG fires an error event before the close event")
		default:
			add(Fail, "WHATWG: an error event only when the connection failed, and it did not")
		}
	}
	// The code, reason and wasClean.
	codeOK := ev.Code == int(want.Code) || !reported
	if library && want.Failed { // no code, or 1006: both say it failed
		codeOK = ev.Code == 0 || ev.Code == int(wsclose.StatusAbnormalClosure)
	}
	switch {
	case !codeOK && afterClose:
		if !afterCloseTold {
			add(Info, "RFC 6455 §1.4: a receiver discards data after a Close; Chromium fails the connection on it and reports 1006")
		}
	case !codeOK:
		add(Fail, fmt.Sprintf("RFC 6455 §7.1.5: the close code to report is %d; the client reported %d", want.Code, ev.Code))
	}
	if codeOK && reported && !want.Failed && ev.Reason != want.Reason {
		if strings.HasPrefix(want.Reason, "\ufeff") && strings.TrimLeft(want.Reason, "\ufeff") == ev.Reason {
			add(Fail, "WHATWG WebSockets: the close event's reason is the close reason after UTF-8 decode without BOM (Encoding Standard), which keeps a leading U+FEFF; Node's undici strips it")
		} else {
			add(Fail, fmt.Sprintf("RFC 6455 §7.1.6: the close reason to report is %s; the client reported %s", strconv.QuoteToASCII(want.Reason), strconv.QuoteToASCII(ev.Reason)))
		}
	}
	if ev.WasClean != nil && *ev.WasClean != want.WasClean && codeOK {
		add(Fail, fmt.Sprintf("RFC 6455 §7.1.4, WHATWG: wasClean is %v", want.WasClean))
	}
	if ev.Messages > 0 && p.fault != nil && p.fault.frame[0]&0x0f != wire.OpClose && p.fault.frame[0]&0x0f != wire.OpPing {
		add(Fail, fmt.Sprintf("%s: the client delivered it as a message instead of failing the connection (RFC 6455 §7.1.7)", p.fault.rule))
	}
	if ev.Messages > 0 && afterClose {
		add(Info, "RFC 6455 §1.4: a receiver discards data after a Close; the client delivered it")
	}
}

// bodyCode is the status code of a Close body, -1 when it has none.
func bodyCode(body []byte) int {
	if len(body) < 2 {
		return -1
	}
	return int(binary.BigEndian.Uint16(body))
}

// hexBody is a body of the table, written in hex.
func hexBody(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

var errNoCase = errors.New("wsclosetest: no such case")
