package interop

// The deviation table: a raw client sends each peer's server every Close
// body of the conformance vectors and the edge cases, and records what the
// peer does on the wire and what it tells its user. The observed table is
// asserted against the one committed in README.md, so that a change in a
// pinned peer shows up; -update writes it anew, with its summary in the
// root README.md.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/fixture"
	"github.com/wsclose/wsclose/internal/wire"
)

var update = flag.Bool("update", false, "write the generated tables into README.md and ../README.md")

// deviationCase is one Close body sent to every peer.
type deviationCase struct {
	body []byte
	// allowed are the failure codes the case's source accepts, which
	// agree besides wsclose's own (Autobahn case 7.5.1 takes 1002 or 1007).
	allowed []wsclose.Code
}

// edgeBodies are sent besides the vectors: the codes around the policies'
// edges, and the malformed bodies.
var edgeBodies = []string{
	"03",                               // 1 byte
	"03e8" + strings.Repeat("2a", 124), // 126 bytes
	"03f4", "03f5", "03f6",             // 1012–1014, registered with IANA
	"03f7", "03f8", "0bb7", // 1015, 1016, 2999
	"1388", "ffff", // 5000, 65535
	"03e8ff",     // invalid UTF-8
	"03e8eda080", // an encoded surrogate
}

func deviationCases(t testing.TB) []deviationCase {
	v, err := fixture.LoadVectors("../testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []deviationCase
	seen := map[string]bool{}
	add := func(h string, allowed []wsclose.Code) {
		if seen[h] {
			return
		}
		seen[h] = true
		body, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, deviationCase{body, allowed})
	}
	for _, pp := range v.PayloadParse {
		codes, err := pp.FailCodes()
		if err != nil {
			t.Fatal(err)
		}
		var allowed []wsclose.Code
		for _, c := range codes {
			allowed = append(allowed, wsclose.Code(c))
		}
		add(pp.PayloadHex, allowed)
	}
	for _, h := range edgeBodies {
		add(h, nil)
	}
	for i, c := range cases {
		cases[i].allowed = alsoAllowed(c.body, c.allowed)
	}
	return cases
}

// alsoAllowed adds to allowed the failure codes besides wsclose's own that
// the standard leaves open for body. A reason that is not UTF-8 fails the
// connection (RFC 6455 §8.1), which names no status for it: Autobahn
// TestSuite case 7.5.1 takes 1002 as well as the 1007 wsclose sends
// (§7.4.1), and so does this table. When the code is invalid too, wsclose
// fails with 1002 for the code, and 1007 for the reason is as right.
func alsoAllowed(body []byte, allowed []wsclose.Code) []wsclose.Code {
	add := func(c wsclose.Code) {
		if !slices.Contains(allowed, c) {
			allowed = append(allowed, c)
		}
	}
	switch v := verdictOf(body); {
	case v.ok:
	case v.code == wsclose.StatusInvalidPayloadData:
		add(wsclose.StatusProtocolError)
	case len(body) >= 2 && len(body) <= wsclose.MaxPayloadLen && wsclose.ValidateReason(string(body[2:])) != nil:
		add(wsclose.StatusInvalidPayloadData)
	}
	return allowed
}

// reaction is what one peer did with one body.
type reaction struct {
	wire string // "close 1002", "close (empty)", "drop", "no reply"
	app  string // "app 1000" for a close reported to the user, "error" otherwise
}

func (r reaction) String() string { return r.wire + " · " + r.app }

// observe sends body to the peer's server from a raw client and records
// the peer's reaction.
func observe(t *testing.T, ps *peerServer, body []byte) reaction {
	addr := strings.TrimPrefix(ps.URL, "http://")
	rc, err := dialRaw(addr, "/?do=receive")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r, _, err := sendAndReact(rc, ps.reports, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sendAndReact sends body in a Close frame on rc and returns react's
// record of the peer's answer.
func sendAndReact(rc *wire.Conn, reports <-chan peerRun, body []byte) (reaction, peerRun, error) {
	if err := rc.Send(wire.OpClose, body); err != nil {
		return reaction{}, peerRun{}, fmt.Errorf("writing the Close: %v", err)
	}
	r, res := react(rc, reports)
	return r, res, nil
}

// react reads the peer's answer to the Close that rc has sent, then what
// the peer reported to its user on reports, which it returns too.
func react(rc *wire.Conn, reports <-chan peerRun) (reaction, peerRun) {
	var r reaction
	var res peerRun
	rc.SetReadDeadline(time.Now().Add(replyTimeout))
	answer, err := rc.ReadClose()
	var ne net.Error
	switch {
	case err == nil && len(answer) == 0:
		r.wire = "close (empty)"
	case err == nil && len(answer) == 1:
		r.wire = "close (1 byte)"
	case err == nil:
		r.wire = "close " + strconv.Itoa(int(binary.BigEndian.Uint16(answer)))
	case errors.As(err, &ne) && ne.Timeout():
		r.wire = "no reply"
	default:
		r.wire = "drop"
	}
	select {
	case res = <-reports:
		if res.err != nil {
			r.app = "error"
		} else {
			r.app = "app " + strconv.Itoa(res.rep.Code)
		}
	case <-time.After(2 * ioTimeout):
		r.app = "no report"
	}
	return r, res
}

// verdict is what RFC 6455 and the IANA registry ask, as wsclose decides.
type verdict struct {
	ok   bool
	code wsclose.Code // the code received when ok, the failure code otherwise
}

func verdictOf(body []byte) verdict {
	c, _, err := wsclose.ParsePayload(body)
	if err != nil {
		return verdict{false, wsclose.FailureCode(err)}
	}
	return verdict{true, c}
}

func (v verdict) String() string {
	if v.ok {
		return "accept, report " + strconv.Itoa(int(v.code))
	}
	return "fail " + strconv.Itoa(int(v.code))
}

// agrees reports whether a peer's reaction is one the standard allows for
// the verdict. Accepting a body: answer with a Close (the same code, 1000
// or an empty body, as Autobahn TestSuite §7.7 allows) and report the code.
// Refusing one: close with the failure code (or another the case allows),
// an empty Close, or drop the connection (Autobahn §7.3.2, §7.9), and
// report an error, not a close.
func agrees(v verdict, allowed []wsclose.Code, r reaction) bool {
	if v.ok {
		wireOK := r.wire == "close "+strconv.Itoa(int(v.code)) || r.wire == "close 1000" || r.wire == "close (empty)"
		return wireOK && r.app == "app "+strconv.Itoa(int(v.code))
	}
	wireOK := r.wire == "close (empty)" || r.wire == "drop"
	for _, c := range append([]wsclose.Code{v.code}, allowed...) {
		wireOK = wireOK || r.wire == "close "+strconv.Itoa(int(c))
	}
	return wireOK && !strings.HasPrefix(r.app, "app ")
}

// describe names a body for the table.
func describe(body []byte) string {
	switch {
	case len(body) == 0:
		return "empty"
	case len(body) == 1:
		return fmt.Sprintf("1 byte `%x`", body)
	}
	code := strconv.Itoa(int(binary.BigEndian.Uint16(body)))
	reason := body[2:]
	switch {
	case len(body) > wsclose.MaxPayloadLen:
		return fmt.Sprintf("%s + %d bytes (%d in all)", code, len(reason), len(body))
	case len(reason) == 0:
		return code
	case !utf8.Valid(reason):
		return fmt.Sprintf("%s + `%x` (not UTF-8)", code, reason)
	case len(reason) > 20:
		return fmt.Sprintf("%s + %d-byte reason", code, len(reason))
	}
	return fmt.Sprintf("%s + %q", code, reason)
}

const (
	tableBegin   = "<!-- deviation table: generated by `go test -run TestDeviationTable -update`; do not edit -->"
	tableEnd     = "<!-- end of deviation table -->"
	summaryBegin = "<!-- deviation summary: generated by `cd interop && go test -run TestDeviationTable -update`; do not edit -->"
	summaryEnd   = "<!-- end of deviation summary -->"
)

func TestDeviationTable(t *testing.T) {
	cases := deviationCases(t)
	servers := make([]*peerServer, len(peers))
	for i, p := range peers {
		servers[i] = startPeerServer(t, p)
	}

	var table strings.Builder
	table.WriteString("| body | RFC 6455 / IANA (wsclose) |")
	for _, p := range peers {
		fmt.Fprintf(&table, " %s %s |", p.name, p.version)
	}
	table.WriteString("\n| --- | --- |" + strings.Repeat(" --- |", len(peers)) + "\n")
	deviations := make([][]string, len(peers))
	for _, c := range cases {
		v := verdictOf(c.body)
		fmt.Fprintf(&table, "| %s | %s |", describe(c.body), v)
		for i := range peers {
			r := observe(t, servers[i], c.body)
			cell := r.String()
			if !agrees(v, c.allowed, r) {
				cell = "**✗ " + cell + "**"
				deviations[i] = append(deviations[i], describe(c.body))
			}
			fmt.Fprintf(&table, " %s |", cell)
		}
		table.WriteString("\n")
	}
	fmt.Fprintf(&table, "\n%d bodies. A cell shows the peer's answer on the wire, then what it told its user: `app N` for a close with code N, `error` for a failure. **✗** marks a reaction RFC 6455 and the IANA registry do not allow; for a reason that is not UTF-8, failing with 1002 or 1007 are both allowed (Autobahn TestSuite case 7.5.1).\n", len(cases))

	var summary strings.Builder
	for i, p := range peers {
		fmt.Fprintf(&summary, "- %s %s: ", p.name, p.version)
		if len(deviations[i]) == 0 {
			summary.WriteString("agrees with RFC 6455 and the IANA registry on every body.\n")
			continue
		}
		fmt.Fprintf(&summary, "%d of %d bodies handled against the standard: %s.\n", len(deviations[i]), len(cases), strings.Join(deviations[i], "; "))
	}

	checkGenerated(t, "README.md", tableBegin, tableEnd, table.String())
	checkGenerated(t, "../README.md", summaryBegin, summaryEnd, summary.String())
}

// checkGenerated compares the text between begin and end in file with
// want, or with -update writes want there.
func checkGenerated(t *testing.T, file, begin, end, want string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(b, []byte(begin)), bytes.Index(b, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no %q ... %q section", file, begin, end)
	}
	got := string(b[i+len(begin) : j])
	want = "\n" + want
	if *update {
		out := slices.Concat(b[:i+len(begin)], []byte(want), b[j:])
		if err := os.WriteFile(file, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s is not what was observed now; run the test with -update and explain the change (-observed +committed):\n%s", file, diff)
	}
}
