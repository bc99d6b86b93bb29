package wsclosetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// fault is a fault planted in the conforming client.
type fault uint8

const (
	faultNone        fault = iota
	faultNoEcho            // answers no Close with a Close
	faultEchoOther         // answers every Close with 1001
	faultOneByte           // takes a 1-byte body as an empty one
	faultClosesFirst       // closes TCP as soon as the handshake is done
	faultNeverCloses       // never closes TCP itself
	faultReports1006       // reports 1006 after a clean close
	fault1011              // fails the connection with 1011, not 1002 or 1007
	faultCount
)

var faultNames = [...]string{"conforming", "no echo", "echo of 1001", "1-byte body accepted", "closes TCP first", "never closes TCP", "1006 after a clean close", "1011 for a protocol error"}

func (d fault) String() string { return faultNames[d] }

// runClient is a client written on wsclose.Handshake in the Client role,
// with fault d planted: it connects to u, closes with c when c is not
// nil, answers as Handshake says and reports Handshake's Event. It
// returns the events as the page records them.
func runClient(ctx context.Context, u string, c *ClientClose, d fault) ClientReport {
	conn, err := wire.Dial(ctx, u)
	if err != nil {
		return ClientReport{Err: err}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	h := wsclose.NewHandshake(wsclose.Client)
	send := func(body []byte) {
		if h.Send(body) == nil {
			conn.Send(wire.OpClose, body)
		}
	}
	if c != nil {
		body, err := h.Close(c.Code, c.Reason)
		if err != nil {
			return ClientReport{Err: err}
		}
		send(body)
	}
	for h.State() != wsclose.StateClosed {
		f, err := conn.ReadFrame()
		if err != nil {
			if d == faultNeverCloses { // hold TCP past the server's wait
				select {
				case <-ctx.Done():
				case <-time.After(HoldTime + time.Second):
				}
			}
			h.TransportClosed()
			break
		}
		if code := frameFaultCode(f); code != 0 && !h.Failed() {
			body := h.Fail(&wsclose.Failure{Code: code})
			if d == fault1011 {
				body = []byte{0x03, 0xf3}
			}
			send(body)
		}
		switch {
		case h.Failed():
		case f.Opcode == wire.OpClose:
			body := f.Payload
			if d == faultOneByte && len(body) == 1 {
				body = nil
			}
			reply, err := h.Receive(body)
			switch {
			case reply == nil:
			case d == faultNoEcho && err == nil:
			case d == faultEchoOther && err == nil:
				send([]byte{0x03, 0xe9})
			case d == fault1011 && err != nil:
				send([]byte{0x03, 0xf3})
			default:
				send(reply)
			}
		case f.Opcode == wire.OpPing && h.State() == wsclose.StateOpen:
			conn.Send(wire.OpPong, f.Payload)
		}
		closeNow := h.CloseTransport() || (d == faultClosesFirst && h.Event().WasClean)
		if closeNow && d != faultNeverCloses {
			conn.Close()
			h.TransportClosed()
		}
	}
	ev := h.Event()
	if d == faultReports1006 && ev.WasClean {
		ev.Code, ev.Reason = wsclose.StatusAbnormalClosure, ""
	}
	return ClientReport{Code: ev.Code, Reason: ev.Reason}
}

// frameFaultCode is the code a client fails the connection with for a
// frame no server may send (RFC 6455 §5.1–§5.5, §8.1), 0 for a good one.
func frameFaultCode(f wire.Frame) wsclose.Code {
	switch {
	case f.Check() != nil, f.CheckMask(false) != nil, f.Opcode == wire.OpContinuation:
		return wsclose.StatusProtocolError
	case f.Opcode == wire.OpText && !utf8.Valid(f.Payload):
		return wsclose.StatusInvalidPayloadData
	}
	return 0
}

// breaks reports whether d breaks case p, and with which verdict: the
// expectation of TestClientDefects, written from the fault and the case,
// not from the grading.
func breaks(d fault, p play) Verdict {
	m := modelOf(p)
	echo := p.close == nil && len(p.closes) > 0 && m.refused == nil // the client answers with an echo
	failure := len(m.failures) > 0 && m.failures[len(m.failures)-1]
	oneByte := len(p.closes) > 0 && len(p.closes[0]) == 1
	switch d {
	case faultNoEcho:
		if echo && p.reads() {
			return Fail
		}
	case faultEchoOther:
		if echo && p.reads() && !bytes.HasPrefix(p.closes[0], []byte{0x03, 0xe9}) {
			return Fail
		}
	case faultOneByte:
		if oneByte {
			return Fail
		}
	case faultClosesFirst:
		if p.end == playHold && m.event.WasClean {
			return Warn
		}
	case faultNeverCloses: // where the server waits for the client to close TCP
		if p.end == playHalfClose || p.end == playHold && m.closeNow {
			return Fail
		}
	case faultReports1006:
		switch {
		case m.event.WasClean && (len(p.closes) > 1 || p.after != 0):
			return Info // data after the Close: what Chromium does, open in the standard
		case m.event.WasClean:
			return Fail
		}
	case fault1011:
		if failure && p.reads() && p.close == nil {
			return Fail
		}
	}
	return ""
}

// runOverHTTP runs every case of s with fault d through the URLs a
// client outside Go uses: the Autobahn URLs for the cases the server
// drives, /case for the others; it posts the reports as the page does and
// reads /report.json back.
// readReport is /report.json as a client reads it.
type readReport struct {
	Agent string
	Cases []struct {
		ID, Title, Rule, Want, Got string
		Verdict                    Verdict
	}
}

func runOverHTTP(t *testing.T, srv *httptest.Server, d fault) *readReport {
	t.Helper()
	base := "ws" + strings.TrimPrefix(srv.URL, "http")
	agent := url.QueryEscape("planted " + d.String())
	count := autobahnText(t, base+"/getCaseCount")
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatalf("/getCaseCount: %q", count)
	}
	var ids []string
	var urls []string
	for i := 1; i <= n; i++ {
		var info map[string]string
		if err := json.Unmarshal([]byte(autobahnText(t, fmt.Sprintf("%s/getCaseInfo?case=%d", base, i))), &info); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, info["id"])
		urls = append(urls, fmt.Sprintf("%s/runCase?case=%d&agent=%s", base, i, agent))
	}
	cs := clientTable()
	closes := map[string]*ClientClose{}
	for _, c := range cs {
		if !c.play.serverDriven() {
			ids = append(ids, c.ID)
			urls = append(urls, base+"/case?id="+c.ID+"&agent="+agent)
			closes[c.ID] = c.play.close
		}
	}
	posted := make([]postedEvents, len(ids))
	done := make(chan struct{}, len(ids))
	for i := range ids {
		go func() {
			defer func() { done <- struct{}{} }()
			ctx, cancel := context.WithTimeout(t.Context(), clientCaseLimit)
			defer cancel()
			rep := runClient(ctx, urls[i], closes[ids[i]], d)
			posted[i] = postedEvents{ID: ids[i], Opened: true, Events: []postedEvent{{Type: "open"}}}
			if rep.Code == wsclose.StatusAbnormalClosure {
				posted[i].Events = append(posted[i].Events, postedEvent{Type: "error"})
			}
			posted[i].Events = append(posted[i].Events, postedEvent{Type: "close", Code: int(rep.Code), Reason: rep.Reason, WasClean: rep.Code != wsclose.StatusAbnormalClosure})
		}()
	}
	for range ids {
		<-done
	}
	autobahnText(t, base+"/updateReports?agent="+agent)
	body, _ := json.Marshal(postedReport{UserAgent: "wsclosetest", Cases: posted})
	resp, err := http.Post(srv.URL+"/report?agent="+agent, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /report: %s", resp.Status)
	}
	resp, err = http.Get(srv.URL + "/report.json?agent=" + agent)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rp readReport
	if err := json.NewDecoder(resp.Body).Decode(&rp); err != nil {
		t.Fatal(err)
	}
	return &rp
}

// autobahnText opens an Autobahn URL that answers with a text message and
// returns it.
func autobahnText(t *testing.T, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, err := wire.Dial(ctx, u)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	defer c.Close()
	var text string
	for {
		f, err := c.ReadFrame()
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		switch f.Opcode {
		case wire.OpText:
			text = string(f.Payload)
		case wire.OpClose:
			c.Send(wire.OpClose, f.Payload)
			return text
		}
	}
}

// TestClientDefects runs the conforming client and each planted fault
// through the Autobahn URLs, /case, POST /report and /report.json, all at
// once against one server: the conforming client gets no fail and no
// warn, and each fault fails (or warns) in exactly the cases it breaks.
func TestClientDefects(t *testing.T) {
	s := NewClientServer()
	srv := httptest.NewServer(s)
	defer srv.Close()
	reports := make([]*readReport, faultCount)
	t.Run("run", func(t *testing.T) {
		for d := range faultCount {
			t.Run(d.String(), func(t *testing.T) {
				t.Parallel()
				reports[d] = runOverHTTP(t, srv, d)
			})
		}
	})
	cs := clientTable()
	if len(cs) < 60 {
		t.Fatalf("%d client cases, want at least 60", len(cs))
	}
	base := map[string]Verdict{}
	for _, r := range reports[faultNone].Cases {
		base[r.ID] = r.Verdict
		if r.Verdict == Fail || r.Verdict == Warn {
			t.Errorf("conforming client: %s %s: %s; want %s (%s)", r.ID, r.Verdict, r.Got, r.Want, r.Rule)
		}
	}
	if len(reports[faultNone].Cases) != len(cs) {
		t.Errorf("conforming client: %d results, want %d", len(reports[faultNone].Cases), len(cs))
	}
	for d := faultNone + 1; d < faultCount; d++ {
		got, want := map[string]Verdict{}, map[string]Verdict{}
		for _, r := range reports[d].Cases {
			if r.Verdict != base[r.ID] {
				got[r.ID] = r.Verdict
			}
		}
		for _, c := range cs {
			if v := breaks(d, *c.play); v != "" {
				want[c.ID] = v
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: cases caught mismatch (-want +got):\n%s", d, diff)
			for _, r := range reports[d].Cases {
				if _, ok := got[r.ID]; ok {
					t.Logf("%s: %s %s: %s (%s)", d, r.ID, r.Verdict, r.Got, r.Rule)
				}
			}
		}
		t.Logf("%s: %d cases caught", d, len(got))
	}
	if !slices.Contains(slices.Collect(maps.Values(base)), Pass) {
		t.Error("no case passed")
	}
}

// TestClientHelper runs the faultNone client through TestClient's data
// form: no fail.
func TestClientHelper(t *testing.T) {
	r, err := ClientCases(t.Context(), func(ctx context.Context, u string, c *ClientClose) ClientReport {
		return runClient(ctx, u, c, faultNone)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err != nil {
		t.Error(err)
	}
	if len(r.Results) != len(clientTable()) || r.Fail+r.Warn != 0 {
		t.Fatalf("%d results, %d fail, %d warn; want %d and none", len(r.Results), r.Fail, r.Warn, len(clientTable()))
	}
	t.Logf("%d client cases in %v: %d pass, %d info", len(r.Results), r.Elapsed.Round(time.Millisecond), r.Pass, r.Info)
}
