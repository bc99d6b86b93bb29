package interop

// The closing handshake with the peers: a raw endpoint driven by
// wsclose.Handshake (closeLoop) closes against each peer library over
// loopback, as server and as client, with this end, the peer or both ends
// closing first. Each case asserts the raw endpoint's close event and its
// TCP close order, and records what the peer put on the wire, what it told
// its user and what it did with the TCP connection; the table of these is
// asserted against the one committed in README.md.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	coder "github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/fixture"
	"github.com/wsclose/wsclose/internal/wire"
)

// closeWait is the raw client's timer: how long it waits for the server to
// close TCP after the closing handshake (RFC 6455 §5.5.1) before closing it
// itself. Chromium waits about 2 s.
const closeWait = time.Second

// closer says who starts the closing handshake.
type closer int

const (
	rawCloses  closer = iota // the raw endpoint calls Handshake.Close and sends the body
	peerCloses               // the peer closes through its library's API
	bothClose                // both send a Close before reading anything
)

func (c closer) String() string {
	return [...]string{"raw endpoint", "peer", "both at once"}[c]
}

// In a simultaneous close the raw endpoint sends this code and reason, so
// that each side's report shows whose Close it took (§7.1.5).
const (
	bothRawCode   = 4000
	bothRawReason = "closing too"
)

// handshakeCodes are the codes and reasons each side closes with. 1005
// asks for a Close frame without a body, which gorilla/websocket's
// FormatCloseMessage and coder/websocket's Close make of it.
var handshakeCodes = []struct {
	code   int
	reason string
}{
	{1000, ""},
	{1001, "going away"},
	{3000, "接続"},
	{4999, fixture.German123},
	{1005, ""},
}

// handshakeCase is one closing handshake between the raw endpoint and a peer.
type handshakeCase struct {
	peerRole wsclose.Role // the peer's role; the raw endpoint has the other
	who      closer
	// code and reason are those of the peer's Close when it closes, and of
	// the raw endpoint's when the raw endpoint closes alone.
	code   int
	reason string
}

// rawRole is the raw endpoint's role.
func (c handshakeCase) rawRole() wsclose.Role {
	if c.peerRole == wsclose.Server {
		return wsclose.Client
	}
	return wsclose.Server
}

// rawClose is the code and reason the raw endpoint closes with, if it does.
func (c handshakeCase) rawClose() (wsclose.Code, string) {
	if c.who == bothClose {
		return bothRawCode, bothRawReason
	}
	return wsclose.Code(c.code), c.reason
}

func handshakeCases() []handshakeCase {
	var cases []handshakeCase
	for _, role := range roles {
		for _, who := range []closer{rawCloses, peerCloses, bothClose} {
			for _, hc := range handshakeCodes {
				cases = append(cases, handshakeCase{role, who, hc.code, hc.reason})
			}
		}
	}
	return cases
}

// closeSender is an endpoint whose library can send a Close frame without
// waiting for the answer; coder/websocket's Close always waits.
type closeSender interface {
	sendClose(code int, reason string) error
}

// peerAct does the peer's part of a case through its library's API and
// records what the library tells its user: it reads until the library
// reports the close, after sending its own Close unless the raw endpoint
// closes alone. With coder/websocket, which closes only with Close, that
// is Close's error. peerLink.run then closes the endpoint, as the peer's
// user would.
func peerAct(ep endpoint, c handshakeCase, conn *watchedConn) peerRun {
	r := peerRun{conn: conn}
	s, ok := ep.(closeSender)
	switch {
	case c.who == rawCloses:
		r.rep, r.err = ep.readClose()
	case !ok:
		r.byClose, r.err = true, ep.closeWith(c.code, c.reason)
	default:
		r.err = s.sendClose(c.code, c.reason)
		r.closedOnSend = conn.isClosed()
		if r.err == nil {
			r.rep, r.err = ep.readClose()
		}
	}
	return r
}

// rawRun is what the raw endpoint saw: its close event and the read error
// that ended its wait (see closeLoop).
type rawRun struct {
	ev  wsclose.Event
	end error
}

// runRaw is the raw endpoint's part of a case.
func runRaw(rc *wire.Conn, c handshakeCase) rawRun {
	h := wsclose.NewHandshake(c.rawRole())
	if c.who != peerCloses {
		body, err := h.Close(c.rawClose())
		if err != nil {
			panic(err) // the cases hold only sendable codes and reasons
		}
		sendClose(rc, h, body)
	}
	ev, end := closeLoop(rc, h, closeWait)
	return rawRun{ev, end}
}

func (c handshakeCase) String() string {
	return fmt.Sprintf("peer %s, %s closes, %s", c.peerRole, c.who, describeClose(c.code, c.reason))
}

// describeClose names a code and reason the way describe names a body
// that holds them.
func describeClose(code int, reason string) string {
	return describe(append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...))
}

// closeBodies returns the payloads of the Close frames among fs.
func closeBodies(fs []wire.Frame) [][]byte {
	var bodies [][]byte
	for _, f := range fs {
		if f.Opcode == wire.OpClose {
			bodies = append(bodies, f.Payload)
		}
	}
	return bodies
}

// wantEvent is the close event RFC 6455 gives the raw endpoint, which sent
// a Close in every case, once the peer sent the Close frames in peerSent:
// the first one's code and reason, clean (§7.1.4–§7.1.6); 1006 and failed
// if there is none (Dropped) or it does not parse (the parse error as Err)
// (§7.1.5, §7.1.7).
func wantEvent(peerSent [][]byte) wsclose.Event {
	if len(peerSent) == 0 {
		return wsclose.Event{Code: wsclose.StatusAbnormalClosure, Failed: true, Dropped: true}
	}
	code, reason, err := wsclose.ParsePayload(peerSent[0])
	if err != nil {
		return wsclose.Event{Code: wsclose.StatusAbnormalClosure, Failed: true, Err: err}
	}
	return wsclose.Event{Code: code, Reason: string(reason), WasClean: true}
}

// sameFailure compares the causes of two failures by the Close body each
// fails the connection with.
var sameFailure = cmp.Comparer(func(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return bytes.Equal(wsclose.AppendFailure(nil, a), wsclose.AppendFailure(nil, b))
})

// rawFirstSent returns the first Close body the raw endpoint sent: its own
// Close, or its answer to the peer's first Close, which a Handshake in the
// raw endpoint's role gives again.
func rawFirstSent(c handshakeCase, peerSent [][]byte) ([]byte, bool) {
	if c.who != peerCloses {
		code, reason := c.rawClose()
		body, _ := wsclose.AppendPayload(nil, code, reason)
		return body, true
	}
	if len(peerSent) == 0 {
		return nil, false
	}
	reply, _ := wsclose.NewHandshake(c.rawRole()).Receive(peerSent[0])
	return reply, reply != nil
}

// conforming plays the case between two Handshakes in memory and returns
// what a peer that follows RFC 6455 sends and reports: the reference
// column of the table.
func conforming(c handshakeCase) (sent [][]byte, ev wsclose.Event) {
	raw, peer := wsclose.NewHandshake(c.rawRole()), wsclose.NewHandshake(c.peerRole)
	var toPeer, toRaw [][]byte
	if c.who != peerCloses {
		body, _ := raw.Close(c.rawClose())
		raw.Send(body)
		toPeer = append(toPeer, body)
	}
	if c.who != rawCloses {
		body, _ := peer.Close(wsclose.Code(c.code), c.reason)
		peer.Send(body)
		toRaw, sent = append(toRaw, body), append(sent, body)
	}
	for len(toPeer)+len(toRaw) > 0 {
		if len(toPeer) > 0 {
			if reply, _ := peer.Receive(toPeer[0]); reply != nil && peer.Send(reply) == nil {
				toRaw, sent = append(toRaw, reply), append(sent, reply)
			}
			toPeer = toPeer[1:]
		}
		if len(toRaw) > 0 {
			if reply, _ := raw.Receive(toRaw[0]); reply != nil && raw.Send(reply) == nil {
				toPeer = append(toPeer, reply)
			}
			toRaw = toRaw[1:]
		}
	}
	peer.TransportClosed()
	return sent, peer.Event()
}

// A departure is one kind of way a peer library or an engine leaves RFC
// 6455 or the WHATWG WebSockets Standard. The handshake table counts each
// kind per peer; the close-event table cites what decides each one and
// lists the standard's words below it.
type departure struct {
	what string // what the implementation does, and why that departs
	cite string // the section that decides it
}

var (
	depNoClose      = departure{"sends no Close frame", "§5.5.1"}
	depSecondClose  = departure{"sends a second Close frame: answers a Close after it sent its own", "§1.4, §5.5.1"}
	depSends1005    = departure{"puts 1005 on the wire when asked to close without a status", "§7.4.1"}
	depNotAsked     = departure{"sends a Close other than the one asked for", "§5.5.1"}
	depBadAnswer    = departure{"answers with a Close body that does not parse", "§5.5.1"}
	depCloseErrs    = departure{"Close returns an error after a complete closing handshake", "§7.1.4"}
	depWrongReport  = departure{"reports other than the first Close received", "§7.1.5, §7.1.6"}
	depNoReport     = departure{"reports an error, not the Close received", "§7.1.5, §7.1.6"}
	depClientCloses = departure{"as client, closes TCP at once instead of waiting for the server", "§5.5.1, §7.1.1"}
	depServerWaits  = departure{"as server, leaves the TCP connection to the client", "§5.5.1, §7.1.1"}
	depNoWait       = departure{"closes TCP right after sending its Close, without reading the other end's", "§1.4, §5.5.1"}
)

// judge describes what the peer did in one case for the table, and
// returns how it departs from RFC 6455.
func judge(c handshakeCase, pr peerRun) (cell string, deps []departure) {
	sent := closeBodies(pr.conn.frames())
	wire := describeAll(sent)
	switch {
	case len(sent) == 0:
		wire, deps = []string{"no Close"}, append(deps, depNoClose)
	case len(sent) > 1:
		deps = append(deps, depSecondClose)
	}
	if len(sent) > 0 {
		first := sent[0]
		if c.who == rawCloses {
			if _, _, err := wsclose.ParsePayload(first); err != nil {
				deps = append(deps, depBadAnswer)
			}
		} else if want, _ := wsclose.AppendPayload(nil, wsclose.Code(c.code), c.reason); !bytes.Equal(first, want) {
			if c.code == int(wsclose.StatusNoStatusReceived) && describe(first) == "1005" {
				deps = append(deps, depSends1005)
			} else {
				deps = append(deps, depNotAsked)
			}
		}
	}

	// A peer that closed TCP as it sent its Close never read the raw
	// endpoint's: what it tells its user cannot be that Close.
	unread := pr.closedOnSend
	if unread {
		deps = append(deps, depNoWait)
	}
	var user string
	gotFirst, ok := rawFirstSent(c, sent)
	ok = ok && !unread
	var ce coder.CloseError
	switch {
	case pr.byClose && pr.err == nil:
		user = "Close() = nil" // the handshake completed
	case pr.byClose && errors.As(pr.err, &ce):
		user = "Close() error: received " + describeClose(int(ce.Code), ce.Reason)
		deps = append(deps, depCloseErrs)
	case pr.err != nil:
		user = "error"
		if ok {
			deps = append(deps, depNoReport)
		}
	default:
		user = "reports " + describeClose(pr.rep.Code, pr.rep.Reason)
		if ok {
			want, err := parseReport(gotFirst)
			if err != nil || pr.rep != want {
				deps = append(deps, depWrongReport)
			}
		}
	}

	pr.conn.mu.Lock()
	closedFirst := pr.conn.closedFirst
	pr.conn.mu.Unlock()
	var tcp string
	if c.peerRole == wsclose.Server {
		tcp = "closes TCP"
		if !closedFirst {
			tcp, deps = "leaves TCP open", append(deps, depServerWaits)
		}
	} else {
		tcp = "waits for the server"
		if closedFirst {
			tcp, deps = "closes TCP at once", append(deps, depClientCloses)
		}
	}
	if unread {
		tcp = "closes TCP before the answer"
	}
	return strings.Join(wire, ", then ") + " · " + user + " · " + tcp, deps
}

// describeAll describes each Close body of a connection, in order.
func describeAll(bodies [][]byte) []string {
	var wire []string
	for _, b := range bodies {
		wire = append(wire, describe(b))
	}
	return wire
}

// reference is the table's cell for a peer that follows RFC 6455.
func reference(c handshakeCase) string {
	sent, ev := conforming(c)
	wire := describeAll(sent)
	tcp := "closes TCP"
	if c.peerRole == wsclose.Client {
		tcp = "waits for the server"
	}
	return strings.Join(wire, ", then ") + " · reports " + describeClose(int(ev.Code), ev.Reason) + " · " + tcp
}

const (
	handshakeBegin = "<!-- closing handshake with the peers: generated by go test -run TestPeerHandshake -update; do not edit -->"
	handshakeEnd   = "<!-- end of closing handshake with the peers -->"
)

// TestPeerHandshake closes a Handshake-driven raw endpoint against each
// peer, as server and as client, with either or both ends closing first.
// It asserts the raw endpoint's event against RFC 6455 §7.1.4–§7.1.7 and
// its TCP close order against §5.5.1 and §7.1.1 (the server closes first; a client
// only on a failure or when its timer runs out), and the table of what the
// peers did against README.md.
func TestPeerHandshake(t *testing.T) {
	cases := handshakeCases()
	cells := make([][]string, len(cases))
	type counted struct {
		departure
		n int
	}
	deps := make([][]counted, len(peers))
	var clean, failed, timers int // the raw endpoint's events, and its client timer running out
	for i, p := range peers {
		links := map[wsclose.Role]*peerLink{}
		for _, role := range roles {
			links[role] = startPeerLink(t, p, role)
		}
		for j, c := range cases {
			var pr peerRun
			var rr rawRun
			err := links[c.peerRole].run(func(ep endpoint, conn *watchedConn) {
				pr = peerAct(ep, c, conn)
			}, func(rc *wire.Conn) {
				rr = runRaw(rc, c)
			})
			if err != nil {
				t.Fatalf("%s %s: %v", p.name, c, err)
			}
			sent := closeBodies(pr.conn.frames())
			if diff := cmp.Diff(wantEvent(sent), rr.ev, sameFailure); diff != "" {
				t.Errorf("%s %s: raw endpoint's event mismatch (-want +got):\n%s", p.name, c, diff)
			}
			checkRawTCP(t, p, c, rr)
			switch {
			case rr.ev.WasClean:
				clean++
			case rr.ev.Failed:
				failed++
			}
			if errors.Is(rr.end, os.ErrDeadlineExceeded) {
				timers++
			}
			cell, ds := judge(c, pr)
			if len(ds) > 0 {
				cell = "**✗ " + cell + "**"
			}
			cells[j] = append(cells[j], cell)
			for _, d := range ds {
				k := 0
				for k < len(deps[i]) && deps[i][k].departure != d {
					k++
				}
				if k == len(deps[i]) {
					deps[i] = append(deps[i], counted{d, 0})
				}
				deps[i][k].n++
			}
		}
	}

	var table strings.Builder
	table.WriteString("| peer is | closes first | code, reason | RFC 6455 (wsclose.Handshake) |")
	for _, p := range peers {
		fmt.Fprintf(&table, " %s %s |", p.name, p.version)
	}
	table.WriteString("\n| --- | --- | --- | --- |" + strings.Repeat(" --- |", len(peers)) + "\n")
	for j, c := range cases {
		fmt.Fprintf(&table, "| %s | %s | %s | %s | %s |\n", c.peerRole, c.who, describeClose(c.code, c.reason), reference(c), strings.Join(cells[j], " | "))
	}
	fmt.Fprintf(&table, "\n%d cases per peer. The raw endpoint's `Event` is asserted in each: %d clean, %d failed; as client, its timer ran out %d times. A cell shows the Close frames the peer sent, what it told its user (`reports` for the close its read returned; `Close()` for coder/websocket's Close, which reports only an error) and what it did with TCP. In a simultaneous close the raw endpoint sends %s. **✗** marks a departure from RFC 6455:\n\n", len(cases), clean, failed, timers, describeClose(bothRawCode, bothRawReason))
	for i, p := range peers {
		fmt.Fprintf(&table, "- %s %s:", p.name, p.version)
		if len(deps[i]) == 0 {
			table.WriteString(" none.\n")
			continue
		}
		table.WriteString("\n")
		for _, d := range deps[i] {
			fmt.Fprintf(&table, "  - %s (RFC 6455 %s): %d of %d cases.\n", d.what, d.cite, d.n, len(cases))
		}
	}
	checkGenerated(t, "README.md", handshakeBegin, handshakeEnd, table.String())
}

// checkRawTCP asserts the raw endpoint's TCP close order (RFC 6455 §5.5.1, §7.1.1,
// §7.1.7): as server it closes TCP itself, as soon as the handshake is done
// or failed; as client it waits for the server, unless the connection
// failed. A client whose timer ran out was left waiting by the peer, which
// the table records.
func checkRawTCP(t *testing.T, p peer, c handshakeCase, rr rawRun) {
	t.Helper()
	switch {
	case c.rawRole() == wsclose.Server && rr.end != nil:
		t.Errorf("%s %s: the raw server did not close TCP first: %v", p.name, c, rr.end)
	case c.rawRole() == wsclose.Client && rr.end == nil && !rr.ev.Failed:
		t.Errorf("%s %s: the raw client closed TCP before the server", p.name, c)
	}
}
