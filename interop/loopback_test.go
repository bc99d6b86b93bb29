package interop

// Loopback interop, both directions, with each peer library as server and
// as client: what a peer sends when its user closes must parse with
// wsclose to the same code and reason, and what wsclose encodes must reach
// the peer's user as the same code and reason.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/fixture"
	"github.com/wsclose/wsclose/internal/wire"
)

// sendableCodes are the codes every endpoint may send: 1000–1003,
// 1007–1014 and the edges of 3000–4999.
var sendableCodes = []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}

var reasons = []struct{ name, text string }{
	{"empty", ""},
	{"ASCII", "going away"},
	{"German", "Tschüß, bis später"},
	{"Japanese", "接続を閉じます"},
	{"123 bytes", fixture.German123},
}

func TestReasonFixtures(t *testing.T) {
	if len(fixture.German123) != wsclose.MaxReasonLen {
		t.Fatalf("fixture.German123 is %d bytes, want %d", len(fixture.German123), wsclose.MaxReasonLen)
	}
}

// closeCase is one code and reason sent in one direction.
type closeCase struct {
	code   int
	reason string
	name   string
}

func closeCases() []closeCase {
	var cases []closeCase
	for _, code := range sendableCodes {
		for _, r := range reasons {
			cases = append(cases, closeCase{code, r.text, fmt.Sprintf("%d/%s", code, r.name)})
		}
	}
	return cases
}

// peerServer serves one peer library on 127.0.0.1. Each request's query
// says what the peer does: "send" closes with code and reason through the
// library; "receive" reads until the library reports a close and puts the
// report on the channel.
type peerServer struct {
	*httptest.Server
	reports chan peerRun // rep and err only
}

func startPeerServer(t *testing.T, p peer) *peerServer {
	ps := &peerServer{reports: make(chan peerRun, 1)}
	ps.Server = httptest.NewServer(peerHandler(p, ps.reports))
	t.Cleanup(ps.Close)
	return ps
}

// peerHandler accepts a WebSocket connection with p and, as the query's
// "do" says, closes it with "code" and "reason" ("send") or reads until the
// peer reports a close ("receive"), and sends what happened on reports.
func peerHandler(p peer, reports chan<- peerRun) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		ep, err := p.accept(w, r)
		if err != nil {
			reports <- peerRun{err: err}
			return
		}
		defer ep.Close()
		switch q.Get("do") {
		case "send":
			code, _ := strconv.Atoi(q.Get("code"))
			err := ep.closeWith(code, q.Get("reason"))
			reports <- peerRun{err: err}
		case "receive":
			rep, err := ep.readClose()
			reports <- peerRun{rep: rep, err: err}
		}
	}
}

func (ps *peerServer) path(do string, c closeCase) string {
	return "/?" + url.Values{"do": {do}, "code": {strconv.Itoa(c.code)}, "reason": {c.reason}}.Encode()
}

// forEachCase runs check on every close case, over a link with each peer
// in each role, in a subtest per peer and role.
func forEachCase(t *testing.T, check func(t *testing.T, p peer, l *peerLink, c closeCase)) {
	for _, p := range peers {
		for _, role := range roles {
			t.Run(p.name+"/"+role.String(), func(t *testing.T) {
				l := startPeerLink(t, p, role)
				for _, c := range closeCases() {
					check(t, p, l, c)
				}
			})
		}
	}
}

// TestPeerSends: each peer closes through its own API, as server and as
// client; the raw endpoint captures the Close body on the wire, answers the
// closing handshake, and wsclose must parse the code and reason sent.
func TestPeerSends(t *testing.T) {
	forEachCase(t, func(t *testing.T, _ peer, l *peerLink, c closeCase) {
		var body []byte
		var closeErr, rawErr error
		err := l.run(func(ep endpoint, _ *watchedConn) {
			closeErr = ep.closeWith(c.code, c.reason)
		}, func(rc *wire.Conn) {
			if body, rawErr = rc.ReadClose(); rawErr == nil {
				rawErr = rc.Send(wire.OpClose, body) // echo, completing the handshake
			}
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rawErr != nil || closeErr != nil {
			t.Errorf("%s: raw endpoint %v, peer %v", c.name, rawErr, closeErr)
			return
		}
		got, err := parseReport(body)
		if err != nil {
			t.Errorf("%s: body %x: %v", c.name, body, err)
			return
		}
		if diff := cmp.Diff(report{c.code, c.reason}, got); diff != "" {
			t.Errorf("%s: body %x mismatch (-want +got):\n%s", c.name, body, diff)
		}
	})
}

// parseReport parses a Close body with wsclose into the report a library
// should make of it.
func parseReport(body []byte) (report, error) {
	code, reason, err := wsclose.ParsePayload(body)
	return report{int(code), string(reason)}, err
}

// TestPeerReceives: the raw endpoint sends a Close body made by
// wsclose.AppendPayload; each peer, as server and as client, must report the
// same code and reason to its user and answer the Close.
func TestPeerReceives(t *testing.T) {
	forEachCase(t, func(t *testing.T, p peer, l *peerLink, c closeCase) {
		body, err := wsclose.AppendPayload(nil, wsclose.Code(c.code), c.reason)
		if err != nil {
			t.Fatal(err)
		}
		var rep report
		var repErr, rawErr error
		err = l.run(func(ep endpoint, _ *watchedConn) {
			rep, repErr = ep.readClose()
		}, func(rc *wire.Conn) {
			if rawErr = rc.Send(wire.OpClose, body); rawErr == nil {
				_, rawErr = rc.ReadClose()
			}
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkReport(t, p, c, rep, repErr)
		if rawErr != nil {
			t.Errorf("%s: no answering Close: %v", c.name, rawErr)
		}
	})
}

// checkReport checks what a peer told its user about a Close that wsclose
// encoded: the same code and reason, or, for a code the pinned version is
// known to refuse, an error.
func checkReport(t *testing.T, p peer, c closeCase, rep report, err error) {
	t.Helper()
	if slices.Contains(p.refuses, c.code) {
		if err == nil {
			t.Errorf("%s: %s %s reported %+v; it used to refuse %d, update peer.refuses and README.md", c.name, p.name, p.version, rep, c.code)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: peer reported %v", c.name, err)
		return
	}
	if diff := cmp.Diff(report{c.code, c.reason}, rep); diff != "" {
		t.Errorf("%s: peer report mismatch (-want +got):\n%s", c.name, diff)
	}
}

// TestPeerSendsOverLongReason asks each peer, as server, to close with a
// 124-byte reason whose last character, ß, spans bytes 122 and 123: one byte
// too many for a Close frame (RFC 6455 §5.5). What each pinned version does
// is asserted: gorilla/websocket and coder/websocket refuse to send it and
// send no Close at all; gobwas/ws and lxzan/gws crop the body to 125
// bytes, cutting the ß in two, so their peer receives a reason that is not
// UTF-8. wsclose.TruncateReason cuts before the ß instead.
func TestPeerSendsOverLongReason(t *testing.T) {
	reason := "x" + fixture.German123 // 124 bytes; ß at bytes 122–123
	want := map[string]string{
		"gorilla/websocket": "refused, sent nothing",
		"coder/websocket":   "refused, sent nothing",
		"gobwas/ws":         "sent 125 bytes, wsclose: close reason is not valid UTF-8 at offset 122",
		"lxzan/gws":         "sent 125 bytes, wsclose: close reason is not valid UTF-8 at offset 122",
	}
	for _, p := range peers {
		t.Run(p.name, func(t *testing.T) {
			ps := startPeerServer(t, p)
			addr := strings.TrimPrefix(ps.URL, "http://")
			rc, err := dialRaw(addr, ps.path("send", closeCase{code: 1000, reason: reason}))
			if err != nil {
				t.Fatal(err)
			}
			body, rerr := rc.ReadClose()
			if rerr == nil {
				_ = rc.Send(wire.OpClose, body)
			}
			rc.Close()
			res := <-ps.reports
			wire := "nothing"
			if rerr == nil {
				code, _, perr := wsclose.ParsePayload(body)
				wire = fmt.Sprintf("%d bytes, %v", len(body), perr)
				if perr == nil {
					wire = fmt.Sprintf("%d bytes, code %d", len(body), code)
				}
			}
			got := "sent " + wire
			if res.err != nil {
				got = "refused, sent " + wire
			}
			if got != want[p.name] {
				t.Errorf("%s %s: %s, want %s", p.name, p.version, got, want[p.name])
			}
		})
	}
	if got := wsclose.TruncateReason(reason); got != reason[:122] {
		t.Errorf("TruncateReason cut to %d bytes, want 122", len(got))
	}
}
