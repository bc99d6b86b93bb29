package main

import (
	"strings"
	"testing"
)

// Bounds on what one run prints, whatever its input: inputs are quoted to
// 40 characters, bodies are at most 125 bytes, and explain takes at most 16
// codes (the whole registry as JSON is the longest output, about 8 KB).
const (
	maxStdout = 16 << 10
	maxStderr = 2 << 10
)

// checkRun runs the command with args and stdin and checks what holds for
// every run: the exit status is 0, 1 or 2 (3 needs a failed write); the
// output is bounded; with --json, stdout is exactly one JSON object whose
// "exit" is the exit status and which has "error" exactly when that is not
// 0; without it, stderr holds "wsclose …" lines exactly when the status is
// not 0.
func checkRun(t *testing.T, args []string, stdin string) outcome {
	t.Helper()
	out := runArgs(stdin, args...)
	if out.Exit != exitOK && out.Exit != exitInvalid && out.Exit != exitUsage {
		t.Fatalf("%q: exit %d", args, out.Exit)
	}
	if len(out.Stdout) > maxStdout || len(out.Stderr) > maxStderr {
		t.Fatalf("%q: %d bytes on stdout, %d on stderr", args, len(out.Stdout), len(out.Stderr))
	}
	if (out.Exit != exitOK) != (out.Stderr != "") {
		t.Fatalf("%q: exit %d with stderr %q", args, out.Exit, out.Stderr)
	}
	if out.Stderr != "" && !strings.HasPrefix(out.Stderr, "wsclose") {
		t.Fatalf("%q: stderr %q", args, out.Stderr)
	}
	if !jsonRequested(args) {
		return out
	}
	obj := jsonObject(t, out)
	_, hasError := obj["error"]
	if obj["exit"] != float64(out.Exit) || hasError != (out.Exit != exitOK) {
		t.Fatalf("%q: exit %d, JSON %s", args, out.Exit, out.Stdout)
	}
	return out
}

// FuzzRun runs the whole command on fuzzed arguments (words separated by
// NUL) and standard input, as text and as JSON, and checks the properties
// of checkRun.
func FuzzRun(f *testing.F) {
	seeds := []struct{ args, stdin string }{
		{"decode\x0003e9676f696e672061776179", ""},                         // a body with a reason
		{"decode\x0088 82 37 fa 21 3d 34 12", ""},                          // a masked Close frame
		{"decode\x00-", "00000000: 8882 37fa 213d 3412  ..7.!=4.\n"},       // an xxd dump on stdin
		{"decode\x00-", "0000   88 82 37 fa 21 3d 34 12   ..7.!=4.\n"},     // a Wireshark dump
		{"decode\x00-", "00000000  88 82 37 fa  |..7.|\n00000004\n"},       // hexdump -C, cut
		{"decode\x00\\x03\\xe8,0x4f:4b", ""},                               // mixed forms
		{"decode\x00887e0002 03e8", ""},                                    // a non-minimal length
		{"decode\x000802 03e8", ""},                                        // no FIN
		{"decode\x008102 6869", ""},                                        // a Text frame
		{"decode\x0003e8 e6 8e", ""},                                       // a reason cut mid-character
		{"decode\x00887f8000000000000002", ""},                             // the 64-bit length's top bit
		{"encode\x001000\x00bye", ""},                                      // a body
		{"encode\x00--truncate\x004000\x00" + strings.Repeat("é", 70), ""}, // truncation
		{"encode\x001005", ""},                                             // the empty body
		{"explain", ""},                                                    // the registry
		{"explain\x001014\x0065535", ""},                                   // two codes
		{"check", ""},                                                      // close()
		{"check\x00undefined\x00\\uD800x", ""},                             // close(undefined, lone surrogate)
		{"check\x00-0x10", ""},                                             // a signed hex literal
		{"check\x002999.5e0", ""},                                          // an exponent
		{"check\x00--\x001000\x00-x", ""},                                  // "--"
		{"help\x00check", ""},                                              // a command's help
		{"event\x0003e84f4b\x0003e9", ""},                                  // two Close bodies
		{"event\x00--role\x00server\x000bb7\x00none", ""},                  // a refused body, then TCP lost
		{"event\x00efbbbf", ""},                                            // a 3-byte body
		{"version", ""},                                                    // the version
		{"frobnicate\x00--yaml", ""},                                       // an unknown command
		{"encode\x00--truncate=maybe\x001000", ""},                         // a bad flag value
	}
	for _, s := range seeds {
		f.Add(s.args, s.stdin)
	}
	f.Fuzz(func(t *testing.T, args, stdin string) {
		argv := strings.Split(args, "\x00")
		if len(argv) > 20 {
			argv = argv[:20]
		}
		checkRun(t, argv, stdin)
		if len(argv) > 0 {
			checkRun(t, append([]string{argv[0], "--json"}, argv[1:]...), stdin)
		}
	})
}
