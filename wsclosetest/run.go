package wsclosetest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wsclose/wsclose/internal/wire"
)

// Errors for which Run runs no case. A URL that cannot be reached or does
// not upgrade is told apart from a server that breaks a rule, so that CI
// can tell a broken server from a down one.
var (
	// ErrUnreachable reports that no TCP (or TLS) connection to the URL
	// could be opened.
	ErrUnreachable = wire.ErrUnreachable
	// ErrNoUpgrade reports a server that answered the opening handshake
	// (RFC 6455 §4.1) with something other than a WebSocket upgrade, or
	// did not answer it in time.
	ErrNoUpgrade = wire.ErrNoUpgrade
	// ErrUnknownCase reports a case ID in Options.Only that no case has.
	ErrUnknownCase = errors.New("wsclosetest: unknown case ID")
)

// Defaults of Options.
const (
	DefaultTimeout  = 2 * time.Second
	DefaultParallel = 8
)

// Options tune Run. The zero Options run every case, DefaultParallel at
// once, each within DefaultTimeout.
type Options struct {
	// Only lists the IDs of the cases to run; empty runs them all.
	Only []string
	// Timeout bounds each case: the opening handshake, the exchange,
	// and the wait for the server to close TCP.
	Timeout time.Duration
	// Parallel is the number of cases run at once, each on its own
	// connection.
	Parallel int
}

// Result is the outcome of one case. As JSON (MarshalJSON) it is the
// object the wsclose command prints for a case.
type Result struct {
	ID      string
	Title   string
	Verdict Verdict
	Rule    string // the rule that decides the verdict
	Want    string // what a conforming peer does
	Got     string // what the peer did, in words
	// Sent and Received are the bytes the probe wrote and read after the
	// opening handshake, the first MaxBytes of each; SentLen and
	// ReceivedLen count them all.
	Sent        []byte
	SentLen     int
	Received    []byte
	ReceivedLen int
	// PeerClosed reports whether the peer sent a Close frame, and
	// PeerCloseBody is the body of its first.
	PeerClosed    bool
	PeerCloseBody []byte
	TCP           TCPClose
	Elapsed       time.Duration
}

// MaxBytes is how many of the bytes sent and received a Result keeps.
const MaxBytes = 512

// closeGrace is how long the probe reads on after the server's Close in
// a case that does not judge when the server closes TCP: long enough to
// see a frame the server sends after its Close, short enough that a
// server which keeps TCP open costs the suite little. The TCP cases wait
// for the case's whole deadline.
const closeGrace = 250 * time.Millisecond

// TCPClose is who closed TCP and when.
type TCPClose struct {
	// By is "peer" (the server closed TCP) or "probe" (the probe closed
	// it, at the case's deadline or after a frame it could not read).
	By string
	// After is the time from the peer's Close frame (or, when it sent
	// none, from the probe's first frame) to TCP closed.
	After time.Duration
	Reset bool // the peer reset TCP rather than closing it
}

// MarshalJSON writes r as one JSON object: "id", "title", "verdict",
// "rule", "want", "got", "sent" and "received" (hex, the first MaxBytes),
// "sent_len", "received_len", "peer_close" (the body of the peer's Close
// in hex, null when it sent none), "tcp" {"by", "after_ms", "reset"} and
// "elapsed_ms".
func (r Result) MarshalJSON() ([]byte, error) {
	type tcp struct {
		By      string  `json:"by"`
		AfterMS float64 `json:"after_ms"`
		Reset   bool    `json:"reset"`
	}
	var peerClose *string
	if r.PeerClosed {
		h := hex.EncodeToString(r.PeerCloseBody)
		peerClose = &h
	}
	return json.Marshal(struct {
		ID          string  `json:"id"`
		Title       string  `json:"title"`
		Verdict     Verdict `json:"verdict"`
		Rule        string  `json:"rule"`
		Want        string  `json:"want"`
		Got         string  `json:"got"`
		Sent        string  `json:"sent"`
		SentLen     int     `json:"sent_len"`
		Received    string  `json:"received"`
		ReceivedLen int     `json:"received_len"`
		PeerClose   *string `json:"peer_close"`
		TCP         tcp     `json:"tcp"`
		ElapsedMS   float64 `json:"elapsed_ms"`
	}{r.ID, r.Title, r.Verdict, r.Rule, r.Want, r.Got, hex.EncodeToString(r.Sent), r.SentLen,
		hex.EncodeToString(r.Received), r.ReceivedLen, peerClose, tcp{r.TCP.By, millis(r.TCP.After), r.TCP.Reset}, millis(r.Elapsed)})
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Report is the outcome of Run: the results in the order of Cases, and
// how many have each verdict.
type Report struct {
	URL     string
	Results []Result
	Pass    int
	Fail    int
	Warn    int
	Info    int
	Elapsed time.Duration
}

// Err returns nil when no case failed, else one error per failed case,
// joined (errors.Join), each naming the case, what was wanted, what was
// seen and the rule, as testing/fstest.TestFS reports every problem.
func (r *Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Verdict == Fail {
			errs = append(errs, fmt.Errorf("%s %s:\n\twant: %s\n\tgot:  %s\n\trule: %s", res.ID, res.Title, res.Want, res.Got, res.Rule))
		}
	}
	return errors.Join(errs...)
}

// tally counts the verdicts of r.Results.
func (r *Report) tally() {
	r.Pass, r.Fail, r.Warn, r.Info = 0, 0, 0, 0
	for _, res := range r.Results {
		switch res.Verdict {
		case Pass:
			r.Pass++
		case Fail:
			r.Fail++
		case Warn:
			r.Warn++
		case Info:
			r.Info++
		}
	}
}

// Run runs the cases against the WebSocket server at url (ws:// or
// wss://), an echo server as Autobahn TestSuite's fuzzingclient expects,
// and returns their results in the order of Cases. It returns an error and
// no report when no case can run: a bad URL or Options, or a first
// connection that fails with ErrUnreachable or ErrNoUpgrade. Cases run
// concurrently, each on its own connection within its own deadline; a
// case whose server resets TCP before its Close is seen runs again (a
// reset can discard the bytes before it), up to three times.
func Run(ctx context.Context, url string, o *Options) (*Report, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Parallel <= 0 {
		opt.Parallel = DefaultParallel
	}
	specs, err := selectCases(opt.Only)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	c, err := wire.Dial(dctx, url)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("wsclosetest: %w", err)
	}
	c.Close()

	r := &Report{URL: url, Results: make([]Result, len(specs))}
	sem := make(chan struct{}, opt.Parallel)
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r.Results[i] = runCase(ctx, url, &specs[i], opt.Timeout)
		}()
	}
	wg.Wait()
	r.tally()
	r.Elapsed = time.Since(start)
	return r, nil
}

// selectCases returns the cases named by only, in table order; all of
// them when only is empty.
func selectCases(only []string) ([]spec, error) {
	server := slices.DeleteFunc(slices.Clone(cases), func(s spec) bool { return s.Tests != Server })
	if len(only) == 0 {
		return server, nil
	}
	var out []spec
	for _, id := range only {
		if !slices.ContainsFunc(server, func(s spec) bool { return s.ID == id }) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownCase, id)
		}
	}
	for _, s := range server {
		if slices.Contains(only, s.ID) {
			out = append(out, s)
		}
	}
	return out, nil
}

// resetTries is how many times a case is run while the server resets TCP
// before the probe sees its Close (see exchange).
const resetTries = 3

// runCase runs one case on a connection of its own. A server that closes
// TCP with frames of the probe unread resets it, and the reset may discard
// the server's Close before the probe reads it: such a case is run again,
// up to resetTries times in all, within its deadline.
func runCase(ctx context.Context, url string, s *spec, timeout time.Duration) Result {
	start := time.Now()
	res := Result{ID: s.ID, Title: s.Title, Rule: s.Rule, Want: s.Expects}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var o *observation
	for try := 1; ; try++ {
		var err error
		if o, err = exchange(ctx, url, s); err != nil {
			res.Verdict, res.Got = Fail, "no connection: "+err.Error()
			res.Elapsed = time.Since(start)
			return res
		}
		if try == resetTries || o.end != endReset || o.closeIndex() >= 0 || ctx.Err() != nil {
			break
		}
	}
	out := grade(s, o)
	res.Verdict, res.Want, res.Got, res.Rule = out.verdict, out.want, out.got, out.rule
	res.SentLen, res.Sent = len(o.sent), clip(o.sent)
	for _, f := range o.frames {
		res.ReceivedLen += len(f.Raw)
		if len(res.Received) < MaxBytes {
			res.Received = append(res.Received, f.Raw...)
		}
	}
	res.Received = clip(res.Received)
	if ci := o.closeIndex(); ci >= 0 {
		res.PeerClosed, res.PeerCloseBody = true, o.frames[ci].Payload
	}
	res.TCP = tcpClose(o)
	res.Elapsed = time.Since(start)
	return res
}

// exchange connects, sends the case's frames and observes the server until
// it closes TCP or ctx's deadline passes.
func exchange(ctx context.Context, url string, s *spec) (*observation, error) {
	c, err := wire.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	c.MaxPayload = maxPayload

	o := new(observation)
	for _, x := range s.send {
		o.sent, _ = wire.AppendFrame(o.sent, x.h, x.payload)
	}
	sent := time.Now()
	done := make(chan struct{})
	go func() { // written beside the reads, so that an echo of a long message cannot block both ends
		defer close(done)
		c.Write(o.sent)
	}()
	observe(c, sent, o, func() {
		if s.checks&serverClosesTCP == 0 {
			if t := time.Now().Add(closeGrace); t.Before(deadline) {
				c.SetReadDeadline(t)
			}
		}
	})
	if o.end == endTimeout || o.end == endError {
		c.Close()
	}
	<-done
	return o, nil
}

// clip returns the first MaxBytes of b.
func clip(b []byte) []byte {
	return b[:min(len(b), MaxBytes):min(len(b), MaxBytes)]
}

// tcpClose says who closed TCP and when, from an observation.
func tcpClose(o *observation) TCPClose {
	from := time.Duration(0)
	if ci := o.closeIndex(); ci >= 0 {
		from = o.at[ci]
	}
	t := TCPClose{By: "peer", After: o.endAt - from, Reset: o.end == endReset}
	if o.end == endTimeout || o.end == endError {
		t.By = "probe"
	}
	return t
}
