package wsclosetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose/internal/echo"
)

// verdicts runs every case against url and returns the IDs of the cases
// with each verdict.
func verdicts(t *testing.T, url string, o *Options) (*Report, map[Verdict][]string) {
	t.Helper()
	r, err := Run(context.Background(), url, o)
	if err != nil {
		t.Fatal(err)
	}
	m := map[Verdict][]string{}
	for _, res := range r.Results {
		m[res.Verdict] = append(m[res.Verdict], res.ID)
	}
	return r, m
}

func TestConforming(t *testing.T) {
	r, m := verdicts(t, echo.Start(t, echo.Conforming), nil)
	for _, res := range r.Results {
		if res.Verdict != Pass {
			t.Logf("%s %s: %s", res.ID, res.Verdict, resultText(&res))
		}
	}
	if len(m[Fail]) != 0 || len(m[Warn]) != 0 {
		t.Errorf("fail %v, warn %v; want none:\n%v", m[Fail], m[Warn], r.Err())
	}
	if want := []string{"7.1.6", "empty-close", "echo-reason"}; !slices.Equal(m[Info], want) {
		t.Errorf("info %v, want %v", m[Info], want)
	}
	server, _ := selectCases(nil)
	if len(r.Results) != len(server) || r.Pass+r.Info != len(server) {
		t.Errorf("%d results, %d pass, %d info; want %d cases", len(r.Results), r.Pass, r.Info, len(server))
	}
	t.Logf("%d cases against a conforming server in %v", len(r.Results), r.Elapsed)
	if r.Elapsed > 5*time.Second {
		t.Errorf("the suite took %v, want well under 5 s", r.Elapsed)
	}
}

// TestDefects plants one defect at a time in the conforming server: each
// fails exactly the cases it breaks, and no other.
func TestDefects(t *testing.T) {
	accepted := []string{"7.1.1", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.3.3", "7.3.4", "7.3.5",
		"7.7.1", "7.7.2", "7.7.3", "7.7.4", "7.7.5", "7.7.6", "7.7.7", "7.7.8", "7.7.9", "7.7.10", "7.7.11", "7.7.12", "7.7.13",
		"code-1012", "code-1013", "code-1014", "reason-123-2byte", "reason-123-3byte", "reason-123-4byte", "reason-bom", "reason-nul",
		"body-125", "echo-reason", "after-close-data", "after-close-second-close", "tcp-close"} // every case with a valid Close, but the empty ones and 7.1.6 (informational)
	tests := []struct {
		name       string
		d          echo.Defect
		fail, warn []string
	}{
		{"no echo", echo.NoEcho, sorted(append(slices.Clone(accepted), "7.3.1", "empty-close")), []string{"failure-close", "failure-code-utf8"}},
		{"echo of a different code", echo.EchoOther, append(slices.DeleteFunc(slices.Clone(accepted), func(id string) bool { return id == "7.7.10" }), "7.1.6"), nil}, // 7.7.10 sends 3000
		{"1-byte body accepted", echo.AcceptOneByte, []string{"7.3.2", "failure-close"}, nil},
		{"1014 refused", echo.Refuse1014, []string{"code-1014"}, nil},
		{"2999 accepted", echo.Accept2999, []string{"7.9.9"}, nil},
		{"reason cut mid-character", echo.CutReason, []string{"reason-123-2byte", "reason-123-3byte", "reason-123-4byte", "body-125"}, nil},
		{"TCP left open", echo.TCPOpen, []string{"tcp-close", "tcp-close-failure"}, nil},
		{"data after its Close", echo.DataAfterClose, []string{"7.1.2", "7.1.3", "7.1.4", "7.1.5", "after-close-data"}, nil},
		{"a second Close", echo.SecondClose, []string{"after-close-second-close"}, nil},
		{"1005 on the wire", echo.Send1005, []string{"7.3.1", "empty-close"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, m := verdicts(t, echo.Start(t, tt.d), &Options{Timeout: time.Second})
			if diff := cmp.Diff(sorted(tt.fail), sorted(m[Fail])); diff != "" {
				t.Errorf("failed cases mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(sorted(tt.warn), sorted(m[Warn])); diff != "" {
				t.Errorf("warned cases mismatch (-want +got):\n%s", diff)
			}
			if t.Failed() {
				t.Log(r.Err())
			}
		})
	}
}

// sorted returns the IDs sorted, nil for none.
func sorted(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(ids))
}

// TestTestServerConforming is TestServer as a server's own test calls it.
func TestTestServerConforming(t *testing.T) {
	TestServer(t, echo.Start(t, echo.Conforming))
}
