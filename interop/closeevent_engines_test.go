package interop

// Drivers that run a JavaScript module in an engine and return what it
// computed: one headless Chromium, driven over the DevTools protocol, and
// Node, which reads its input on stdin. Both are bounded in time.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// engineLimit bounds one engine's whole run.
const engineLimit = 2 * time.Minute

// runChromium starts one headless Chromium, opens pageURL and evaluates
// expr there, awaiting the promise it gives. It returns the value and the
// browser's product name. A Chromium that cannot be driven skips the test,
// except in CI.
func runChromium[T any](t *testing.T, pageURL, expr string) (T, string) {
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
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	timer := time.AfterFunc(engineLimit, cancel)
	defer timer.Stop()

	fail := func(err error) {
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
	out, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		fail(err)
	}
	return out, version.Product
}

// runNode runs the module script in Node with input as JSON on stdin and
// decodes what it prints into out. It returns Node's version.
func runNode(t *testing.T, script string, input, out any) string {
	node := requireTool(t, "Node.js", "node")
	v, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	version := strings.TrimSpace(string(v))
	var args []string
	if major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0]); major < 22 {
		args = append(args, "--experimental-websocket") // WebSocket is a global from Node 22 on
	}
	file := filepath.Join(t.TempDir(), "runner.mjs")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append(args, file)...)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", version, err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("node %s printed %q: %v", version, b, err)
	}
	return fmt.Sprintf("Node.js %s", version)
}
