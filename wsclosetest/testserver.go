package wsclosetest

import (
	"fmt"
	"testing"
)

// TestServer runs every case against the WebSocket echo server at url
// (ws:// or wss://), as a subtest named by the case ID: a case with the
// verdict Fail fails its subtest with one t.Errorf that says what was
// wanted, what was seen and the rule; the other verdicts are logged. It
// stops the test with t.Fatal when no case can run: the server cannot be
// reached or does not upgrade. A server's test calls it once:
//
//	func TestClose(t *testing.T) {
//		srv := httptest.NewServer(echoHandler)
//		defer srv.Close()
//		wsclosetest.TestServer(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
//	}
//
// The server is an echo server, as Autobahn TestSuite's fuzzingclient
// expects: a library's existing Autobahn server works as it is. The cases
// run concurrently, each on its own connection within DefaultTimeout.
func TestServer(t *testing.T, url string) {
	t.Helper()
	r, err := Run(t.Context(), url, nil)
	if err != nil {
		t.Fatalf("wsclosetest: %v", err)
	}
	r.subtests(t)
}

// subtests reports each result as a subtest named by its case ID: a Fail
// fails it with one t.Error, the other verdicts are logged.
func (r *Report) subtests(t *testing.T) {
	t.Helper()
	for _, res := range r.Results {
		t.Run(res.ID, func(t *testing.T) {
			if res.Verdict == Fail {
				t.Error(resultText(&res))
				return
			}
			t.Logf("%s: %s", res.Verdict, resultText(&res))
		})
	}
}

// resultText is a result as the test log shows it.
func resultText(r *Result) string {
	return fmt.Sprintf("%s\n\twant: %s\n\tgot:  %s\n\trule: %s\n\tsent: %s\n\treceived: %s",
		r.Title, r.Want, r.Got, r.Rule, hexText(r.Sent, r.SentLen), hexText(r.Received, r.ReceivedLen))
}

// hexText writes the first 32 of n bytes b in hex, saying how many more
// there were.
func hexText(b []byte, n int) string {
	if len(b) > 32 {
		b = b[:32]
	}
	s := fmt.Sprintf("% x", b)
	if n > len(b) {
		s += fmt.Sprintf(" … (%d bytes in all)", n)
	}
	return s
}
