package interop

// The client cases of package wsclosetest, run as users run them: the
// wsclose command's "serve" is built and started; headless Chromium opens
// its page, which runs every case with the browser's own WebSocket and
// posts the events; Node's built-in WebSocket (undici) runs the same cases
// through the Autobahn fuzzingserver URLs (testdata/autobahn.mjs); the Go
// peers run them through wsclosetest.ClientCases. The test reads each
// agent's /report.json, stops the server with SIGINT and reads its --json
// file, and asserts the generated tables of README.md: every case that is
// not a pass for some client, with what it did and the rule.

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"go/format"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/wsclosetest"
)

//go:embed testdata/autobahn.mjs
var autobahnJS string

// serveProc is a running "wsclose serve".
type serveProc struct {
	base string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	json string // the --json FILE
	out  chan string
}

// startServe builds the wsclose command and starts "wsclose serve" on a
// free port, with --json FILE; it returns once the command printed its URL.
func startServe(t *testing.T) *serveProc {
	dir := t.TempDir()
	bin := filepath.Join(dir, "wsclose")
	build := exec.Command("go", "build", "-o", bin, "github.com/wsclose/wsclose/cmd/wsclose")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	p := &serveProc{json: filepath.Join(dir, "report.json"), out: make(chan string, 1)}
	p.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--json", p.json)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	p.cmd.Stdout = &stdout
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	select {
	case line := <-lines:
		p.base = urlRE.FindString(line)
		if p.base == "" {
			t.Fatalf("wsclose serve printed %q, no URL", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wsclose serve printed no URL in 10 s")
	}
	go func() {
		for range lines {
		}
		p.cmd.Wait()
		p.out <- stdout.String()
	}()
	return p
}

// stop interrupts the server, as Ctrl-C does, and returns its exit status
// and what it wrote to --json FILE.
func (p *serveProc) stop(t *testing.T) (int, []byte) {
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.out:
	case <-time.After(wsclosetest.HoldTime + wsclosetest.ReplyTimeout + 10*time.Second):
		t.Fatal("wsclose serve did not stop after SIGINT")
	}
	b, err := os.ReadFile(p.json)
	if err != nil {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode(), b
}

// agentReport is what the tables need of a /report.json.
type agentReport struct {
	Agent                  string
	Cases                  []caseResult
	Pass, Fail, Warn, Info int
}

type caseResult struct {
	ID, Title, Rule, Want, Got string
	Verdict                    wsclosetest.Verdict
}

// getReport reads an agent's /report.json.
func getReport(t *testing.T, base, agent string) *agentReport {
	resp, err := http.Get(base + "/report.json?agent=" + url.QueryEscape(agent))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("/report.json?agent=%s: %s %s", agent, resp.Status, b)
	}
	var rp agentReport
	if err := json.NewDecoder(resp.Body).Decode(&rp); err != nil {
		t.Fatal(err)
	}
	return &rp
}

// screenshotFile is the picture of the page's results that README.md shows.
const screenshotFile = "testdata/serve-page.png"

// runPage opens the page of "wsclose serve" in headless Chromium, waits
// until it shows the results, and returns the agent name the page took,
// the browser's product and a PNG of the results.
func runPage(t *testing.T, base string) (agent, product string, png []byte) {
	ctx, product, fail := startChromium(t, base+"/")
	done, err := chromedp.Run(ctx, chromedp.Poll[string](`document.body.getAttribute("data-done")`, chromedp.WithPollingTimeout(engineLimit)))
	if err != nil {
		fail(err)
	}
	if done != "true" {
		msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("error").textContent`))
		t.Fatalf("the page ended with %q: %s", done, msg)
	}
	if agent, err = chromedp.Run(ctx, chromedp.Evaluate[string](`new URLSearchParams(location.search).get("agent")`)); err != nil {
		fail(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 760)); err != nil {
		fail(err)
	}
	if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
		fail(err)
	}
	return agent, product, png
}

// peerClient runs a client case with a peer library's client, as its
// users close and read: the library's close call when the case asks the
// client to close first, then reads until the library reports the end.
func peerClient(p peer) wsclosetest.ClientFunc {
	return func(ctx context.Context, u string, c *wsclosetest.ClientClose) wsclosetest.ClientReport {
		ep, err := p.dial(u, nil)
		if err != nil {
			return wsclosetest.ClientReport{Err: err}
		}
		defer ep.Close()
		var rep report
		switch s, ok := ep.(closeSender); {
		case c == nil:
			rep, err = ep.readClose()
		case ok:
			if err = s.sendClose(int(c.Code), c.Reason); err == nil {
				rep, err = ep.readClose()
			}
		default:
			err = ep.closeWith(int(c.Code), c.Reason)
		}
		return wsclosetest.ClientReport{Code: wsclose.Code(rep.Code), Reason: rep.Reason, Err: err}
	}
}

const (
	serveBegin = "<!-- client cases: generated by go test -run TestServe -update; do not edit -->"
	serveEnd   = "<!-- end of client cases -->"
)

// clientRun is one client's report.
type clientRun struct {
	name    string
	product string
	report  *agentReport
}

// TestServe runs the client cases in Chromium through the page, in Node
// through the Autobahn URLs and in the Go peers through the Go helper.
func TestServe(t *testing.T) {
	srv := startServe(t)
	resp, err := http.Get(srv.base + "/page.js")
	if err != nil {
		t.Fatal(err)
	}
	pageJS, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	n := len(getCases(t, srv.base))
	runs := make([]clientRun, 2+len(peers))
	var png []byte
	start := time.Now()
	t.Run("clients", func(t *testing.T) {
		t.Run("Chromium", func(t *testing.T) {
			t.Parallel()
			agent, product, shot := runPage(t, srv.base)
			png = shot
			runs[0] = clientRun{"Chromium", product, getReport(t, srv.base, agent)}
		})
		t.Run("Node", func(t *testing.T) {
			t.Parallel()
			var out struct{ Autobahn, Ran int }
			product := callNode(t, "", runner{autobahnJS, "runAutobahn"}, []any{srv.base, "Node", string(pageJS)}, &out)
			t.Logf("%s: %d cases through the Autobahn URLs, %d in all", product, out.Autobahn, out.Ran)
			runs[1] = clientRun{"Node (undici)", product, getReport(t, srv.base, "Node")}
		})
		for i, p := range peers {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				r, err := wsclosetest.ClientCases(t.Context(), peerClient(p))
				if err != nil {
					t.Fatal(err)
				}
				rp := &agentReport{Agent: p.name, Pass: r.Pass, Fail: r.Fail, Warn: r.Warn, Info: r.Info}
				for _, res := range r.Results {
					rp.Cases = append(rp.Cases, caseResult{res.ID, res.Title, res.Rule, res.Want, res.Got, res.Verdict})
				}
				runs[2+i] = clientRun{p.name, p.name + " " + p.version, rp}
			})
		}
	})
	t.Logf("%d cases against %d clients in %v", n, len(runs), time.Since(start).Round(100*time.Millisecond))
	for _, r := range runs {
		if r.report == nil {
			if os.Getenv("CI") != "" {
				t.Fatal("a client did not run; the tables are not checked")
			}
			t.Skip("a client did not run; the tables are not checked")
		}
		if len(r.report.Cases) != n {
			t.Errorf("%s: %d cases in the report, want %d", r.name, len(r.report.Cases), n)
		}
		t.Logf("%s (%s): %d pass, %d fail, %d warn, %d info", r.name, r.product, r.report.Pass, r.report.Fail, r.report.Warn, r.report.Info)
	}

	// The server's own record, written on SIGINT.
	exit, b := srv.stop(t)
	var file struct {
		Agents []*agentReport `json:"agents"`
		Exit   int            `json:"exit"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatalf("--json FILE: %v\n%s", err, b)
	}
	if len(file.Agents) != 2 || exit != file.Exit || (exit == 0) != (runs[0].report.Fail+runs[1].report.Fail == 0) {
		t.Errorf("--json FILE has %d agents and exit %d; the command exited %d", len(file.Agents), file.Exit, exit)
	}

	if len(png) > 300<<10 {
		t.Errorf("the screenshot is %d bytes, want under 300 KB", len(png))
	}
	if *update {
		if err := os.WriteFile(screenshotFile, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkGenerated(t, "README.md", serveBegin, serveEnd, clientTable(runs))
	checkDepartures(t, runs)
}

// departuresFile is the generated part of the case table that records the
// clients' departures.
const departuresFile = "../wsclosetest/clientdepartures.go"

// checkDepartures checks that wsclosetest's Case.Departures of the client
// cases are what was measured now, every case that is not a pass for a
// client; -update writes them.
func checkDepartures(t *testing.T, runs []clientRun) {
	var b strings.Builder
	b.WriteString(`// Code generated by interop's TestServe (cd interop && go test -run TestServe -update); DO NOT EDIT.

package wsclosetest

// clientDepartures are the measured departures of real clients, by case
// ID: what headless Chromium, Node's WebSocket (undici) and the Go peers
// do where it is not a pass, as interop's TestServe measures them through
// wsclose serve and ClientCases, and asserts.
var clientDepartures = map[string][]Departure{
`)
	for _, c := range runs[0].report.Cases {
		var deps []string
		for _, r := range runs {
			for _, rc := range r.report.Cases {
				if rc.ID == c.ID && rc.Verdict != wsclosetest.Pass {
					deps = append(deps, fmt.Sprintf("\t\t{Peer: %q, Verdict: %s, Saw: %q, Why: %q},\n",
						r.name, map[wsclosetest.Verdict]string{"fail": "Fail", "warn": "Warn", "info": "Info"}[rc.Verdict], coarse(rc.Got), coarse(rc.Rule)))
				}
			}
		}
		if len(deps) > 0 {
			fmt.Fprintf(&b, "\t%q: {\n%s\t},\n", c.ID, strings.Join(deps, ""))
		}
	}
	b.WriteString("}\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(departuresFile, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(departuresFile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(src), string(got)); diff != "" {
		t.Errorf("the clients' departures measured now are not wsclosetest's Case.Departures (%s); run with -update and explain the change (-measured +recorded):\n%s", departuresFile, diff)
	}
}

// getCases reads /cases.json.
func getCases(t *testing.T, base string) []json.RawMessage {
	resp, err := http.Get(base + "/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Cases []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	return list.Cases
}

var durationRE = regexp.MustCompile(`\b(\d+(?:\.\d+)?)(µs|ms|s)\b`)

// coarse replaces each duration in s with the range it falls in, so that
// the tables do not change with the machine's load: under 1 s (a client
// that did not wait), 1–2.5 s (Chromium's 2 s timer), or the hold. A
// client's TCP close counts as closed whether it came as a FIN or a reset:
// a client that closes with bytes still unread sends a reset, and whether
// the server's last frame was read yet is a race (lxzan/gws shows both from
// run to run). The reports keep the difference ("reset" in the JSON).
func coarse(s string) string {
	s = strings.ReplaceAll(s, "reset TCP after", "closed TCP after")
	return durationRE.ReplaceAllStringFunc(s, func(m string) string {
		d, err := time.ParseDuration(m)
		switch {
		case err != nil:
			return m
		case d < time.Second:
			return "under 1 s"
		case d < wsclosetest.HoldTime-500*time.Millisecond:
			return "1–2.5 s"
		}
		return fmt.Sprintf("%v", wsclosetest.HoldTime)
	})
}

// clientTable is the generated section of README.md: a verdict for each
// case that is not a pass for some client, then what each such client did
// and the rule.
func clientTable(runs []clientRun) string {
	var b strings.Builder
	b.WriteString("| case | RFC 6455 (wsclose.Handshake) |")
	for _, r := range runs {
		fmt.Fprintf(&b, " %s |", r.name)
	}
	b.WriteString("\n| --- | --- |" + strings.Repeat(" --- |", len(runs)) + "\n")
	byID := make([]map[string]caseResult, len(runs))
	for i, r := range runs {
		byID[i] = map[string]caseResult{}
		for _, c := range r.report.Cases {
			byID[i][c.ID] = c
		}
	}
	shown := 0
	for _, c := range runs[0].report.Cases {
		var cells []string
		all := true
		for i := range runs {
			v := byID[i][c.ID].Verdict
			all = all && v == wsclosetest.Pass
			cell := string(v)
			if v == wsclosetest.Fail {
				cell = "**fail**"
			}
			cells = append(cells, cell)
		}
		if all {
			continue
		}
		shown++
		fmt.Fprintf(&b, "| `%s` %s | %s | %s |\n", c.ID, strings.ReplaceAll(c.Title, "|", "\\|"), strings.ReplaceAll(coarse(c.Want), "|", "\\|"), strings.Join(cells, " | "))
	}
	fmt.Fprintf(&b, "\n%d cases; %d are a pass for every client and not shown.", len(runs[0].report.Cases), len(runs[0].report.Cases)-shown)
	for _, r := range runs {
		fmt.Fprintf(&b, " %s: %d pass, %d fail, %d warn, %d info.", r.name, r.report.Pass, r.report.Fail, r.report.Warn, r.report.Info)
	}
	b.WriteString("\n")
	for _, r := range runs {
		fmt.Fprintf(&b, "\n**%s**, each case that is not a pass: what it did; the rule.\n\n", r.name)
		var lines []string
		for _, c := range r.report.Cases {
			if c.Verdict == wsclosetest.Pass {
				continue
			}
			lines = append(lines, fmt.Sprintf("- `%s` %s: %s; %s.", c.ID, c.Verdict, coarse(c.Got), strings.TrimSuffix(coarse(c.Rule), ".")))
		}
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}
