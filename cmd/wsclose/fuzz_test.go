package main

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// maxOutput bounds what one run prints for input of n bytes (arguments and
// standard input): inputs are quoted to 40 characters, bodies are at most
// 125 bytes, the whole registry as JSON is about 8 KB, and a capture's
// output grows with the frames in it.
func maxOutput(n int) int { return 32<<10 + 16*n }

// jsonFields is the field list a --json run of args must print, in order:
// the command's documented fields, then the status.
func jsonFields(args []string) []string {
	inv := &invocation{}
	positional, err := parseInterspersed(newFlagSet(inv), args)
	status := []string{"error", "offset", "exit"}
	switch {
	case err != nil || len(positional) == 0 && !inv.help:
		return status
	case len(positional) == 0 || positional[0] == "help" || inv.help && lookup(positional[0]) != nil:
		return append(slices.Clone(cmdHelp.fields), status...)
	case positional[0] == "decode" && inv.pcap != "":
		return append(slices.Clone(cmdDecodePcap.fields), status...)
	case lookup(positional[0]) != nil:
		return append(slices.Clone(lookup(positional[0]).fields), status...)
	}
	return status
}

// wantsJSON reports whether args ask for JSON, as run parses them.
func wantsJSON(args []string) bool {
	inv := &invocation{}
	parseInterspersed(newFlagSet(inv), args)
	return inv.json
}

// checkRun runs the command with args and stdin and checks what holds for
// every run: the exit status is 0, 1 or 2 (3 needs a failed write); the
// output is bounded; stderr holds "wsclose …" lines whenever the status is
// not 0; with --json, stdout is exactly one JSON object with the fields the
// command documents, every one present, "exit" the exit status and "error"
// null exactly when that is 0.
func checkRun(t *testing.T, args []string, stdin string) outcome {
	t.Helper()
	out := runArgs(stdin, args...)
	if out.Exit != exitOK && out.Exit != exitRule && out.Exit != exitUnreadable {
		t.Fatalf("%q: exit %d", args, out.Exit)
	}
	if n := len(stdin) + len(strings.Join(args, " ")); len(out.Stdout)+len(out.Stderr) > maxOutput(n) {
		t.Fatalf("%q: %d bytes on stdout, %d on stderr for %d of input", args, len(out.Stdout), len(out.Stderr), n)
	}
	if out.Exit != exitOK && !strings.HasPrefix(out.Stderr, "wsclose") {
		t.Fatalf("%q: exit %d with stderr %q", args, out.Exit, out.Stderr)
	}
	if !wantsJSON(args) {
		return out
	}
	obj := jsonObject(t, out)
	if got, want := keys(out.Stdout), jsonFields(args); !slices.Equal(got, want) {
		t.Fatalf("%q: JSON fields %q, want %q", args, got, want)
	}
	if obj["exit"] != float64(out.Exit) || (obj["error"] == nil) != (out.Exit == exitOK) {
		t.Fatalf("%q: exit %d, JSON %s", args, out.Exit, out.Stdout)
	}
	return out
}

// captureSeeds are the capture files under testdata, for the fuzz seeds.
func captureSeeds(f *testing.F) []string {
	names, _ := filepath.Glob("testdata/*.pcap*")
	var out []string
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// FuzzRun runs the whole command on fuzzed arguments (words separated by
// NUL) and standard input, as text and as JSON, and checks the properties
// of checkRun: the input readers (hex, dumps at any offset, base64, packet
// dumps, pcap and pcapng on standard input) included.
func FuzzRun(f *testing.F) {
	frame, _ := hex.DecodeString("880a03e9676f6f6462796521")
	seeds := []struct{ args, stdin string }{
		{"decode\x0003e9676f696e672061776179", ""},                          // a body with a reason
		{"decode\x0088 82 37 fa 21 3d 34 12", ""},                           // a masked Close frame
		{"decode\x00-", "00000000: 8882 37fa 213d 3412  ..7.!=4.\n"},        // an xxd dump on stdin
		{"decode", "0010   88 82 37 fa 21 3d 34 12   ..7.!=4.\n"},           // a Wireshark dump at offset 0x10, stdin unasked
		{"decode\x00-", "00000000  88 82 37 fa  |..7.|\n00000004\n"},        // hexdump -C, cut
		{"decode\x00\\x03\\xe8,0x4f:4b", ""},                                // mixed forms
		{"decode\x00A+hPSw==", ""},                                          // base64
		{"decode\x00-", base64.StdEncoding.EncodeToString(frame)},           // a frame in base64
		{"decode\x00-", wiresharkDump(tcpPacket(frame, false), 0)},          // an IPv4 packet dump
		{"decode\x00-", wiresharkDump(tcpPacket(frame, true), 0)},           // an IPv6 packet dump
		{"decode\x00-", hex.EncodeToString(tcpPacket([]byte("GET"), true))}, // a packet with no frame
		{"decode\x00887e0002 03e8", ""},                                     // a non-minimal length
		{"decode\x008882 37fa", ""},                                         // a header cut in the key
		{"decode\x00empty", ""},                                             // the empty body
		{"decode\x00887f8000000000000002", ""},                              // the 64-bit length's top bit
		{"encode\x001000\x00bye", ""},                                       // a body
		{"encode\x00--truncate\x004000\x00" + strings.Repeat("é", 70), ""},  // truncation
		{"encode\x00--lossy\x001000\x00a\xffb", ""},                         // repair
		{"encode\x001005", ""},                                              // the empty body
		{"explain", ""},                                                     // the registry
		{"explain\x001014\x0065535", ""},                                    // two codes
		{"check", ""},                                                       // close()
		{"check\x00undefined\x00\\uD800x", ""},                              // close(undefined, lone surrogate)
		{"check\x00-0x10", ""},                                              // a signed hex literal
		{"check\x00--\x001000\x00-x", ""},                                   // "--"
		{"--json\x00help\x00check", ""},                                     // a command's help
		{"event\x0003e8 4f4b\x00then\x0003e9", ""},                          // two Close bodies
		{"event\x00--role\x00server\x000bb7\x00then\x00none", ""},           // a refused body, then TCP lost
		{"event\x00-", "efbbbf"},                                            // a body on standard input
		{"version", ""},                                                     // the version
		{"frobnicate\x00--yaml", ""},                                        // an unknown command
		{"encode\x00--truncate=maybe\x001000", ""},                          // a bad flag value
	}
	for _, s := range seeds {
		f.Add(s.args, s.stdin)
	}
	for _, c := range captureSeeds(f) {
		f.Add("decode\x00--pcap\x00-", c) // a capture made by tcpdump, on standard input
	}
	f.Fuzz(func(t *testing.T, args, stdin string) {
		argv := strings.Split(args, "\x00")
		if slices.Contains(argv, "probe") {
			t.Skip("probe makes connections and writes files; probe_test.go tests it")
		}
		if len(argv) > 20 {
			argv = argv[:20]
		}
		for i, a := range argv {
			if name := strings.TrimLeft(a, "-"); a != name && (name == "pcap" || strings.HasPrefix(name, "pcap=")) {
				// Standard input, never a file named by the fuzzer.
				argv = append(argv[:i:i], "--pcap=-")
				break
			}
		}
		checkRun(t, argv, stdin)
		checkRun(t, append([]string{"--json"}, argv...), stdin)
	})
}
