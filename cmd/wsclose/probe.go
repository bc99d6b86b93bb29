package main

import (
	"context"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wsclose/wsclose/wsclosetest"
)

// exitDown is probe's own exit status: the server cannot be reached or
// does not upgrade, so that CI can tell a down server from a broken one.
const exitDown = 4

var cmdProbe = &command{
	name:    "probe",
	flags:   []string{"junit", "only", "timeout"},
	fields:  []string{"url", "cases", "pass", "fail", "warn", "info", "elapsed_ms"},
	minArgs: 1,
	maxArgs: 1,
	run: func(inv *invocation) (result, error) {
		return runProbe(inv.args[0], inv.probe.only, inv.probe.timeout, inv.probe.junit)
	},
}

// probeFlags are probe's own flags.
type probeFlags struct {
	junit, only string
	timeout     time.Duration
}

// define defines the flags on fs, which every command shares.
func (p *probeFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&p.junit, "junit", "", "probe: write JUnit XML for CI to FILE")
	fs.StringVar(&p.only, "only", "", "probe: run only the cases named, IDs separated by commas")
	fs.DurationVar(&p.timeout, "timeout", wsclosetest.DefaultTimeout, fmt.Sprintf("probe: bound each case (default %v)", wsclosetest.DefaultTimeout))
}

// runProbe runs the cases against url and writes the JUnit file.
func runProbe(url, only string, timeout time.Duration, junit string) (result, error) {
	opt := &wsclosetest.Options{Timeout: timeout}
	if only != "" {
		for id := range strings.SplitSeq(only, ",") {
			opt.Only = append(opt.Only, strings.TrimSpace(id))
		}
	}
	if timeout <= 0 {
		return nil, usageError("--timeout must be positive")
	}
	r, err := wsclosetest.Run(context.Background(), url, opt)
	switch {
	case errors.Is(err, wsclosetest.ErrUnreachable), errors.Is(err, wsclosetest.ErrNoUpgrade):
		return nil, &failure{exit: exitDown, offset: -1, msg: strings.TrimPrefix(err.Error(), "wsclosetest: ")}
	case err != nil:
		return nil, usageError(strings.TrimPrefix(err.Error(), "wsclosetest: "))
	}
	res := &probeResult{URL: r.URL, Cases: r.Results, Pass: r.Pass, Fail: r.Fail, Warn: r.Warn, Info: r.Info,
		ElapsedMS: float64(r.Elapsed.Microseconds()) / 1000}
	if junit != "" {
		if err := os.WriteFile(junit, junitXML(r), 0o644); err != nil {
			return res, &failure{exit: exitWrite, offset: -1, msg: fmt.Sprintf("writing the JUnit file: %v", err)}
		}
	}
	if r.Fail > 0 {
		return res, broken("%d of %d cases fail", r.Fail, len(r.Results))
	}
	return res, nil
}

// probeResult is what probe found.
type probeResult struct {
	URL       string               `json:"url"`
	Cases     []wsclosetest.Result `json:"cases"`
	Pass      int                  `json:"pass"`
	Fail      int                  `json:"fail"`
	Warn      int                  `json:"warn"`
	Info      int                  `json:"info"`
	ElapsedMS float64              `json:"elapsed_ms"`
	status
}

// rows are one line per case, the verdict first; a fail and a warn add
// what was wanted and seen, the rule and the bytes, an info what was seen;
// then the count.
func (r *probeResult) rows() [][]string {
	var rows [][]string
	for _, c := range r.Cases {
		rows = append(rows, []string{strings.ToUpper(string(c.Verdict)), c.ID, c.Title})
		switch c.Verdict {
		case wsclosetest.Fail, wsclosetest.Warn:
			rows = append(rows, []string{"", "want", c.Want}, []string{"", "got", c.Got}, []string{"", "rule", c.Rule},
				[]string{"", "sent", hexBytes(c.Sent, c.SentLen)}, []string{"", "received", hexBytes(c.Received, c.ReceivedLen)})
		case wsclosetest.Info:
			rows = append(rows, []string{"", "got", c.Got})
		}
	}
	return append(rows, []string{fmt.Sprintf("%d cases against %s: %d pass, %d fail, %d warn, %d info, in %.0f ms",
		len(r.Cases), r.URL, r.Pass, r.Fail, r.Warn, r.Info, r.ElapsedMS)})
}

// hexBytes shows up to 32 of n bytes b in hex, and how many there were.
func hexBytes(b []byte, n int) string {
	if n == 0 {
		return "none"
	}
	s := hex.EncodeToString(b[:min(len(b), 32)])
	if n > 32 {
		s += fmt.Sprintf("... (%s)", byteCount(n))
	}
	return s
}

// The JUnit XML that CI systems read: one testsuite, one testcase per case.
type (
	junitSuites struct {
		XMLName  xml.Name   `xml:"testsuites"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Time     string     `xml:"time,attr"`
		Suite    junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// junitXML is the report as JUnit XML: a fail is a failure whose message
// is the rule; every case's output holds its verdict, want, got and bytes.
func junitXML(r *wsclosetest.Report) []byte {
	seconds := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	s := junitSuite{Name: "wsclose probe " + r.URL, Tests: len(r.Results), Failures: r.Fail, Time: seconds(r.Elapsed)}
	for _, c := range r.Results {
		detail := fmt.Sprintf("verdict: %s\nwant: %s\ngot: %s\nrule: %s\nsent: %s\nreceived: %s\n",
			c.Verdict, c.Want, c.Got, c.Rule, hexBytes(c.Sent, c.SentLen), hexBytes(c.Received, c.ReceivedLen))
		jc := junitCase{Name: c.ID + " " + c.Title, ClassName: "wsclose.probe", Time: seconds(c.Elapsed), SystemOut: detail}
		if c.Verdict == wsclosetest.Fail {
			jc.Failure = &junitFailure{Message: c.Rule, Type: "fail", Text: detail}
		}
		s.Cases = append(s.Cases, jc)
	}
	out, _ := xml.MarshalIndent(junitSuites{Name: "wsclose probe", Tests: s.Tests, Failures: s.Failures, Time: s.Time, Suite: s}, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...)
}
