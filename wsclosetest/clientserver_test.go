package wsclosetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsclose/wsclose/internal/wire"
)

// TestClientServerRoutes asks each route what a client may get wrong: a
// 4xx answer, before any upgrade, for a bad case, a bad agent or a plain
// GET of a WebSocket URL; 400 for a malformed report.
func TestClientServerRoutes(t *testing.T) {
	srv := httptest.NewServer(NewClientServer())
	defer srv.Close()
	ws := map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}
	valid := `{"userAgent":"x","cases":[{"id":"server-drop","opened":true,"threw":"","timedOut":false,"events":[{"type":"open","ms":1},{"type":"close","ms":2,"code":1006,"reason":"","wasClean":false}]}]}`
	for _, tc := range []struct {
		method, path string
		header       map[string]string
		body         string
		status       int
	}{
		{"GET", "/", nil, "", http.StatusSeeOther},
		{"GET", "/?agent=me", nil, "", http.StatusOK},
		{"GET", "/?agent=", nil, "", http.StatusBadRequest},
		{"GET", "/?agent=" + strings.Repeat("x", 65), nil, "", http.StatusBadRequest},
		{"GET", "/?agent=a%00b", nil, "", http.StatusBadRequest},
		{"GET", "/page.js", nil, "", http.StatusOK},
		{"GET", "/cases.json", nil, "", http.StatusOK},
		{"GET", "/nothing", nil, "", http.StatusNotFound},
		{"GET", "/getCaseCount", nil, "", http.StatusUpgradeRequired},
		{"GET", "/getCaseInfo?case=1", nil, "", http.StatusUpgradeRequired},
		{"GET", "/getCaseInfo?case=0", ws, "", http.StatusNotFound},
		{"GET", "/runCase?case=1&agent=a", nil, "", http.StatusUpgradeRequired},
		{"GET", "/runCase?case=0&agent=a", ws, "", http.StatusNotFound},
		{"GET", "/runCase?case=80&agent=a", ws, "", http.StatusNotFound},
		{"GET", "/runCase?case=x&agent=a", ws, "", http.StatusNotFound},
		{"GET", "/runCase?case=1", ws, "", http.StatusBadRequest},
		{"GET", "/case?id=nope&agent=a", ws, "", http.StatusNotFound},
		{"GET", "/case?id=server-drop&agent=a", nil, "", http.StatusUpgradeRequired},
		{"POST", "/case?id=server-drop&agent=a", ws, "", http.StatusUpgradeRequired},
		{"GET", "/updateReports?agent=a", nil, "", http.StatusUpgradeRequired},
		{"GET", "/updateReports", ws, "", http.StatusBadRequest},
		{"GET", "/report", nil, "", http.StatusMethodNotAllowed},
		{"POST", "/report?agent=a", nil, valid, http.StatusOK},
		{"POST", "/report", nil, valid, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, "{", http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, "garbage", http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, valid + valid, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, `{"cases":[{"id":"nope"}]}`, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, `{"cases":[{"id":"server-drop","events":[{"type":"boom"}]}]}`, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, `{"cases":[{"id":"server-drop","events":[{"type":"close"},{"type":"close"}]}]}`, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, `{"cases":[],"extra":1}`, http.StatusBadRequest},
		{"POST", "/report?agent=a", nil, `{"cases":"` + strings.Repeat("x", MaxReportSize) + `"}`, http.StatusBadRequest},
		{"GET", "/report.json?agent=a", nil, "", http.StatusOK},
		{"GET", "/report.json?agent=b", nil, "", http.StatusNotFound},
		{"GET", "/report.json", nil, "", http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.status)
		}
	}
}

// noRedirect is a client that shows redirects.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// rawCase opens the WebSocket of a client case by hand, so that the test
// can send what it likes.
func rawCase(t *testing.T, srv *httptest.Server, id, agent string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := wire.ClientHandshake(conn, "127.0.0.1", "/case?id="+id+"&agent="+agent)
	if err != nil {
		t.Fatal(err)
	}
	return c.NetConn()
}

// TestClientServerBadInput: clients that send garbage, a 2 GiB length, or
// never read fail their case within its time; the server keeps serving.
func TestClientServerBadInput(t *testing.T) {
	s := NewClientServer()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	huge := []byte{0x88, 0xff, 0, 0, 0, 0, 0x80, 0, 0, 0, 1, 2, 3, 4} // a masked Close of 2 GiB
	for _, tc := range []struct {
		agent string
		send  []byte
		want  string
	}{
		{"garbage", bytes.Repeat([]byte("GET / HTTP/1.1\r\n"), 20), "the client sent"},
		{"huge", huge, "no WebSocket frame"},
		{"unmasked", []byte{0x88, 0x02, 0x03, 0xe8}, "unmasked"},
		{"reserved-opcode", []byte{0x83, 0x80, 1, 2, 3, 4}, "reserved"},
		{"silent", nil, "sends no Close"},
	} {
		t.Run(tc.agent, func(t *testing.T) {
			t.Parallel()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			c := rawCase(t, srv, "server-close-code-1000", tc.agent)
			defer c.Close()
			c.Write(tc.send)
			// Never read: the server's frames wait in the socket.
			s.settle(context.Background(), tc.agent)
			if d := time.Since(start); d > clientCaseLimit {
				t.Errorf("the case took %v", d)
			}
			rp, ok := s.Report(tc.agent)
			if !ok || len(rp.Cases) != 1 {
				t.Fatalf("no result: %+v", rp)
			}
			r := rp.Cases[0]
			if r.Verdict != Fail || !strings.Contains(r.Got+r.Rule, tc.want) {
				t.Errorf("%s: %s (%s), want fail with %q", tc.agent, r.Got, r.Rule, tc.want)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
				t.Errorf("the heap grew by %d bytes", grew)
			}
		})
	}
}

// TestClientServerManyConns opens 500 case connections at once, then
// MaxConns+20: every one is played or refused with 503 before the
// upgrade, nothing hangs, and the server serves on.
func TestClientServerManyConns(t *testing.T) {
	s := NewClientServer()
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, n := range []int{500, MaxConns + 20} {
		var wg, answered sync.WaitGroup // every connection ends; every one has its status line
		var mu sync.Mutex
		statuses := map[int]int{}
		start := time.Now()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak uint64
		for i := range n {
			wg.Add(1)
			answered.Add(1)
			go func() {
				defer wg.Done()
				once := sync.OnceFunc(answered.Done)
				defer once()
				conn, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(clientCaseLimit))
				fmt.Fprintf(conn, "GET /case?id=server-close-code-1000&agent=many-%d HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", i%50)
				var status int
				fmt.Fscanf(conn, "HTTP/1.1 %d", &status)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
				once()
				if status == http.StatusSwitchingProtocols {
					io.Copy(io.Discard, conn) // until the server closes: it waits for a reply that never comes
				}
			}()
		}
		// Sample the heap once every connection is answered: the upgraded
		// ones are open, each waiting ReplyTimeout for a reply.
		answered.Wait()
		var mid runtime.MemStats
		runtime.ReadMemStats(&mid)
		peak = mid.HeapInuse
		wg.Wait()
		d := time.Since(start)
		t.Logf("%d connections: statuses %v in %v; heap in use %d MB while open", n, statuses, d.Round(10*time.Millisecond), peak>>20)
		if statuses[http.StatusSwitchingProtocols] != min(n, MaxConns) || statuses[http.StatusServiceUnavailable] != n-min(n, MaxConns) {
			t.Errorf("%d connections: statuses %v, want %d upgraded and the rest 503", n, statuses, min(n, MaxConns))
		}
		if d > clientCaseLimit {
			t.Errorf("%d connections took %v", n, d)
		}
		if peak > before.HeapInuse+256<<20 {
			t.Errorf("heap in use %d MB with %d connections", peak>>20, n)
		}
	}
	resp, err := http.Get(srv.URL + "/cases.json")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the server stopped serving: %v", err)
	}
	resp.Body.Close()
}

// TestClientServerAgents: agents run at once and get separate reports;
// a new agent beyond MaxAgents gets 503.
func TestClientServerAgents(t *testing.T) {
	s := NewClientServer()
	srv := httptest.NewServer(s)
	defer srv.Close()
	for i := range MaxAgents {
		if err := s.setEvents(fmt.Sprintf("agent-%d", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	body := `{"cases":[]}`
	resp, err := http.Post(srv.URL+"/report?agent=one-too-many", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("agent %d: %s, want 503", MaxAgents+1, resp.Status)
	}
	resp, err = http.Get(srv.URL + "/report.json")
	if err != nil {
		t.Fatal(err)
	}
	var all struct{ Agents []json.RawMessage }
	json.NewDecoder(resp.Body).Decode(&all)
	resp.Body.Close()
	if len(all.Agents) != MaxAgents {
		t.Errorf("/report.json lists %d agents, want %d", len(all.Agents), MaxAgents)
	}
}
