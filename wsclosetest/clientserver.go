package wsclosetest

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wsclose/wsclose/internal/wire"
)

//go:embed page/index.html page/page.js
var pageFiles embed.FS

// Limits of a ClientServer, so that no client can make it hang or grow
// without bound.
const (
	// MaxAgents is the number of agents a ClientServer keeps results for;
	// a new agent beyond it gets 503 Service Unavailable.
	MaxAgents = 256
	// MaxConns is the number of case connections open at once; one more
	// gets 503 Service Unavailable before any upgrade.
	MaxConns = 512
	// MaxReportSize is the largest report a client may post.
	MaxReportSize = 1 << 20
	// maxAgentName is the longest agent name, in bytes.
	maxAgentName = 64
	// pageParallel is how many cases the page runs at once.
	pageParallel = 12
)

// ClientServer serves the client cases over HTTP, for any WebSocket
// client, browsers included:
//
//	GET  /                              the page that runs every case in the browser
//	                                    that opens it (GET /?agent=NAME files the
//	                                    results under NAME; without it, the page is
//	                                    redirected to a name for the browser)
//	GET  /cases.json                    every case: id, title, rule, want, close
//	WS   /case?id=ID&agent=A            the server side of case ID
//	WS   /getCaseCount                  Autobahn fuzzingserver: the number of cases
//	WS   /getCaseInfo?case=N            Autobahn: {"id", "title", "rule"} of case N
//	WS   /runCase?case=N&agent=A        Autobahn: case N (from 1)
//	WS   /updateReports?agent=A         Autobahn: closes once A's cases are done
//	POST /report?agent=A                what the client reported of each case (the page
//	                                    posts it); the answer is the report
//	GET  /report.json?agent=A           A's report, once A's cases under way end;
//	                                    without agent, every agent's
//
// The Autobahn URLs number only the cases the server starts closing,
// since an Autobahn client driver never closes first; the page and
// [TestClient] run every case. A bad case or agent, or a plain GET of a
// WebSocket URL, gets a 4xx answer before any upgrade. Several agents may
// run at once; a case run again replaces the earlier run.
//
// A case is graded on what the server saw on the wire (the Close frames
// the client sent, who closed TCP and when) and, once the client posted
// them, on the events it reported (the close event's code, reason and
// wasClean, and whether an error event came first), against what
// [wsclose.Handshake] in the Client role does.
type ClientServer struct {
	cases []spec
	auto  []int // the indexes of the cases the server drives, the Autobahn numbering

	mu      sync.Mutex
	agents  map[string]*agentRun
	conns   int
	changed *sync.Cond // signalled when a case connection ends
}

// agentRun is what one agent did.
type agentRun struct {
	name      string
	userAgent string
	wire      map[string]*wireRecord   // by case ID
	events    map[string]*clientEvents // by case ID, as posted
	pending   int                      // case connections still open
}

// NewClientServer returns a ClientServer with no results.
func NewClientServer() *ClientServer {
	s := &ClientServer{cases: clientTable(), agents: map[string]*agentRun{}}
	s.changed = sync.NewCond(&s.mu)
	for i, c := range s.cases {
		if c.play.serverDriven() {
			s.auto = append(s.auto, i)
		}
	}
	return s
}

// ServeHTTP serves the routes listed on [ClientServer].
func (s *ClientServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		s.servePage(w, r)
	case "/page.js":
		serveFile(w, r, "page/page.js", "text/javascript; charset=utf-8")
	case "/cases.json":
		s.serveCases(w, r)
	case "/case", "/runCase":
		s.serveCase(w, r)
	case "/getCaseCount", "/getCaseInfo", "/updateReports":
		s.serveAutobahn(w, r)
	case "/report":
		s.servePost(w, r)
	case "/report.json":
		s.serveReport(w, r)
	default:
		http.NotFound(w, r)
	}
}

func serveFile(w http.ResponseWriter, r *http.Request, name, ctype string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b, _ := pageFiles.ReadFile(name)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// servePage serves the page, after redirecting a request without an
// agent to one named for its browser.
func (s *ClientServer) servePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("agent") {
		http.Redirect(w, r, "/?agent="+url.QueryEscape(browserName(r.UserAgent())), http.StatusSeeOther)
		return
	}
	if _, err := agentName(q); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	serveFile(w, r, "page/index.html", "text/html; charset=utf-8")
}

var browserVersions = []struct {
	name string
	re   *regexp.Regexp
}{
	{"Edge", regexp.MustCompile(`Edg/(\d+)`)},
	{"HeadlessChrome", regexp.MustCompile(`HeadlessChrome/(\d+)`)},
	{"Chrome", regexp.MustCompile(`Chrom(?:e|ium)/(\d+)`)},
	{"Firefox", regexp.MustCompile(`Firefox/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+(?:\.\d+)?).*Safari/`)},
	{"Node", regexp.MustCompile(`^node`)},
}

// browserName names a browser from its User-Agent header, with its major
// version: "Chrome-156", "Firefox-133", "Safari-18.2"; "browser" when it
// is none of Chromium's, Firefox's or Safari's.
func browserName(userAgent string) string {
	for _, b := range browserVersions {
		if m := b.re.FindStringSubmatch(userAgent); m != nil {
			if len(m) > 1 {
				return b.name + "-" + m[1]
			}
			return b.name
		}
	}
	return "browser"
}

// errAgent reports a missing or unusable agent name.
var errAgent = errors.New("wsclosetest: the agent must be 1 to 64 bytes of printable UTF-8")

// agentName returns the agent named by the query.
func agentName(q url.Values) (string, error) {
	a := q.Get("agent")
	if a == "" || len(a) > maxAgentName || !utf8.ValidString(a) || strings.IndexFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "", errAgent
	}
	return a, nil
}

// caseInfo is a case as the page and /cases.json list it.
type caseInfo struct {
	ID    string       `json:"id"`
	Title string       `json:"title"`
	Rule  string       `json:"rule"`
	Want  string       `json:"want"`
	Close *ClientClose `json:"close"`
	// Autobahn is the case's number on the Autobahn URLs (from 1): the
	// cases the server starts, which an Autobahn client driver runs; 0
	// (left out) for those where the client closes first.
	Autobahn int `json:"autobahn,omitempty"`
}

func (s *ClientServer) info(i int) caseInfo {
	c := s.cases[i]
	ci := caseInfo{ID: c.ID, Title: c.Title, Rule: c.Rule, Want: c.Expects}
	if c.play.close != nil {
		cl := *c.play.close
		ci.Close = &cl
	}
	for n, j := range s.auto {
		if j == i {
			ci.Autobahn = n + 1
		}
	}
	return ci
}

func (s *ClientServer) serveCases(w http.ResponseWriter, r *http.Request) {
	list := struct {
		Cases    []caseInfo `json:"cases"`
		LimitMs  int64      `json:"limitMs"`
		Parallel int        `json:"parallel"`
	}{LimitMs: clientCaseLimit.Milliseconds(), Parallel: pageParallel}
	for i := range s.cases {
		list.Cases = append(list.Cases, s.info(i))
	}
	writeJSON(w, http.StatusOK, list)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// caseOf finds the case a WebSocket URL names: /case by id, /runCase by
// its Autobahn number (from 1).
func (s *ClientServer) caseOf(r *http.Request) (int, error) {
	q := r.URL.Query()
	if r.URL.Path == "/case" {
		id := q.Get("id")
		for i, c := range s.cases {
			if c.ID == id {
				return i, nil
			}
		}
		return 0, fmt.Errorf("wsclosetest: no case %q", id)
	}
	n, err := strconv.Atoi(q.Get("case"))
	if err != nil || n < 1 || n > len(s.auto) {
		return 0, fmt.Errorf("wsclosetest: no case %q: the cases are numbered 1 to %d", q.Get("case"), len(s.auto))
	}
	return s.auto[n-1], nil
}

// upgradable answers a request that is not a WebSocket opening handshake
// with 426 Upgrade Required and reports false.
func upgradable(w http.ResponseWriter, r *http.Request) bool {
	if _, err := wire.HandshakeKey(r); err != nil {
		w.Header().Set("Upgrade", "websocket")
		http.Error(w, "this URL is a WebSocket endpoint: "+err.Error(), http.StatusUpgradeRequired)
		return false
	}
	return true
}

// serveCase plays one case on a new connection and records what the
// client did.
func (s *ClientServer) serveCase(w http.ResponseWriter, r *http.Request) {
	i, err := s.caseOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	name, err := agentName(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !upgradable(w, r) {
		return
	}
	a, status := s.begin(name, r.UserAgent())
	if a == nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer s.end(a)
	c, err := wire.Upgrade(w, r)
	if err != nil {
		return
	}
	rec := playClient(c, *s.cases[i].play)
	s.mu.Lock()
	a.wire[s.cases[i].ID] = rec
	s.mu.Unlock()
	c.Close()
}

// begin counts a new case connection of the named agent; it returns nil
// and the status to answer when the server is full.
func (s *ClientServer) begin(name, userAgent string) (*agentRun, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns >= MaxConns {
		return nil, http.StatusServiceUnavailable
	}
	a := s.agentLocked(name)
	if a == nil {
		return nil, http.StatusServiceUnavailable
	}
	if a.userAgent == "" {
		a.userAgent = userAgent
	}
	s.conns++
	a.pending++
	return a, 0
}

func (s *ClientServer) end(a *agentRun) {
	s.mu.Lock()
	s.conns--
	a.pending--
	s.mu.Unlock()
	s.changed.Broadcast()
}

// agentLocked returns the named agent's run, made if new; nil when there
// are MaxAgents already.
func (s *ClientServer) agentLocked(name string) *agentRun {
	if a, ok := s.agents[name]; ok {
		return a
	}
	if len(s.agents) >= MaxAgents {
		return nil
	}
	a := &agentRun{name: name, wire: map[string]*wireRecord{}, events: map[string]*clientEvents{}}
	s.agents[name] = a
	return a
}

// settle waits, at most clientCaseLimit, until the named agent has no
// case connection open, so that a report covers the cases the client ran.
func (s *ClientServer) settle(ctx context.Context, name string) {
	ctx, cancel := context.WithTimeout(ctx, clientCaseLimit)
	defer cancel()
	s.waitFor(ctx, func() bool { a := s.agents[name]; return a == nil || a.pending == 0 })
}

// Wait waits until no case connection is open, or ctx is done: a case
// lasts at most ReplyTimeout + HoldTime, and http.Server.Shutdown does not
// wait for the connections the cases took over.
func (s *ClientServer) Wait(ctx context.Context) error {
	s.waitFor(ctx, func() bool { return s.conns == 0 })
	return ctx.Err()
}

// waitFor waits until done, called with s.mu held, reports true, or ctx
// is done.
func (s *ClientServer) waitFor(ctx context.Context, done func() bool) {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.changed.Broadcast()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for !done() && ctx.Err() == nil {
		s.changed.Wait()
	}
}

// serveAutobahn serves the Autobahn fuzzingserver URLs that are no case:
// each sends its answer, if any, as a text message and closes with 1000.
func (s *ClientServer) serveAutobahn(w http.ResponseWriter, r *http.Request) {
	var msg []byte
	name := ""
	switch r.URL.Path {
	case "/getCaseCount":
		msg = []byte(strconv.Itoa(len(s.auto)))
	case "/getCaseInfo":
		i, err := s.caseOf(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		ci := s.info(i)
		msg, _ = json.Marshal(map[string]string{"id": ci.ID, "title": ci.Title, "description": ci.Title, "rule": ci.Rule})
	case "/updateReports":
		var err error
		if name, err = agentName(r.URL.Query()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if !upgradable(w, r) {
		return
	}
	if name != "" {
		s.settle(r.Context(), name)
	}
	c, err := wire.Upgrade(w, r)
	if err != nil {
		return
	}
	defer c.Close()
	if msg != nil {
		c.Send(wire.OpText, msg)
	}
	c.Send(wire.OpClose, []byte{0x03, 0xe8})
	c.SetReadDeadline(time.Now().Add(ReplyTimeout))
	c.ReadClose()
}

// postedReport is what a client posts to /report: the events of each
// case it ran.
type postedReport struct {
	UserAgent string         `json:"userAgent"`
	Cases     []postedEvents `json:"cases"`
}

// postedEvents is one case, as the page records it.
type postedEvents struct {
	ID       string        `json:"id"`
	Opened   bool          `json:"opened"`
	Threw    string        `json:"threw"`
	TimedOut bool          `json:"timedOut"`
	Events   []postedEvent `json:"events"`
}

type postedEvent struct {
	Type     string  `json:"type"` // open, message, error, close
	Ms       float64 `json:"ms"`
	Code     int     `json:"code"`
	Reason   string  `json:"reason"`
	WasClean bool    `json:"wasClean"`
}

// events turns the page's record of a case into clientEvents.
func (p postedEvents) events() (*clientEvents, error) {
	ev := &clientEvents{Opened: p.Opened, Threw: p.Threw, TimedOut: p.TimedOut}
	before, after := false, false
	for _, e := range p.Events {
		switch e.Type {
		case "open":
		case "message":
			ev.Messages++
		case "error":
			if ev.Closed {
				after = true
			} else {
				before = true
			}
		case "close":
			if ev.Closed {
				return nil, fmt.Errorf("case %q: two close events", p.ID)
			}
			clean := e.WasClean
			ev.Closed, ev.Code, ev.Reason, ev.WasClean = true, e.Code, e.Reason, &clean
		default:
			return nil, fmt.Errorf("case %q: unknown event %q", p.ID, e.Type)
		}
	}
	ev.ErrorBefore, ev.ErrorAfter = &before, &after
	return ev, nil
}

// servePost takes a client's events, checks them whole before keeping
// any, and answers with the agent's report.
func (s *ClientServer) servePost(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST the events here", http.StatusMethodNotAllowed)
		return
	}
	name, err := agentName(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var rep postedReport
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxReportSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		http.Error(w, "malformed report: "+err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		http.Error(w, "malformed report: more than one JSON value", http.StatusBadRequest)
		return
	}
	evs := map[string]*clientEvents{}
	for _, p := range rep.Cases {
		if s.index(p.ID) < 0 {
			http.Error(w, fmt.Sprintf("malformed report: no case %q", p.ID), http.StatusBadRequest)
			return
		}
		ev, err := p.events()
		if err != nil {
			http.Error(w, "malformed report: "+err.Error(), http.StatusBadRequest)
			return
		}
		evs[p.ID] = ev
	}
	s.settle(r.Context(), name)
	if err := s.setEvents(name, rep.UserAgent, evs); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	rp, _ := s.Report(name)
	writeJSON(w, http.StatusOK, rp)
}

// index returns the index of the case with the given ID, or -1.
func (s *ClientServer) index(id string) int {
	for i, c := range s.cases {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// setEvents records what the named agent's client reported of the cases
// in evs, by case ID, as a POST to /report does.
func (s *ClientServer) setEvents(agent, userAgent string, evs map[string]*clientEvents) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agentLocked(agent)
	if a == nil {
		return fmt.Errorf("wsclosetest: results are kept for %d agents at most", MaxAgents)
	}
	if userAgent != "" {
		a.userAgent = userAgent
	}
	for id, ev := range evs {
		if s.index(id) < 0 {
			return fmt.Errorf("%w: %q", errNoCase, id)
		}
		a.events[id] = ev
	}
	return nil
}

func (s *ClientServer) serveReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("agent") {
		writeJSON(w, http.StatusOK, struct {
			Agents []*AgentReport `json:"agents"`
		}{s.Reports()})
		return
	}
	name, err := agentName(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.settle(r.Context(), name) // the cases under way, as far as they go
	rp, ok := s.Report(name)
	if !ok {
		http.Error(w, fmt.Sprintf("no results for agent %q", name), http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, rp)
}

// AgentReport is the report of one agent, as /report.json gives it: a
// Result for each case it ran, in the order of the cases, and the number
// of each verdict.
type AgentReport struct {
	Agent     string   `json:"agent"`
	UserAgent string   `json:"user_agent,omitempty"`
	Cases     []Result `json:"cases"`
	Pass      int      `json:"pass"`
	Fail      int      `json:"fail"`
	Warn      int      `json:"warn"`
	Info      int      `json:"info"`
}

// Report grades the cases the named agent ran; ok is false when it ran
// none.
func (s *ClientServer) Report(agent string) (rp *AgentReport, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agents[agent]
	if a == nil {
		return nil, false
	}
	return s.reportLocked(a), true
}

// Reports grades every agent's cases, the agents sorted by name.
func (s *ClientServer) Reports() []*AgentReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.agents))
	for n := range s.agents {
		names = append(names, n)
	}
	sort.Strings(names)
	rps := []*AgentReport{}
	for _, n := range names {
		rps = append(rps, s.reportLocked(s.agents[n]))
	}
	return rps
}

func (s *ClientServer) reportLocked(a *agentRun) *AgentReport {
	r := &Report{Results: []Result{}}
	for i, c := range s.cases {
		rec, ev := a.wire[c.ID], a.events[c.ID]
		if rec == nil && ev == nil {
			continue
		}
		r.Results = append(r.Results, s.result(i, rec, ev))
	}
	r.tally()
	return &AgentReport{Agent: a.name, UserAgent: a.userAgent, Cases: r.Results, Pass: r.Pass, Fail: r.Fail, Warn: r.Warn, Info: r.Info}
}

// result grades case i from the server's record and the client's events
// (either may be nil).
func (s *ClientServer) result(i int, rec *wireRecord, ev *clientEvents) Result {
	ci := s.info(i)
	res := Result{ID: ci.ID, Title: ci.Title, Want: ci.Want, Rule: ci.Rule}
	if rec == nil {
		res.Verdict, res.Got = Fail, "the server saw no connection for this case"
		if ev != nil {
			res.Got += "; " + reportText(ev)
		}
		return res
	}
	res.Verdict, res.Rule, res.Got = gradeClient(*s.cases[i].play, rec, ev)
	res.Sent, res.SentLen, res.Received, res.ReceivedLen = rec.sent, rec.sentLen, rec.received, rec.receivedLen
	res.TCP = TCPClose{By: "probe", After: rec.closeAt, Reset: rec.reset}
	if rec.closed {
		res.TCP.By = "peer"
	}
	if len(rec.closes) > 0 {
		res.PeerClosed, res.PeerCloseBody = true, rec.closes[0]
	}
	res.Elapsed = rec.elapsed
	return res
}
