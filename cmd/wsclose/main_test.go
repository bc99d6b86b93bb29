package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// outcome is everything a run shows: what it printed and how it exited.
type outcome struct {
	Stdout string
	Stderr string
	Exit   int
}

func runArgs(stdin string, args ...string) outcome {
	var stdout, stderr bytes.Buffer
	exit := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return outcome{stdout.String(), stderr.String(), exit}
}

// TestAcceptance runs the acceptance examples, whole output and
// exit status.
func TestAcceptance(t *testing.T) {
	tests := []struct {
		args []string
		want outcome
	}{
		{[]string{"decode", "03e9676f696e672061776179"}, outcome{
			"code      1001 (going away)\n" +
				"class     1000–2999 protocol\n" +
				"reason    \"going away\" (10 bytes)\n" +
				"sendable  yes, by an endpoint; a browser script's close() throws InvalidAccessError\n",
			"", 0}},
		{[]string{"decode", "03"}, outcome{
			"",
			"wsclose: close payload too short to hold a code: 1 byte\n" +
				"fail the connection with 1002 (protocol error) (RFC 6455 §7.1.7)\n",
			1}},
		{[]string{"decode", "03e8eda080"}, outcome{
			"code      1000 (normal closure)\n" +
				"class     1000–2999 protocol\n" +
				"sendable  yes: any endpoint, and a browser script through close()\n",
			"wsclose: close reason contains a lone surrogate at offset 0\n" +
				"fail the connection with 1007 (invalid frame payload data) (RFC 6455 §7.1.7)\n",
			1}},
		{[]string{"encode", "3000", "接続"}, outcome{"0bb8e68ea5e7b69a\n", "", 0}},
		{[]string{"encode", "1005", "x"}, outcome{
			"",
			"wsclose: invalid close code 1005: reported only, never sent\n",
			1}},
		{[]string{"check", "2999", "x"}, outcome{
			"",
			"wsclose check: close(2999, \"x\") throws InvalidAccessError: wsclose: invalid close code 2999: close() takes only 1000 or 3000-4999\n",
			1}},
		{[]string{"check", "2999.5"}, outcome{
			"ok        close(2999.5) sends a Close frame\n" +
				"code      3000 (unauthorized) (from 2999.5: Web IDL [Clamp] clamps to 0–65535 and rounds half to even)\n" +
				"body      0bb8\n",
			"", 0}},
		{[]string{"decode", "--json", "03e84f4b"}, outcome{
			`{"code":1000,"reason":"OK","reason_bytes":2,"name":"normal closure","class":"1000–2999 protocol","sendable":true,"script_allowed":true}` + "\n",
			"", 0}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, runArgs("", tt.args...)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// explain 1014 mentions the gateway.
	if got := runArgs("", "explain", "1014"); got.Exit != 0 || !strings.Contains(got.Stdout, "gateway") {
		t.Errorf("explain 1014 = %+v, want it to mention the gateway", got)
	}
}

// TestDecodeInputs checks the spellings of hex that decode takes, whole
// frames, and standard input.
func TestDecodeInputs(t *testing.T) {
	const want = `{"code":1000,"reason":"OK","reason_bytes":2,"name":"normal closure","class":"1000–2999 protocol","sendable":true,"script_allowed":true}` + "\n"
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"plain", "", []string{"--json", "03e84f4b"}},
		{"spaces", "", []string{"--json", "03 e8 4f 4b"}},
		{"separate arguments", "", []string{"--json", "03", "e8", "4f", "4b"}},
		{"colons", "", []string{"--json", "03:e8:4f:4b"}},
		{"0x prefix", "", []string{"--json", "0x03e84f4b"}},
		{"0x per byte", "", []string{"--json", "0x03 0xe8 0x4f 0x4b"}},
		{"upper case", "", []string{"--json", "03E84F4B"}},
		{"stdin", "03e8\n4f4b\n", []string{"--json", "-"}},
		{"flag after the argument", "", []string{"03e84f4b", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs(tt.stdin, append([]string{"decode"}, tt.args...)...)
			if diff := cmp.Diff(outcome{want, "", 0}, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeFrames(t *testing.T) {
	type frameOut struct {
		Masked     bool   `json:"masked"`
		MaskKey    string `json:"mask_key"`
		PayloadLen int    `json:"payload_len"`
	}
	type result struct {
		Code     *int      `json:"code"`
		Reason   *string   `json:"reason"`
		Frame    *frameOut `json:"frame"`
		Error    string    `json:"error"`
		FailCode int       `json:"fail_code"`
	}
	ip := func(n int) *int { return &n }
	sp := func(s string) *string { return &s }
	tests := []struct {
		name string
		hex  string
		want result
		exit int
	}{
		{"unmasked, from a server", "8802 03e8", result{Code: ip(1000), Reason: sp(""), Frame: &frameOut{PayloadLen: 2}}, 0},
		{"masked, from a client", "8882 37fa213d 3412", result{Code: ip(1000), Reason: sp(""), Frame: &frameOut{true, "37fa213d", 2}}, 0},
		{"masked with a reason", "8885 01020304 02eb6a6a6e", result{Code: ip(1001), Reason: sp("ino"), Frame: &frameOut{true, "01020304", 5}}, 0},
		{"empty close frame", "8800", result{Code: ip(1005), Reason: sp(""), Frame: &frameOut{}}, 0},
		{"Autobahn 7.3.6: 126 bytes", "887e007e03e8" + strings.Repeat("2a", 124), result{Code: ip(1000), Frame: &frameOut{PayloadLen: 126}, Error: "wsclose: close payload longer than 125 bytes: 126 bytes", FailCode: 1002}, 1},
		{"1-byte payload", "880161", result{Frame: &frameOut{PayloadLen: 1}, Error: "wsclose: close payload too short to hold a code: 1 byte", FailCode: 1002}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runArgs("", "decode", "--json", tt.hex)
			var got result
			if err := json.Unmarshal([]byte(out.Stdout), &got); err != nil {
				t.Fatalf("decode printed %q: %v", out.Stdout, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || out.Exit != tt.exit {
				t.Errorf("exit %d (want %d); mismatch (-want +got):\n%s", out.Exit, tt.exit, diff)
			}
		})
	}
}

// TestErrors checks every subcommand's errors and exit statuses.
func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		exit       int
		wantStderr string // a part of stderr
	}{
		{"no command", nil, 2, "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"decode", "--yaml", "03e8"}, 2, "flag provided but not defined: -yaml"},
		{"truncate is for encode", []string{"decode", "--truncate", "03e8"}, 2, "flag provided but not defined: -truncate"},
		{"decode without input", []string{"decode"}, 2, "wrong number of arguments"},
		{"decode odd hex", []string{"decode", "03e"}, 1, "odd number of hex digits (3)"},
		{"decode not hex", []string{"decode", "03zz"}, 1, `not hex: 'z'`},
		{"decode short header", []string{"decode", "887e00"}, 1, "the 16-bit length is missing"},
		{"decode short 64-bit header", []string{"decode", "887f0000"}, 1, "the 64-bit length is missing"},
		{"decode short mask", []string{"decode", "888237fa"}, 1, "the masking key is missing"},
		{"decode frame length mismatch", []string{"decode", "880503e8"}, 1, "frame says its payload is 5 bytes, but 2 bytes follow"},
		{"decode 64-bit length mismatch", []string{"decode", "887f000000000000000203e8ff"}, 1, "frame says its payload is 2 bytes, but 3 bytes follow"},
		{"decode RSV bits", []string{"decode", "c80203e8"}, 1, "RSV bits 100 set"},
		{"decode invalid code", []string{"decode", "03ed"}, 1, "fail the connection with 1002"},
		{"decode bad UTF-8", []string{"decode", "03e8ff"}, 1, "fail the connection with 1007"},
		{"encode without code", []string{"encode"}, 2, "wrong number of arguments"},
		{"encode too many", []string{"encode", "1000", "a", "b"}, 2, "wrong number of arguments"},
		{"encode code not a number", []string{"encode", "ok"}, 1, `CODE must be a whole number from 0 to 65535, not "ok"`},
		{"encode code too big", []string{"encode", "65536"}, 1, "not \"65536\""},
		{"encode 1006", []string{"encode", "1006"}, 1, "wsclose: invalid close code 1006: reported only, never sent"},
		{"encode long reason", []string{"encode", "1000", strings.Repeat("a", 124)}, 1, "longer than 123 bytes: 124 bytes\nwsclose encode: --truncate cuts the reason to fit"},
		{"encode bad UTF-8", []string{"encode", "1000", "\xff"}, 1, "not valid UTF-8 at offset 0"},
		{"explain not a number", []string{"explain", "x"}, 1, `not "x"`},
		{"check without code", []string{"check"}, 2, "wrong number of arguments"},
		{"check code not a number", []string{"check", "ten"}, 1, "CODE must be a number"},
		{"check reason not UTF-8", []string{"check", "1000", "\xff"}, 1, "REASON is not valid UTF-8"},
		{"check long reason", []string{"check", "1000", strings.Repeat("é", 62)}, 1, "throws SyntaxError: wsclose: close reason longer than 123 bytes: 124 bytes"},
		{"check code first", []string{"check", "5000", strings.Repeat("a", 200)}, 1, "throws InvalidAccessError"},
		{"check clamps", []string{"check", "66536"}, 1, "close() saw code 65535 (from 66536"},
		{"check NaN", []string{"check", "NaN"}, 1, "close(NaN) throws InvalidAccessError: wsclose: invalid close code 0"},
		{"check -Infinity", []string{"check", "-Inf"}, 1, "close(-Infinity) throws InvalidAccessError"},
		{"check negative", []string{"check", "-1", "x"}, 1, `close(-1, "x") throws InvalidAccessError: wsclose: invalid close code 0`},
		{"check huge", []string{"check", "1e999"}, 1, "close(Infinity) throws InvalidAccessError: wsclose: invalid close code 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runArgs("", tt.args...)
			if got.Exit != tt.exit || !strings.Contains(got.Stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and stderr containing %q", got.Exit, got.Stderr, tt.exit, tt.wantStderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"decode", "-h"}} {
		got := runArgs("", args...)
		if got.Exit != 0 || !strings.Contains(got.Stdout, "Examples:") || got.Stderr != "" {
			t.Errorf("%v: %+v, want usage with examples on stdout, exit 0", args, got)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		args []string
		want string
		exit int
	}{
		{[]string{"encode", "--json", "1000", "bye"}, `{"hex":"03e8627965","code":1000,"reason":"bye","truncated":false}`, 0},
		{[]string{"encode", "--json", "--truncate", "1000", strings.Repeat("日", 42)}, `{"hex":"03e8` + strings.Repeat("e697a5", 41) + `","code":1000,"reason":"` + strings.Repeat("日", 41) + `","truncated":true}`, 0},
		{[]string{"encode", "--json", "1005"}, `{"code":1005,"reason":"","truncated":false}`, 0},
		{[]string{"encode", "--json", "1004"}, `{"code":1004,"reason":"","truncated":false,"error":"wsclose: invalid close code 1004: reserved"}`, 1},
		{[]string{"check", "--json", "2999.5"}, `{"ok":true,"input":"2999.5","code":3000,"reason":null,"body":"0bb8"}`, 0},
		{[]string{"check", "--json", "1000", "\u00e9"}, `{"ok":true,"input":"1000","code":1000,"reason":"é","body":"03e8c3a9"}`, 0},
		{[]string{"check", "--json", "1001", "x"}, `{"ok":false,"input":"1001","code":1001,"reason":"x","body":null,"exception":"InvalidAccessError","error":"wsclose: invalid close code 1001: close() takes only 1000 or 3000-4999"}`, 1},
		{[]string{"decode", "--json", ""}, `{"code":1005,"reason":"","reason_bytes":0,"name":"no status received","class":"1000–2999 protocol","sendable":false,"script_allowed":false}`, 0},
		{[]string{"decode", "--json", "03"}, `{"code":null,"reason":null,"reason_bytes":0,"sendable":false,"script_allowed":false,"error":"wsclose: close payload too short to hold a code: 1 byte","fail_code":1002}`, 1},
		{[]string{"explain", "--json", "1014"}, `[{"code":1014,"name":"bad gateway","class":"1000–2999 protocol","registered":true,"meaning":"the server was acting as a gateway or proxy and received an invalid response from the upstream server (like HTTP 502)","sendable":true,"script_allowed":false,"close_event":"code 1014 with the peer's reason, wasClean true, after a clean closing handshake"}]`, 0},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got := runArgs("", tt.args...)
			if diff := cmp.Diff(outcome{tt.want + "\n", "", tt.exit}, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// The whole registry as JSON: one entry a row of the table.
	var rows []explainResult
	got := runArgs("", "explain", "--json")
	if err := json.Unmarshal([]byte(got.Stdout), &rows); err != nil || len(rows) != len(registryRows) {
		t.Errorf("explain --json: %d rows, %v; want %d", len(rows), err, len(registryRows))
	}
}

func TestExplainEveryKind(t *testing.T) {
	tests := map[string]string{
		"0":    "never: 0–999 are not used",
		"1000": "yes: any endpoint, and a browser script through close()",
		"1005": "code 1005 when the peer's Close frame had an empty body",
		"1006": "code 1006, wasClean false",
		"1015": "reserved for reporting a failed TLS handshake",
		"1016": "unassigned: reserved for this protocol",
		"3001": "registered with IANA first come, first served; not registered yet",
		"4000": "private use: agreed between the two ends",
		"5000": "not defined by RFC 6455",
		"2999": "Autobahn TestSuite case 7.9",
	}
	for code, want := range tests {
		got := runArgs("", "explain", code)
		if got.Exit != 0 || !strings.Contains(got.Stdout, want) {
			t.Errorf("explain %s printed %q, want it to contain %q", code, got.Stdout, want)
		}
	}
	got := runArgs("", "explain", "1000", "1001")
	if strings.Count(got.Stdout, "  range ") != 2 {
		t.Errorf("explain 1000 1001 printed %q, want two entries", got.Stdout)
	}
	table := runArgs("", "explain")
	for _, want := range []string{"CODE", "1016–2999", "5000–65535", "endpoint, script", "bad gateway"} {
		if !strings.Contains(table.Stdout, want) {
			t.Errorf("explain printed no %q in:\n%s", want, table.Stdout)
		}
	}
}

// TestDoubleDash checks that "--" lets a reason begin with "-".
func TestDoubleDash(t *testing.T) {
	got := runArgs("", "encode", "--", "1000", "-x")
	if diff := cmp.Diff(outcome{"03e82d78\n", "", 0}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestREADMESession runs every "$ wsclose …" line of the README's session
// and compares what it prints, stdout then stderr, with what the README
// shows under it, so that the README cannot drift from the program.
func TestREADMESession(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	commands := 0
	for _, block := range strings.Split(string(readme), "```")[1:] {
		if !strings.HasPrefix(block, "console\n") {
			continue
		}
		lines := strings.Split(strings.TrimPrefix(block, "console\n"), "\n")
		for i := 0; i < len(lines); i++ {
			cmdline, ok := strings.CutPrefix(lines[i], "$ wsclose ")
			if !ok {
				continue
			}
			var shown []string
			for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "$ ") {
				i++
				shown = append(shown, lines[i])
			}
			want := strings.TrimRight(strings.Join(shown, "\n"), "\n")
			got := runArgs("", shellWords(t, cmdline)...)
			if diff := cmp.Diff(want, strings.TrimRight(got.Stdout+got.Stderr, "\n")); diff != "" {
				t.Errorf("README: $ wsclose %s: mismatch (-want +got):\n%s", cmdline, diff)
			}
			commands++
		}
	}
	if commands < 4 {
		t.Errorf("found %d wsclose commands in README.md's console blocks, want one for each subcommand", commands)
	}
}

// shellWords splits a command line as a shell would, for the simple lines of
// the README: words separated by spaces, with '…' and "…" quoting.
func shellWords(t *testing.T, line string) []string {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// versionPattern is the line "wsclose --version" prints: the module version
// ("(devel)", a pseudo-version or a tag), the Go version and the platform.
var versionPattern = regexp.MustCompile(`^wsclose (\(devel\)|v\S+) go1\.\d+\S* \S+/\S+\n$`)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		got := runArgs("", args...)
		if got.Exit != 0 || got.Stderr != "" || !versionPattern.MatchString(got.Stdout) {
			t.Errorf("%v: %+v, want exit 0 and a line matching %s", args, got, versionPattern)
		}
	}
	if got := runArgs("", "version", "x"); got.Exit != 2 || got.Stdout != "" {
		t.Errorf("version x: %+v, want a usage error", got)
	}
}

// TestBinary builds the command and runs it as a user would, with
// arguments and with standard input.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "wsclose")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "decode", "03e9676f696e672061776179")
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "1001 (going away)") || !strings.Contains(string(out), `"going away"`) {
		t.Errorf("wsclose decode: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "decode", "-")
	cmd.Stdin = strings.NewReader("03 e8 ed a0 80\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 || !strings.Contains(stderr.String(), "1007") {
		t.Errorf("wsclose decode - with a lone surrogate: %v, stderr %q; want exit 1 naming 1007", err, stderr.String())
	}
	out, err = exec.Command(bin, "--version").Output()
	if err != nil || !versionPattern.Match(out) {
		t.Errorf("wsclose --version: %v, %q; want a line matching %s", err, out, versionPattern)
	}
	// go run does not stamp a version from the VCS: it says (devel).
	out, err = exec.Command("go", "run", ".", "--version").Output()
	if err != nil || !versionPattern.Match(out) {
		t.Errorf("go run . --version: %v, %q; want a line matching %s", err, out, versionPattern)
	}
	err = exec.Command(bin).Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 {
		t.Errorf("wsclose with no arguments: %v, want exit 2", err)
	}
}
