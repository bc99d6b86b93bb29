package wsclosetest

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsclose/wsclose"
)

// ClientReport is what a client library told its user when a connection
// ended: the close code and reason it reported, and the error it
// returned.
type ClientReport struct {
	// Code is the close code the library reported (its CloseError's code,
	// say); 0 when it reported none. A library that reports a failed
	// connection as 1006 or with no code is right either way.
	Code wsclose.Code
	// Reason is the close reason the library reported.
	Reason string
	// Err is the error the library returned, if any; it is shown with the
	// result, not judged.
	Err error
}

// ClientFunc runs one client case with the client under test: it connects
// to url (ws://127.0.0.1:…), and when c is not nil closes the connection
// with c.Code and c.Reason once it is open (c.Code
// [wsclose.StatusNoStatusReceived]: close with no status code). Then it
// reads until the connection ends, as the library's users do, answering
// whatever the library answers, and returns what the library reported.
// It must return once ctx is done.
type ClientFunc func(ctx context.Context, url string, c *ClientClose) ClientReport

// clientParallel is how many client cases run at once.
const clientParallel = 16

// ClientCases runs every client case with f against a [ClientServer] of
// its own on 127.0.0.1, several at a time, and returns the report: a
// Result for each case, in the order of the cases, graded on the wire and
// on what f returned. Report.Err joins the failures, as
// testing/fstest.TestFS does. The error is ctx's when it ended first.
func ClientCases(ctx context.Context, f ClientFunc) (*Report, error) {
	start := time.Now()
	s := NewClientServer()
	srv := httptest.NewServer(s)
	defer srv.Close()
	base := "ws" + strings.TrimPrefix(srv.URL, "http")
	const agent = "go"

	evs := make(map[string]*clientEvents, len(s.cases))
	var mu sync.Mutex
	sem := make(chan struct{}, clientParallel)
	var wg sync.WaitGroup
	for _, c := range s.cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cctx, cancel := context.WithTimeout(ctx, clientCaseLimit)
			defer cancel()
			var cl *ClientClose
			if c.play.close != nil {
				cc := *c.play.close
				cl = &cc
			}
			rep := f(cctx, base+"/case?id="+url.QueryEscape(c.ID)+"&agent="+agent, cl)
			ev := &clientEvents{Opened: true, Closed: true, Code: int(rep.Code), Reason: rep.Reason}
			if rep.Err != nil {
				ev.Err = rep.Err.Error()
			}
			if cctx.Err() != nil && ctx.Err() == nil {
				ev.Closed, ev.TimedOut = false, true
			}
			mu.Lock()
			evs[c.ID] = ev
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.settle(ctx, agent)
	if err := s.setEvents(agent, "", evs); err != nil {
		return nil, err
	}
	rp, _ := s.Report(agent)
	r := &Report{URL: base, Results: rp.Cases, Elapsed: time.Since(start)}
	r.tally()
	return r, nil
}

// TestClient runs every client case with f, in the manner of
// golang.org/x/net/nettest.TestConn: a subtest named by the case ID for
// each, failed for a fail verdict with what the standard asks, what the
// client did and the rule, and logged otherwise. A client library's own
// test adds:
//
//	func TestCloseConformance(t *testing.T) {
//		wsclosetest.TestClient(t, func(ctx context.Context, url string, c *wsclosetest.ClientClose) wsclosetest.ClientReport {
//			// dial url with the library, close with c when c != nil,
//			// read until the end, return the code, reason and error it reported
//		})
//	}
func TestClient(t *testing.T, f ClientFunc) {
	t.Helper()
	r, err := ClientCases(t.Context(), f)
	if err != nil {
		t.Fatalf("wsclosetest: %v", err)
	}
	r.subtests(t)
}
