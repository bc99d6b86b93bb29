package interop

// Differential fuzzing of received Close bodies: wsclose's verdict
// (ParsePayload + FailureCode) against what each peer library does with the
// same body, through the same adapters the deviation table drives, but over
// an in-memory connection instead of loopback TCP, so that one input costs
// no network and a fraction of a millisecond. A peer that departs from the
// standard fails the target unless the deviation table already records a
// departure of that peer on a body of the same class.

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
)

// memConn is one end of an in-memory connection that behaves as TCP does
// for the tests' purposes: a write is buffered and never waits for the
// reader, a read returns what was written and then io.EOF once the other
// end has closed, and read deadlines interrupt a waiting read. It costs no
// system call, which keeps FuzzPeersDiffer fast.
type memConn struct {
	in, out *memHalf
}

// memHalf is one direction of a memConn.
type memHalf struct {
	mu        sync.Mutex
	buf       []byte
	eof       bool // the writing end closed
	gone      bool // the reading end closed
	deadline  time.Time
	timer     *time.Timer // signals wake at deadline
	wdeadline time.Time
	wake      chan struct{} // a write, a close, a new deadline or its passing
}

func newMemHalf() *memHalf { return &memHalf{wake: make(chan struct{}, 1)} }

func (h *memHalf) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// memPipe returns the two ends of an in-memory connection.
func memPipe() (net.Conn, net.Conn) {
	ab, ba := newMemHalf(), newMemHalf()
	return &memConn{in: ba, out: ab}, &memConn{in: ab, out: ba}
}

func (c *memConn) Read(p []byte) (int, error) {
	h := c.in
	for {
		h.mu.Lock()
		switch {
		case h.gone:
			h.mu.Unlock()
			return 0, net.ErrClosed
		case len(h.buf) > 0:
			n := copy(p, h.buf)
			h.buf = h.buf[n:]
			h.mu.Unlock()
			return n, nil
		case h.eof:
			h.mu.Unlock()
			return 0, io.EOF
		}
		deadline := h.deadline
		h.mu.Unlock()
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return 0, os.ErrDeadlineExceeded
		}
		<-h.wake // the deadline's timer signals too
	}
}

func (c *memConn) Write(p []byte) (int, error) {
	h := c.out
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.eof:
		return 0, net.ErrClosed
	case h.gone:
		return 0, io.ErrClosedPipe
	case !h.wdeadline.IsZero() && !time.Now().Before(h.wdeadline):
		return 0, os.ErrDeadlineExceeded
	}
	h.buf = append(h.buf, p...)
	h.signal()
	return len(p), nil
}

func (c *memConn) Close() error {
	for _, h := range []*memHalf{c.in, c.out} {
		h.mu.Lock()
		if h == c.in {
			h.gone = true
			if h.timer != nil {
				h.timer.Stop()
			}
		} else {
			h.eof = true
		}
		h.signal()
		h.mu.Unlock()
	}
	return nil
}

func (c *memConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	h := c.in
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deadline = t
	if h.timer != nil {
		h.timer.Stop()
	}
	if !t.IsZero() {
		h.timer = time.AfterFunc(time.Until(t), h.signal)
	}
	h.signal()
	return nil
}

func (c *memConn) SetWriteDeadline(t time.Time) error {
	c.out.mu.Lock()
	c.out.wdeadline = t
	c.out.mu.Unlock()
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr { return memAddr{} }

type memAddr struct{}

func (memAddr) Network() string { return "memory" }
func (memAddr) String() string  { return "memory" }

// hijackWriter is the http.ResponseWriter of an opening handshake whose
// request came on conn: Hijack hands conn over, after writing the status
// line and headers if the handler set 101 with WriteHeader, as net/http's
// server does.
type hijackWriter struct {
	conn   net.Conn
	header http.Header
	status int
}

func (w *hijackWriter) Header() http.Header { return w.header }

func (w *hijackWriter) WriteHeader(status int) { w.status = status }

// Write is what a handler refusing the handshake writes; it is discarded.
func (w *hijackWriter) Write(p []byte) (int, error) { return len(p), nil }

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.status == http.StatusSwitchingProtocols {
		var b strings.Builder
		b.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
		if err := w.header.Write(&b); err != nil {
			return nil, nil, err
		}
		b.WriteString("\r\n")
		if _, err := w.conn.Write([]byte(b.String())); err != nil {
			return nil, nil, err
		}
	}
	return w.conn, bufio.NewReadWriter(bufio.NewReader(w.conn), bufio.NewWriter(w.conn)), nil
}

// observeInProcess sends body, in a masked Close frame from a raw client,
// to a new server-side connection of p accepted over a memPipe, and
// records the peer's reaction as observe does over loopback, with the same
// handshake, handler and record: the peer reads until it reports a close,
// then closes the connection. It returns what the peer reported to its user
// too.
func observeInProcess(p peer, body []byte) (reaction, peerRun, error) {
	rawEnd, peerEnd := memPipe()
	defer rawEnd.Close()
	reports := make(chan peerRun, 1)
	go func() {
		defer peerEnd.Close()
		req, err := http.ReadRequest(bufio.NewReader(peerEnd))
		if err != nil {
			reports <- peerRun{err: err}
			return
		}
		peerHandler(p, reports)(&hijackWriter{conn: peerEnd, header: http.Header{}}, req)
	}()
	rc, err := handshakeRaw(rawEnd, "wsclose.test", "/?do=receive")
	if err != nil {
		return reaction{}, peerRun{}, fmt.Errorf("%s: opening handshake: %v", p.name, err)
	}
	r, res, err := sendAndReact(rc, reports, body)
	if err != nil {
		return reaction{}, peerRun{}, fmt.Errorf("%s: %v", p.name, err)
	}
	return r, res, nil
}

// bodyClass names what decides wsclose's verdict on body, in the terms the
// deviation table's departures are stated in: the body's length when it
// cannot hold a code (empty, 1 byte) or is too long for a control frame
// (§5.5); else the code when it is invalid (§7.4); else "reason not UTF-8"
// when the reason is not (§8.1); else the code of the accepted body. Codes
// are grouped as RFC 6455 §7.4.2 ranges them, except that each code of
// 1000–1015 is a class of its own, since the peers differ code by code
// there (IANA registered 1012–1014 after RFC 6455).
func bodyClass(body []byte) string {
	switch {
	case len(body) == 0:
		return "empty"
	case len(body) == 1:
		return "1 byte"
	case len(body) > wsclose.MaxPayloadLen:
		return fmt.Sprintf("over %d bytes", wsclose.MaxPayloadLen)
	}
	code := wsclose.Code(binary.BigEndian.Uint16(body))
	class := "code " + code.Class().String()
	switch {
	case code >= 1000 && code <= 1015:
		class = "code " + strconv.Itoa(int(code))
	case code.Class() == wsclose.ClassProtocol:
		class = "code 1016–2999 unassigned"
	}
	if v := verdictOf(body); code.Valid() && !v.ok {
		return "reason not UTF-8"
	}
	return class
}

// bodyDeparture is one peer departing from the standard on one class of body.
type bodyDeparture struct {
	peer  string
	class string
}

// departureOf returns the departure, if any, of p's reaction r to body,
// given the failure codes besides wsclose's own that the standard allows for
// it (deviationCase.allowed, or alsoAllowed).
func departureOf(p peer, body []byte, allowed []wsclose.Code, r reaction) (bodyDeparture, bool) {
	if agrees(verdictOf(body), allowed, r) {
		return bodyDeparture{}, false
	}
	return bodyDeparture{p.name, bodyClass(body)}, true
}

// knownDepartures observes every body of the deviation table's cases in
// process and returns the departures the table records
// (TestInProcessMatchesTable checks that in process, every peer reacts as
// over loopback).
func knownDepartures(tb testing.TB, cases []deviationCase) map[bodyDeparture]bool {
	known := map[bodyDeparture]bool{}
	for _, c := range cases {
		for _, p := range peers {
			r, _, err := observeInProcess(p, c.body)
			if err != nil {
				tb.Fatal(err)
			}
			if d, ok := departureOf(p, c.body, c.allowed, r); ok {
				known[d] = true
			}
		}
	}
	return known
}

// checkPeersDiffer sends body to every peer and fails t when a peer departs
// from wsclose's verdict in a way known does not list, or reports the close
// of an accepted body with another reason than the body's.
func checkPeersDiffer(t *testing.T, known map[bodyDeparture]bool, body []byte) {
	t.Helper()
	v := verdictOf(body)
	for _, p := range peers {
		r, res, err := observeInProcess(p, body)
		if err != nil {
			t.Fatalf("body %x: %v", body, err)
		}
		if d, ok := departureOf(p, body, alsoAllowed(body, nil), r); ok && !known[d] {
			t.Errorf("body %x (%s, class %q): wsclose: %s; %s: %s, a departure the deviation table does not list; add the body to the table (deviationCases)",
				body, describe(body), d.class, v, p.name, r)
		}
		if _, reason, err := wsclose.ParsePayload(body); err == nil && res.err == nil && res.rep.Reason != string(reason) {
			t.Errorf("body %x (%s): %s reports the reason %q, not the body's %q", body, describe(body), p.name, res.rep.Reason, reason)
		}
	}
}

// TestInProcessMatchesTable shows that a peer reacts to every body of the
// deviation table in process as it does over loopback, so that the
// departures FuzzPeersDiffer derives in process are the table's.
func TestInProcessMatchesTable(t *testing.T) {
	cases := deviationCases(t)
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			ps := startPeerServer(t, p)
			var overLoopback, inProcess []string
			for _, c := range cases {
				ri, _, err := observeInProcess(p, c.body)
				if err != nil {
					t.Fatal(err)
				}
				overLoopback = append(overLoopback, describe(c.body)+": "+observe(t, ps, c.body).String())
				inProcess = append(inProcess, describe(c.body)+": "+ri.String())
			}
			if diff := cmp.Diff(overLoopback, inProcess); diff != "" {
				t.Errorf("mismatch (-loopback +in process):\n%s", diff)
			}
		})
	}
}

// FuzzPeersDiffer sends random Close bodies to gorilla/websocket,
// coder/websocket, gobwas/ws and lxzan/gws and fails on a departure from
// wsclose's verdict (RFC 6455 and the IANA registry) that the deviation
// table does not record for that peer and class of body (bodyClass).
func FuzzPeersDiffer(f *testing.F) {
	cases := deviationCases(f)
	for _, c := range cases { // every body of the deviation table
		f.Add(c.body)
	}
	for _, h := range []string{
		"ff",                                      // 1 byte, high bit set
		"03e8" + strings.Repeat("2a", 123),        // 1000 + 123 bytes: 125, the most a control frame holds
		"03e8" + strings.Repeat("e697a5", 41),     // 1000 + 41 CJK characters: 123 bytes
		"03e8" + strings.Repeat("2a", 122) + "c3", // 1000 + a character cut at the 125th byte
		"03e8efbbbf68",                            // 1000 + BOM + "h": a BOM is UTF-8
		"0fa700",                                  // 3999 + NUL: UTF-8
		"03e8c080",                                // 1000 + overlong NUL
		"03e8e080af",                              // 1000 + overlong "/"
		"03e8f4908080",                            // 1000 + U+110000, above Unicode
		"03e8edbfbf",                              // 1000 + lone low surrogate
		"03e8f0908d",                              // 1000 + a 4-byte sequence cut short
		"03e8f888808080",                          // 1000 + a 5-byte sequence
		"03f66261642067617465776179",              // 1014 + "bad gateway"
		"03f4ff",                                  // 1012 + not UTF-8: gobwas/ws refuses the code, coder/websocket the reason is not checked
		"0bb8ff",                                  // 3000 + not UTF-8
		"1388ff",                                  // 5000 + not UTF-8: both the code and the reason are wrong
		"03edff",                                  // 1005 + not UTF-8
		"0000ff",                                  // 0 + not UTF-8
		"ffff" + strings.Repeat("2a", 123),        // 65535 + 123 bytes
	} {
		f.Add(mustHex(h))
	}
	known := knownDepartures(f, cases)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<12 {
			// The peers refuse every Close over 125 bytes from its header
			// (§5.5) without reading the body: longer ones cost only time.
			t.Skip()
		}
		checkPeersDiffer(t, known, body)
	})
}

// mustHex decodes a hex literal of the test.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
