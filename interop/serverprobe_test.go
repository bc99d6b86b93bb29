package interop

// wsclosetest.Run against each peer's echo server, written as that
// library's own Autobahn server is, and against Node's ws package: the
// table in README.md ("The close conformance of the peers' servers") is
// generated from these runs and asserted, and each peer's answer to a
// single Close body is checked against the deviation table's measurement
// of the same body.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/google/go-cmp/cmp"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"

	"github.com/wsclose/wsclose/internal/wire"
	"github.com/wsclose/wsclose/wsclosetest"
)

// nodeWSVersion is the version of Node's ws package the tests install.
const nodeWSVersion = "8.23.1"

// echoServers are the peers' echo servers, by peer name.
var echoServers = map[string]http.HandlerFunc{
	// gorilla's examples/autobahn server: buffers of 4096, compression
	// offered, every origin; ReadMessage and WriteMessage, a text message
	// that is not UTF-8 answered with 1007.
	"gorilla/websocket": func(w http.ResponseWriter, r *http.Request) {
		up := gorilla.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, EnableCompression: true,
			CheckOrigin: func(*http.Request) bool { return true }}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			if mt == gorilla.TextMessage && !utf8.Valid(b) {
				c.WriteControl(gorilla.CloseMessage, gorilla.FormatCloseMessage(gorilla.CloseInvalidFramePayloadData, ""), time.Time{})
				return
			}
			if c.WriteMessage(mt, b) != nil {
				return
			}
		}
	},
	// coder's echo loop (its tests' wstest.EchoLoop): a reader and a
	// writer per message, closed with 1011 when the loop ends on an error.
	"coder/websocket": func(w http.ResponseWriter, r *http.Request) {
		c, err := coder.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close(coder.StatusInternalError, "")
		c.SetReadLimit(1 << 30)
		for {
			typ, rd, err := c.Reader(r.Context())
			if err != nil {
				return
			}
			wr, err := c.Writer(r.Context(), typ)
			if err != nil {
				return
			}
			if _, err := io.Copy(wr, rd); err != nil {
				return
			}
			if wr.Close() != nil {
				return
			}
		}
	},
	// gobwas's example/autobahn /wsutil handler: a wsutil.Reader that
	// checks UTF-8, control frames through wsutil.ControlFrameHandler, a
	// wsutil.Writer per message.
	"gobwas/ws": func(w http.ResponseWriter, r *http.Request) {
		conn, _, _, err := ws.UpgradeHTTP(r, w)
		if err != nil {
			return
		}
		defer conn.Close()
		state := ws.StateServerSide
		ch := wsutil.ControlFrameHandler(conn, state)
		rd := &wsutil.Reader{Source: conn, State: state, CheckUTF8: true, OnIntermediate: ch}
		wr := wsutil.NewWriter(conn, state, 0)
		for {
			h, err := rd.NextFrame()
			if err != nil {
				return
			}
			if h.OpCode.IsControl() {
				if ch(h, rd) != nil {
					return
				}
				continue
			}
			wr.Reset(conn, state, h.OpCode)
			if _, err := io.Copy(wr, rd); err != nil {
				return
			}
			if wr.Flush() != nil {
				return
			}
		}
	},
	// gws's examples/autobahn server: UTF-8 checked, panics recovered,
	// each message written back from OnMessage, Pings answered.
	"lxzan/gws": func(w http.ResponseWriter, r *http.Request) {
		c, err := gwsEchoUpgrader.Upgrade(w, r)
		if err != nil {
			return
		}
		c.ReadLoop()
	},
}

var gwsEchoUpgrader = gws.NewUpgrader(gwsEcho{}, &gws.ServerOption{CheckUtf8Enabled: true, Recovery: gws.Recovery})

type gwsEcho struct{ gws.BuiltinEventHandler }

func (gwsEcho) OnPing(c *gws.Conn, payload []byte) { _ = c.WritePong(payload) }

func (gwsEcho) OnMessage(c *gws.Conn, m *gws.Message) {
	_ = c.WriteMessage(m.Opcode, m.Bytes())
	_ = m.Close()
}

// startNodeWS runs testdata/wsecho.mjs with Node's ws package, installing
// the package with npm into the user's cache folder the first time, and
// returns the server's URL.
func startNodeWS(t *testing.T) string {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "wsclose-interop", "ws-"+nodeWSVersion)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ws", "package.json")); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save",
			"ws@"+nodeWSVersion).CombinedOutput()
		if err != nil {
			t.Fatalf("npm install ws@%s: %v\n%s", nodeWSVersion, err, out)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", "testdata/wsecho.mjs")
	cmd.Env = append(os.Environ(), "WS_DIR="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-line:
		if !strings.HasPrefix(url, "ws://") {
			t.Fatalf("testdata/wsecho.mjs printed %q, want its URL", url)
		}
		return url
	case <-time.After(30 * time.Second): // Node starts in well under a second; this bounds a hung start
		t.Fatal("testdata/wsecho.mjs did not print its URL within 30 s")
	}
	return ""
}

// probed is one peer's report.
type probed struct {
	name   string
	report *wsclosetest.Report
}

// probeServers runs every case against each Go peer's echo server and
// Node's ws.
func probeServers(t *testing.T) []probed {
	var out []probed
	run := func(name, url string) {
		r, err := wsclosetest.Run(context.Background(), url, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, probed{name, r})
	}
	for _, p := range peers {
		srv := httptest.NewServer(echoServers[p.name])
		t.Cleanup(srv.Close)
		run(p.name+" "+p.version, "ws"+strings.TrimPrefix(srv.URL, "http")+"/")
	}
	run("Node ws "+nodeWSVersion, startNodeWS(t))
	return out
}

// answer is a peer's answer to the probe's first Close as the deviation
// table writes it: "close 1002", "close (empty)", "drop", "no reply".
func answer(r *wsclosetest.Result) string {
	switch {
	case r.PeerClosed && len(r.PeerCloseBody) == 0:
		return "close (empty)"
	case r.PeerClosed && len(r.PeerCloseBody) == 1:
		return "close (1 byte)"
	case r.PeerClosed:
		return "close " + strconv.Itoa(int(r.PeerCloseBody[0])<<8|int(r.PeerCloseBody[1]))
	case r.TCP.By == "peer":
		return "drop"
	}
	return "no reply"
}

// cell is a table cell: the answer, marked by the verdict. Autobahn's
// 7.1.6 is informational by design, what comes back depending on timing,
// so its cell is the verdict alone.
func cell(r *wsclosetest.Result) string {
	if r.ID == "7.1.6" && r.Verdict == wsclosetest.Info {
		return "info"
	}
	a := answer(r)
	if r.ID == "tcp-close" || r.ID == "tcp-close-failure" {
		if r.TCP.By == "peer" {
			a += ", TCP closed"
		} else {
			a += ", TCP left open"
		}
	}
	switch r.Verdict {
	case wsclosetest.Fail:
		return "**✗ " + a + "**"
	case wsclosetest.Warn:
		return "warn: " + a
	case wsclosetest.Info:
		return "info: " + a
	}
	return a
}

const (
	probeTableBegin = "<!-- server conformance: generated by go test -run TestServerConformance -update; do not edit -->"
	probeTableEnd   = "<!-- end of server conformance -->"
)

// TestServerConformance runs wsclosetest against the five servers, writes
// the table and the list of fails into README.md, and checks that each
// peer's answer to a single Close body agrees with the deviation table's
// measurement of that body.
func TestServerConformance(t *testing.T) {
	runs := probeServers(t)
	// The cases Run runs, in its order: those of a server.
	serverCases := slices.DeleteFunc(wsclosetest.Cases(), func(c wsclosetest.Case) bool { return c.Tests != wsclosetest.Server })
	var table strings.Builder
	table.WriteString("| case | " + joinNames(runs) + " |\n|" + strings.Repeat(" --- |", len(runs)+1) + "\n")
	for i, c := range serverCases {
		fmt.Fprintf(&table, "| %s %s |", c.ID, c.Title)
		for _, p := range runs {
			fmt.Fprintf(&table, " %s |", cell(&p.report.Results[i]))
		}
		table.WriteString("\n")
	}
	fmt.Fprintf(&table, "\n%d cases. A cell is the server's answer to the probe's first Close (`drop`: TCP closed with no Close), "+
		"**✗** marking a `fail`; `warn` is a SHOULD not followed, `info` what the standards leave open.\n\n", len(serverCases))
	for _, p := range runs {
		fmt.Fprintf(&table, "- %s: %d pass, %d fail, %d warn, %d info.\n", p.name, p.report.Pass, p.report.Fail, p.report.Warn, p.report.Info)
		t.Logf("%s: %d cases in %v", p.name, len(p.report.Results), p.report.Elapsed.Round(time.Millisecond))
	}
	table.WriteString("\nEvery fail, with the rule it breaks:\n\n")
	for _, p := range runs {
		for _, r := range p.report.Results {
			if r.Verdict == wsclosetest.Fail {
				fmt.Fprintf(&table, "- %s, %s (%s): %s; wanted %s. Rule: %s.\n", p.name, r.ID, r.Title, answer(&r), r.Want, r.Rule)
			}
		}
	}
	checkGenerated(t, "README.md", probeTableBegin, probeTableEnd, table.String())

	// What was measured is what the case table records: every fail and
	// warn of a peer is one of the case's Departures, and every Departure
	// was measured.
	type dep struct{ id, peer, verdict, saw string }
	var measured, recorded []dep
	for i, c := range serverCases {
		for _, p := range runs {
			if r := &p.report.Results[i]; r.Verdict == wsclosetest.Fail || r.Verdict == wsclosetest.Warn {
				measured = append(measured, dep{c.ID, p.name, string(r.Verdict), strings.Trim(strings.TrimPrefix(cell(r), "warn: "), "*✗ ")})
			}
		}
		for _, d := range c.Departures {
			recorded = append(recorded, dep{c.ID, d.Peer, string(d.Verdict), d.Saw})
		}
	}
	less := func(a, b dep) int { return strings.Compare(a.id+a.peer, b.id+b.peer) }
	slices.SortFunc(measured, less)
	slices.SortFunc(recorded, less)
	if diff := cmp.Diff(recorded, measured, cmp.AllowUnexported(dep{})); diff != "" {
		t.Errorf("the peers' departures measured now are not wsclosetest's Case.Departures (wsclosetest/departures.go) (-recorded +measured):\n%s", diff)
	}

	// The deviation table sent the same bodies to the same libraries:
	// their answers must be the same.
	bodies := deviationCases(t)
	specs := serverCases
	for pi, p := range peers {
		ps := startPeerServer(t, p)
		for i, r := range runs[pi].report.Results {
			body, ok := singleClose(r.Sent, r.SentLen)
			if !ok || !slices.ContainsFunc(bodies, func(d deviationCase) bool { return string(d.body) == string(body) }) {
				continue
			}
			if want := observe(t, ps, body).wire; answer(&r) != want {
				t.Errorf("%s, case %s (%s): the probe saw %q, the deviation table's measurement of %x %q",
					p.name, r.ID, specs[i].Title, answer(&r), body, want)
			}
		}
	}
}

// singleClose returns the body of sent when it is one well-formed, masked
// Close frame and nothing else.
func singleClose(sent []byte, n int) ([]byte, bool) {
	if len(sent) != n {
		return nil, false
	}
	f, err := wire.ReadFrame(strings.NewReader(string(sent)), wire.MaxControlPayload+1)
	if err != nil || len(f.Raw) != n || f.Opcode != wire.OpClose || f.Check() != nil || f.CheckMask(true) != nil {
		return nil, false
	}
	return f.Payload, true
}

func joinNames(runs []probed) string {
	var names []string
	for _, p := range runs {
		names = append(names, p.name)
	}
	return strings.Join(names, " | ")
}
