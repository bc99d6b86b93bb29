package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsclose/wsclose/internal/wire"
)

// syncBuffer is a writer the serving goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe serves, runs one case as an agent, stops as Ctrl-C does and
// reads the reports: printed, and written to --json FILE.
func TestServe(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.json")
	ctx, stop := context.WithCancel(context.Background())
	var live syncBuffer
	type ret struct {
		res result
		err error
	}
	done := make(chan ret, 1)
	go func() {
		res, err := serveUntil(ctx, "127.0.0.1:0", file, &live)
		done <- ret{res, err}
	}()
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		base = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(live.String())
	}
	if base == "" {
		t.Fatalf("serve printed %q, no URL", live.String())
	}
	// A client that answers the server's Close with nothing and closes TCP.
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	c, err := wire.Dial(dctx, "ws"+strings.TrimPrefix(base, "http")+"/case?id=server-close-code-1000&agent=test")
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	c.ReadFrame()
	c.Close()
	resp, err := http.Get(base + "/report.json?agent=test")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"verdict": "fail"`) {
		t.Errorf("/report.json: %s %s", resp.Status, b)
	}

	stop()
	r := <-done
	if r.err == nil || asFailure(r.err).exit != exitRule {
		t.Errorf("serve returned %v, want a failure: the agent failed a case", r.err)
	}
	sr := r.res.(*serveResult)
	if len(sr.Agents) != 1 || sr.Agents[0].Fail != 1 {
		t.Errorf("result: %+v", sr.Agents)
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		URL    string
		Agents []struct {
			Agent string
			Fail  int
		}
		Exit int
	}
	if err := json.Unmarshal(written, &got); err != nil {
		t.Fatalf("--json FILE: %v\n%s", err, written)
	}
	if got.URL != base+"/" || len(got.Agents) != 1 || got.Agents[0].Agent != "test" || got.Agents[0].Fail != 1 || got.Exit != exitRule {
		t.Errorf("--json FILE: %s", written)
	}
}

// TestServeBadAddr: an address that cannot be listened on is an error at
// once.
func TestServeBadAddr(t *testing.T) {
	_, err := serveUntil(context.Background(), "256.0.0.1:1", "", io.Discard)
	if err == nil || asFailure(err).exit != exitUnreadable {
		t.Errorf("serve on a bad address: %v", err)
	}
}
