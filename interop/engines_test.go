package interop

// The JavaScript engines of the browser tests and the raw server they
// connect to. An engine runs a runner module of testdata (closecalls.mjs,
// autobahn.mjs), or opens a page (TestServe): one headless Chromium, driven over the DevTools
// protocol, and Node's built-in WebSocket (undici), through node.mjs. Both
// are bounded in time. The server plays one item of the runner's input on
// each connection and records what it saw, by the item's id.

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/wsclose/wsclose/internal/wire"
)

// A runner is a JavaScript module of testdata that exercises an engine's
// WebSocket. It exports one async function, fn, which takes the
// WebSocket endpoint's URL and the test's input and resolves to the
// results, and puts it on globalThis too, so that a page can call it.
type runner struct {
	module string // the module's text
	fn     string
}

//go:embed testdata/node.mjs
var nodeMain string

// engineLimit bounds one engine's whole run: an engine that hangs fails
// the test in time.
const engineLimit = 3 * time.Minute

// engine is one JavaScript engine.
type engine struct {
	name string
	// call calls r's function with args in the engine, where pageURL is a
	// page that loads r, and decodes the value it resolves to into out.
	// It returns the engine's product and version.
	call func(t *testing.T, pageURL string, r runner, args []any, out any) string
}

var engines = []engine{
	{"Chromium", callChromium},
	{"Node (undici)", callNode},
}

// run serves a page that loads r and, at /ws, the WebSocket endpoint ws,
// on 127.0.0.1; it calls r's function in e with the endpoint's URL and
// input and decodes the results into out. It returns the engine's product
// and version.
func (e engine) run(t *testing.T, r runner, ws http.Handler, input, out any) string {
	mux := http.NewServeMux()
	mux.Handle("/ws", ws)
	mux.HandleFunc("/runner.mjs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, r.module)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `<!doctype html><title>wsclose</title><script type="module" src="/runner.mjs"></script>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return e.call(t, srv.URL+"/", r, []any{wsURL, input}, out)
}

// requireTool finds a program; without it the test is skipped, except in
// CI, where a missing browser or Node is a failure.
func requireTool(t *testing.T, what string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (looked for %s)", what, strings.Join(names, ", "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI must install it (.ci/run does)")
	}
	t.Skip(msg)
	return ""
}

// startChromium starts one headless Chromium ($CHROMIUM, or the first
// found on $PATH) with a fresh profile, opens pageURL and returns the
// browser's context, bounded by engineLimit, and its product and version.
// A Chromium that cannot be driven skips the test, except in CI, and so
// does fail, for the errors that come later.
func startChromium(t *testing.T, pageURL string) (ctx context.Context, product string, fail func(error)) {
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = requireTool(t, "Chromium", "chromium", "chromium-browser", "google-chrome")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	timer := time.AfterFunc(engineLimit, cancel)
	t.Cleanup(func() { timer.Stop() })

	fail = func(err error) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium (%s): %v", path, err)
		}
		t.Skipf("Chromium (%s) could not be driven: %v", path, err)
	}
	// The first Do starts the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
		fail(err)
	}
	version, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, browser.GetVersion, cdp.Empty{})
	if err != nil {
		fail(err)
	}
	return ctx, version.Product, fail
}

// callChromium opens pageURL in a new headless Chromium and calls r's
// function there, awaiting the promise it gives.
func callChromium(t *testing.T, pageURL string, r runner, args []any, out any) string {
	ctx, product, fail := startChromium(t, pageURL)
	expr := fmt.Sprintf("%s(...%s)", r.fn, mustJSON(t, args))
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		fail(err)
	}
	if err := json.Unmarshal(res, out); err != nil {
		fail(fmt.Errorf("%s gave %q: %v", r.fn, res, err))
	}
	return product
}

// callNode runs r in Node through node.mjs, with args as JSON on stdin.
// WebSocket is a global from Node 22 on; before, it needs
// --experimental-websocket.
func callNode(t *testing.T, _ string, r runner, args []any, out any) string {
	node := requireTool(t, "Node.js", "node")
	v, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(string(v))
	var flags []string
	if major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0]); major < 22 {
		flags = append(flags, "--experimental-websocket")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"runner.mjs": r.module, "node.mjs": nodeMain} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append(flags, filepath.Join(dir, "node.mjs"), r.fn)...)
	cmd.Stdin = strings.NewReader(mustJSON(t, args))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", version, err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("node %s printed %q: %v", version, b, err)
	}
	return "Node.js " + version
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serveByID is the WebSocket endpoint of the browser tests: each
// connection's query names the item of the runner's input it is for
// (?id=N, 0 ≤ N < n). It does the server's half of the opening handshake,
// runs play on the connection and closes it when play returns.
func serveByID(n int, play func(id int, rc *wire.Conn)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.URL.Query().Get("id"))
		if err != nil || id < 0 || id >= n {
			http.Error(w, "no such id", http.StatusBadRequest)
			return
		}
		rc, err := upgradeHTTP(w, r)
		if err != nil {
			return
		}
		defer rc.Close()
		play(id, rc)
	})
}

// records holds what the server saw on each connection, by id. It is safe
// for concurrent use.
type records[R any] struct {
	mu sync.Mutex
	m  map[int]R
}

func (rs *records[R]) set(id int, r R) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.m == nil {
		rs.m = map[int]R{}
	}
	rs.m[id] = r
}

func (rs *records[R]) get(id int) (R, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.m[id]
	return r, ok
}

// byID indexes a runner's results by the id each carries.
func byID[R any](results []R, id func(R) int) map[int]R {
	m := make(map[int]R, len(results))
	for _, r := range results {
		m[id(r)] = r
	}
	return m
}
