package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// decodeJSON reads s as exactly one JSON value and nothing after it but
// white space. It reports false when s is anything else.
func decodeJSON(s string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

// jsonObject reads the output of a --json run: one JSON object.
func jsonObject(t *testing.T, out outcome) map[string]any {
	t.Helper()
	v, ok := decodeJSON(out.Stdout)
	obj, isObject := v.(map[string]any)
	if !ok || !isObject {
		t.Fatalf("stdout is not one JSON object: %q (stderr %q, exit %d)", out.Stdout, out.Stderr, out.Exit)
	}
	return obj
}

// keys returns the names of the top-level fields of the JSON object s, in
// order.
func keys(s string) []string {
	dec := json.NewDecoder(strings.NewReader(s))
	var out []string
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return out
		}
		out = append(out, k.(string))
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return out
		}
	}
	return out
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// has checks that the run printed each of want (on stdout or stderr) and
// none of notWant, and exited with exit.
func has(exit int, want []string, notWant ...string) func(*testing.T, outcome) {
	return func(t *testing.T, out outcome) {
		t.Helper()
		all := out.Stdout + out.Stderr
		if out.Exit != exit {
			t.Errorf("exit %d, want %d; output:\n%s", out.Exit, exit, all)
		}
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("output lacks %q:\n%s", w, all)
			}
		}
		for _, w := range notWant {
			if strings.Contains(all, w) {
				t.Errorf("output has %q:\n%s", w, all)
			}
		}
	}
}

// TestWhy holds a case for each complaint about the first cut of the
// command, each named for it: run against that command, every case fails.
func TestWhy(t *testing.T) {
	// jsonError checks for one JSON object with "error" and "exit".
	jsonError := func(exit int) func(*testing.T, outcome) {
		return func(t *testing.T, out outcome) {
			t.Helper()
			obj := jsonObject(t, out)
			if obj["exit"] != float64(exit) || obj["error"] == nil || out.Exit != exit {
				t.Errorf("got %v, exit %d; want \"error\" and \"exit\": %d", obj, out.Exit, exit)
			}
		}
	}
	fiveMiBBody := "03e8" + strings.Repeat("61", 5<<20)
	tests := []struct {
		name  string
		args  []string
		stdin string
		check func(*testing.T, outcome)
	}{
		// Input: refused beyond a documented limit, never cut; quotes bounded.
		{"stdin over 1 MiB is refused, not cut", []string{"decode", "-"}, fiveMiBBody,
			has(2, []string{"input longer than 1 MiB; a Close frame is at most 139 bytes"}, "524288")},
		{"frame over 1 MiB on stdin is refused, not cut", []string{"decode", "-"}, "887f0000000000500000" + fiveMiBBody,
			has(2, []string{"input longer than 1 MiB"}, "524278")},
		{"frame header promising 5 MiB breaks the 125-byte rule", []string{"decode", "887f0000000000500000 03e8"}, "",
			has(1, []string{"5242880", "125 bytes or less", "§5.5", "1002"})},
		{"error quotes at most 40 characters of the input", []string{"decode", strings.Repeat("z", 100000)}, "",
			func(t *testing.T, out outcome) {
				has(2, []string{`"` + strings.Repeat("z", 40) + `"...`, "offset 0"})(t, out)
				if len(out.Stderr) > 200 {
					t.Errorf("stderr is %d bytes", len(out.Stderr))
				}
			}},

		// Frames: other opcodes, no FIN, extended lengths.
		{"Text frame is not a Close frame", []string{"decode", "8102 6869"}, "",
			has(2, []string{"this is a Text frame (opcode 0x1), not a Close frame"}, "33026", "1002")},
		{"Ping frame is not a Close frame", []string{"decode", "8900"}, "",
			has(2, []string{"this is a Ping frame (opcode 0x9), not a Close frame"})},
		{"Pong frame is not a Close frame", []string{"decode", "8a00"}, "",
			has(2, []string{"this is a Pong frame (opcode 0xA), not a Close frame"})},
		{"Binary frame is not a Close frame", []string{"decode", "8201 00"}, "",
			has(2, []string{"this is a Binary frame (opcode 0x2), not a Close frame"})},
		{"continuation frame is not a Close frame", []string{"decode", "8000"}, "",
			has(2, []string{"this is a continuation frame (opcode 0x0), not a Close frame"})},
		{"Close without FIN is refused with 1002", []string{"decode", "0802 03e8"}, "",
			has(1, []string{"without FIN", "MUST NOT be fragmented", "1002"}, "2050")},
		{"Close with a non-minimal 16-bit length is refused with 1002", []string{"decode", "887e0002 03e8"}, "",
			has(1, []string{"16-bit form", "§5.2", "1002"}, "sendable")},
		{"Close with a 64-bit length is refused with 1002", []string{"decode", "887f0000000000000002 03e8"}, "",
			has(1, []string{"64-bit form", "§5.2", "1002"}, "sendable")},

		// JSON: one value for every failure; explain's ranges; encode's hex.
		{"--json with bad hex", []string{"decode", "--json", "03zz"}, "", jsonError(2)},
		{"--json with a bad frame header", []string{"decode", "--json", "887e00"}, "", jsonError(2)},
		{"--json with a bad CODE", []string{"encode", "--json", "ok"}, "", jsonError(2)},
		{"--json with a usage error", []string{"encode", "--json"}, "", jsonError(2)},
		{"--json with an unknown flag", []string{"explain", "--json", "--yaml"}, "", jsonError(2)},
		{"explain --json rows carry first and last, in numeric order", []string{"explain", "--json"}, "",
			func(t *testing.T, out outcome) {
				codes, _ := jsonObject(t, out)["codes"].([]any)
				next := 0.0
				for _, c := range codes {
					row, _ := c.(map[string]any)
					if row["first"] != next {
						t.Fatalf("row %v: want first %v", row, next)
					}
					next = row["last"].(float64) + 1
				}
				if next != 65536 {
					t.Errorf("the rows end at %v, want 65535", next-1)
				}
			}},
		{"encode --json 1005 has hex", []string{"encode", "--json", "1005"}, "",
			func(t *testing.T, out outcome) {
				if h, ok := jsonObject(t, out)["hex"]; !ok || h != "" {
					t.Errorf(`"hex" is %v, %v; want ""`, h, ok)
				}
			}},
		{"check --json says hex as encode does", []string{"check", "--json", "1000"}, "",
			func(t *testing.T, out outcome) {
				obj := jsonObject(t, out)
				if _, body := obj["body"]; obj["hex"] != "03e8" || body {
					t.Errorf(`got %v, want "hex": "03e8" and no "body"`, obj)
				}
			}},

		// Hex parsing: commas, non-ASCII, captures.
		{"a stray comma separates", []string{"decode", "03e8,4f4b"}, "",
			has(0, []string{`"OK"`}, "odd number")},
		{"a non-ASCII character is named as it is", []string{"decode", "03é8"}, "",
			has(2, []string{"'é'", "offset 2"})},
		{"xxd dump", []string{"decode", "-"}, "00000000: 03e8 4f4b                                ..OK\n",
			has(0, []string{"1000 (normal closure)", `"OK"`})},
		{"Wireshark hex dump", []string{"decode", "-"}, "0000   88 82 37 fa 21 3d 34 12                           ..7.!=4.\n",
			has(0, []string{"1000 (normal closure)", "37fa213d"})},
		{"0x comma list", []string{"decode", "0x03,0xe8,0x4f,0x4b"}, "",
			has(0, []string{`"OK"`})},
		{`\x escapes`, []string{"decode", `\x03\xe8\x4f\x4b`}, "",
			has(0, []string{`"OK"`})},

		// decode of a refused body.
		{"a refused body says refused, not sendable", []string{"decode", "03e8eda080"}, "",
			has(1, []string{"refused"}, "sendable")},
		{"a refused body shows the reason as DecodeReason gives it", []string{"decode", "03e8eda080"}, "",
			has(1, []string{"\"\uFFFD\uFFFD\uFFFD\""})},
		{"a refused body's offset counts in the input as typed", []string{"decode", "03e8 eda080"}, "",
			has(1, []string{"input offset 5"})},
		{"a reason cut mid-character is named so", []string{"decode", "03e8 e6 8e"}, "",
			has(1, []string{"cut mid-character", "1007"})},

		// check: the close() forms and JavaScript numbers.
		{"check with no arguments is close()", []string{"check"}, "",
			has(0, []string{"close()", "1005"})},
		{"check undefined REASON is close(undefined, REASON)", []string{"check", "undefined", "x"}, "",
			has(0, []string{`close(undefined, "x")`, "03e878"})},
		{`check takes \u escapes for a lone surrogate`, []string{"check", "1000", `\uD800`}, "",
			has(0, []string{`close(1000, "\uD800")`, "03e8efbfbd", "U+FFFD"})},
		{"check -1e999 is -Infinity, as 1e999 is Infinity", []string{"check", "-1e999"}, "",
			has(1, []string{"close(-1e999) throws InvalidAccessError"})},
		{"check 0x3e8 is 1000", []string{"check", "0x3e8"}, "",
			has(0, []string{"close(0x3e8) sends a Close frame", "03e8"})},

		// Exit statuses, one error format, "--".
		{"an error prefix names the command, once", []string{"encode", "1005", "x"}, "",
			func(t *testing.T, out outcome) {
				if !strings.HasPrefix(out.Stderr, "wsclose encode: ") || strings.Count(out.Stderr, "wsclose") != 1 {
					t.Errorf("stderr %q, want one line starting \"wsclose encode: \"", out.Stderr)
				}
			}},
		{"check's error prefix names the command, once", []string{"check", "2999", "x"}, "",
			func(t *testing.T, out outcome) {
				if !strings.HasPrefix(out.Stderr, "wsclose check: ") || strings.Count(out.Stderr, "wsclose") != 1 {
					t.Errorf("stderr %q, want one line starting \"wsclose check: \"", out.Stderr)
				}
			}},
		{`"--" is documented`, []string{"-h"}, "",
			has(0, []string{`after "--" nothing is a flag`})},
		{`a reason starting with "-" is told about "--"`, []string{"encode", "1000", "-x"}, "",
			has(2, []string{`put "--" before arguments that begin with "-"`})},

		// Structure: each command its own help and flags; one usage source;
		// every result as JSON with its exit status.
		{"decode -h is decode's help only", []string{"decode", "-h"}, "",
			func(t *testing.T, out outcome) {
				has(0, []string{"--json"}, "--truncate", "wsclose check")(t, out)
				if !strings.HasPrefix(out.Stdout, "usage: wsclose decode ") {
					t.Errorf("decode -h does not start with its usage line:\n%s", out.Stdout)
				}
			}},
		{"wsclose -h lists each command's usage line", []string{"-h"}, "",
			func(t *testing.T, out outcome) {
				for _, name := range []string{"decode", "encode", "explain", "check", "version"} {
					help := runArgs("", "help", name).Stdout
					line, _, _ := strings.Cut(strings.TrimPrefix(help, "usage: "), "\n")
					if !strings.HasPrefix(help, "usage: wsclose "+name) || !strings.Contains(out.Stdout, "  "+line+"\n") {
						t.Errorf("wsclose -h lacks the usage line of \"wsclose help %s\":\n%s", name, help)
					}
				}
			}},
		{"every command's JSON carries its exit status", []string{"explain", "--json", "1000"}, "",
			func(t *testing.T, out outcome) {
				for _, args := range [][]string{{"explain", "--json", "1000"}, {"decode", "--json", "03e8"}, {"encode", "--json", "1000"}, {"check", "--json", "1000"}, {"version", "--json"}} {
					if obj := jsonObject(t, runArgs("", args...)); obj["exit"] != 0.0 {
						t.Errorf("%v: %v, want \"exit\": 0", args, obj)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, runArgs(tt.stdin, tt.args...))
		})
	}

	t.Run("a failed write exits 3", func(t *testing.T) {
		var stderr bytes.Buffer
		if exit := run([]string{"encode", "1000"}, strings.NewReader(""), errWriter{}, &stderr); exit != 3 {
			t.Errorf("exit %d with stdout failing, want 3; stderr %q", exit, stderr.String())
		}
		var stdout bytes.Buffer
		if exit := run([]string{"encode", "1005", "x"}, strings.NewReader(""), &stdout, errWriter{}); exit != 3 {
			t.Errorf("exit %d with stderr failing, want 3", exit)
		}
	})
}
