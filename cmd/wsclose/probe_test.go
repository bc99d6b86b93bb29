package main

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wsclose/wsclose/internal/echo"
	"github.com/wsclose/wsclose/wsclosetest"
)

// TestProbe runs probe against in-process servers: a conforming one, one
// that refuses 1014, and URLs where no case can run.
func TestProbe(t *testing.T) {
	good := echo.Start(t, echo.Conforming)
	bad := echo.Start(t, echo.Refuse1014)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "ws://" + ln.Addr().String() + "/"
	ln.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	noUpgrade := "ws" + strings.TrimPrefix(plain.URL, "http") + "/"

	tests := []struct {
		name   string
		args   []string
		exit   int
		stdout []string // substrings of stdout
		stderr string   // substring of stderr
	}{
		{"conforming", []string{"probe", good}, exitOK, []string{"PASS  7.1.1 ", "INFO  7.1.6 ", "65 cases against " + good + ": 62 pass, 0 fail, 0 warn, 3 info"}, ""},
		{"only", []string{"probe", "--only", "7.7.1, code-1014", good}, exitOK, []string{"PASS  7.7.1 ", "2 cases against"}, ""},
		{"a case fails", []string{"probe", "--only=7.7.1,code-1014", bad}, exitRule,
			[]string{"FAIL  code-1014", "a Close with 1014 or 1000", "880203ea", "1 fail"}, "wsclose probe: 1 of 2 cases fail"},
		{"unreachable", []string{"probe", down}, exitDown, nil, "wsclose probe: server unreachable: dial tcp"},
		{"no upgrade", []string{"probe", "--timeout", "1s", noUpgrade}, exitDown, nil, "no WebSocket upgrade: HTTP/1.1 200 OK"},
		{"unknown case", []string{"probe", "--only", "7.1.1,7.2.1", good}, exitUnreadable, nil, `unknown case ID: "7.2.1"`},
		{"bad timeout", []string{"probe", "--timeout", "0s", good}, exitUnreadable, nil, "--timeout must be positive"},
		{"bad URL", []string{"probe", "http//x"}, exitUnreadable, nil, "URL scheme"},
		{"no URL", []string{"probe"}, exitUnreadable, nil, "missing arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs("", tt.args...)
			if got.Exit != tt.exit || !strings.Contains(got.Stderr, tt.stderr) || (tt.stderr == "") != (got.Stderr == "") {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr with %q", got.Exit, got.Stderr, tt.exit, tt.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(got.Stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, got.Stdout)
				}
			}
			// The same as one JSON object, "exit" and "error" included.
			js := runArgs("", append(tt.args, "--json")...)
			var obj map[string]any
			if err := json.Unmarshal([]byte(js.Stdout), &obj); err != nil || js.Exit != tt.exit || obj["exit"] != float64(tt.exit) {
				t.Fatalf("--json: exit %d, %v, stdout %q", js.Exit, err, js.Stdout)
			}
			if hasErr := obj["error"] != nil; hasErr != (tt.exit != exitOK) {
				t.Errorf("--json: error %v with exit %d", obj["error"], tt.exit)
			}
			if want := append(slices.Clone(cmdProbe.fields), "error", "offset", "exit"); !slices.Equal(keys(js.Stdout), want) {
				t.Errorf("--json: fields %q, want %q", keys(js.Stdout), want)
			}
			if cs, ok := obj["cases"].([]any); ok {
				c := cs[0].(map[string]any)
				for _, k := range []string{"id", "title", "verdict", "rule", "want", "got", "sent", "received", "tcp"} {
					if _, ok := c[k]; !ok {
						t.Errorf("--json: a case has no %q: %v", k, c)
					}
				}
				if int(obj["pass"].(float64)+obj["fail"].(float64)+obj["warn"].(float64)+obj["info"].(float64)) != len(cs) {
					t.Errorf("--json: counts do not add up: %v", obj)
				}
			}
		})
	}
}

// TestProbeJUnit checks the JUnit file: one test case per case, named by
// its ID, a failure for each fail; and a file that cannot be written.
func TestProbeJUnit(t *testing.T) {
	bad := echo.Start(t, echo.Refuse1014)
	path := filepath.Join(t.TempDir(), "probe.xml")
	if got := runArgs("", "probe", "--junit", path, bad); got.Exit != exitRule {
		t.Fatalf("exit %d, stderr %q", got.Exit, got.Stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatal(err)
	}
	server := slices.DeleteFunc(wsclosetest.Cases(), func(c wsclosetest.Case) bool { return c.Tests != wsclosetest.Server })
	if n := len(suites.Suite.Cases); n != len(server) || suites.Failures != 1 || suites.Suite.Failures != 1 {
		t.Errorf("%d test cases, %d failures; want %d and 1", n, suites.Failures, len(server))
	}
	for i, c := range suites.Suite.Cases {
		id := server[i].ID
		if !strings.HasPrefix(c.Name, id+" ") || (c.Failure != nil) != (id == "code-1014") {
			t.Errorf("test case %q, failure %v", c.Name, c.Failure)
		}
	}
	if got := runArgs("", "probe", "--only", "7.1.1", "--junit", filepath.Join(path, "x"), bad); got.Exit != exitWrite {
		t.Errorf("an unwritable JUnit file: exit %d, want %d", got.Exit, exitWrite)
	}
}

// TestREADMEProbe writes, with -update, the excerpt of probe's output
// that README.md shows under "Test your server", from a run against a
// server that refuses 1014; without it, it checks that the README shows
// what the program prints. Times and the server's port are the run's own,
// so they are compared as placeholders.
func TestREADMEProbe(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- probe output: written by TestREADMEProbe -update -->\n```text\n", "```\n"
	before, rest, ok := strings.Cut(string(readme), begin)
	if !ok {
		t.Fatalf("README.md has no %q", begin)
	}
	shown, after, ok := strings.Cut(rest, end)
	if !ok {
		t.Fatal("README.md: the probe output block does not end")
	}
	url := echo.Start(t, echo.Refuse1014)
	got := runArgs("", "probe", "--only", "7.1.1,7.3.2,7.7.1,7.9.4,code-1014,reason-cut,empty-close,tcp-close", url)
	out := strings.ReplaceAll(got.Stdout+got.Stderr, url, "ws://127.0.0.1:9001/")
	out = "$ wsclose probe --only 7.1.1,7.3.2,7.7.1,7.9.4,code-1014,reason-cut,empty-close,tcp-close ws://127.0.0.1:9001/\n" + out
	if *update {
		if err := os.WriteFile(path, []byte(before+begin+out+end+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	times := regexp.MustCompile(`[0-9.]+ ms`)
	if times.ReplaceAllString(shown, "N ms") != times.ReplaceAllString(out, "N ms") {
		t.Errorf("README.md's probe output is not what the program prints; run go test -run TestREADMEProbe -update:\n%s", out)
	}
}
