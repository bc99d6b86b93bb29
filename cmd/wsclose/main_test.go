package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wsclose/wsclose"
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

// TestOutput checks whole outputs and exit statuses, text and JSON.
func TestOutput(t *testing.T) {
	tests := []struct {
		args []string
		want outcome
	}{
		{[]string{"decode", "03e9676f696e672061776179"}, outcome{
			"input     12 bytes of hex\ncode      1001 (going away)\nclass     1000–2999 protocol\nreason    \"going away\" (10 bytes)\nsendable  yes, by an endpoint; a browser script's close() throws InvalidAccessError\n",
			"", 0}},
		{[]string{"decode", ""}, outcome{
			"",
			"wsclose decode: empty input; the empty Close body is written \"empty\"\n", 2}},
		{[]string{"decode", "03"}, outcome{
			"input    1 byte of hex\nrefused  a 1-byte body at input offset 0: a body that is not empty begins with a 2-byte code (RFC 6455 §5.5.1)\nfail     the connection with 1002 (protocol error) (RFC 6455 §7.1.7)\n",
			"wsclose decode: refused; fail the connection with 1002 (protocol error)\n", 1}},
		{[]string{"decode", "--json", "03e84f4b"}, outcome{
			"{\"input\":\"4 bytes of hex\",\"packet\":null,\"frame\":null,\"code\":1000,\"name\":\"normal closure\",\"class\":\"1000–2999 protocol\",\"reason\":\"OK\",\"reason_bytes\":2,\"valid\":true,\"script_allowed\":true,\"fail_code\":null,\"error\":null,\"offset\":null,\"exit\":0}\n",
			"", 0}},
		{[]string{"decode", "--json", "03ed"}, outcome{
			"{\"input\":\"2 bytes of hex\",\"packet\":null,\"frame\":null,\"code\":1005,\"name\":\"no status received\",\"class\":\"1000–2999 protocol\",\"reason\":\"\",\"reason_bytes\":0,\"valid\":false,\"script_allowed\":false,\"fail_code\":1002,\"error\":\"refused: code 1005 at input offset 0: reported only, never sent (RFC 6455 §7.4.1); fail the connection with 1002 (protocol error)\",\"offset\":0,\"exit\":1}\n",
			"wsclose decode: refused: code 1005 at input offset 0: reported only, never sent (RFC 6455 §7.4.1); fail the connection with 1002 (protocol error)\n", 1}},
		{[]string{"encode", "3000", "接続"}, outcome{
			"0bb8e68ea5e7b69a\n",
			"", 0}},
		{[]string{"encode", "1005"}, outcome{
			"",
			"wsclose encode: the body is empty: 1005 is sent as no body at all, which the peer reports as 1005, \"no status\" (RFC 6455 §7.1.5)\n", 0}},
		{[]string{"encode", "--json", "1000", "bye"}, outcome{
			"{\"code\":1000,\"reason\":\"bye\",\"reason_bytes\":3,\"truncated\":false,\"repaired\":false,\"hex\":\"03e8627965\",\"error\":null,\"offset\":null,\"exit\":0}\n",
			"", 0}},
		{[]string{"encode", "--json", "--truncate", "1000", strings.Repeat("日", 42)}, outcome{
			"{\"code\":1000,\"reason\":\"日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日\",\"reason_bytes\":123,\"truncated\":true,\"repaired\":false,\"hex\":\"03e8e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5e697a5\",\"error\":null,\"offset\":null,\"exit\":0}\n",
			"", 0}},
		{[]string{"encode", "--json", "1004"}, outcome{
			"{\"code\":1004,\"reason\":null,\"reason_bytes\":null,\"truncated\":false,\"repaired\":false,\"hex\":null,\"error\":\"code 1004 may not be sent: reserved (RFC 6455 §7.4.1)\",\"offset\":null,\"exit\":1}\n",
			"wsclose encode: code 1004 may not be sent: reserved (RFC 6455 §7.4.1)\n", 1}},
		{[]string{"encode", "1000", strings.Repeat("a", 124)}, outcome{
			"",
			"wsclose encode: the reason is 124 bytes; a Close body holds at most 123 after the code (RFC 6455 §5.5); --truncate cuts it at a character boundary\n", 1}},
		{[]string{"check", "2999.5"}, outcome{
			"ok    close(2999.5) sends a Close frame\ncode  3000 (unauthorized), from 2999.5: Web IDL [Clamp] clamps to 0–65535 and rounds half to even\nhex   0bb8\n",
			"", 0}},
		{[]string{"check", "--json", "1001", "x"}, outcome{
			"{\"call\":\"close(1001, \\\"x\\\")\",\"code\":1001,\"reason\":\"x\",\"reason_bytes\":1,\"exception\":\"InvalidAccessError\",\"hex\":null,\"error\":\"close(1001, \\\"x\\\") throws InvalidAccessError: close() takes only 1000 or 3000–4999, not 1001 (WHATWG WebSockets Standard, close() step 1)\",\"offset\":null,\"exit\":1}\n",
			"wsclose check: close(1001, \"x\") throws InvalidAccessError: close() takes only 1000 or 3000–4999, not 1001 (WHATWG WebSockets Standard, close() step 1)\n", 1}},
		{[]string{"check", "--json"}, outcome{
			"{\"call\":\"close()\",\"code\":null,\"reason\":null,\"reason_bytes\":0,\"exception\":null,\"hex\":\"\",\"error\":null,\"offset\":null,\"exit\":0}\n",
			"", 0}},
		{[]string{"explain", "--json", "1014"}, outcome{
			"{\"codes\":[{\"first\":1014,\"last\":1014,\"name\":\"bad gateway\",\"class\":\"1000–2999 protocol\",\"registered\":true,\"meaning\":\"the server was acting as a gateway or proxy and received an invalid response from the upstream server (like HTTP 502)\",\"sendable\":true,\"script_allowed\":false,\"close_event\":\"code 1014 with the peer's reason, wasClean true, after a clean closing handshake\"}],\"error\":null,\"offset\":null,\"exit\":0}\n",
			"", 0}},
		{[]string{"frobnicate", "--json"}, outcome{
			"{\"error\":\"unknown command \\\"frobnicate\\\"; run \\\"wsclose -h\\\" for the usage\",\"offset\":null,\"exit\":2}\n",
			"wsclose: unknown command \"frobnicate\"; run \"wsclose -h\" for the usage\n", 2}},
		{[]string{"encode"}, outcome{
			"",
			"wsclose encode: missing arguments\nusage: wsclose encode [--json] [--truncate] [--lossy] CODE [REASON]\nRun \"wsclose help encode\" for details.\n", 2}},
		{[]string{"--json", "decode", "8882", "37fa"}, outcome{
			"{\"input\":\"4 bytes of hex\",\"packet\":null,\"frame\":{\"opcode\":8,\"type\":\"close\",\"fin\":true,\"rsv\":0,\"masked\":true,\"mask_key\":null,\"payload_len\":2,\"header_len\":null},\"code\":null,\"name\":null,\"class\":null,\"reason\":null,\"reason_bytes\":null,\"valid\":null,\"script_allowed\":null,\"fail_code\":null,\"error\":\"the frame header is cut short: the masking key is missing\",\"offset\":9,\"exit\":2}\n",
			"wsclose decode: the frame header is cut short: the masking key is missing\n", 2}},
		{[]string{"event", "--json", "0bb7", "then", "none"}, outcome{
			"{\"role\":\"client\",\"steps\":[{\"body\":\"0bb7\",\"verdict\":\"refused\",\"refused\":\"code 2999: unassigned (1016-2999) (RFC 6455 §7.4.2)\",\"reply\":\"03ea696e76616c696420636c6f736520636f646520323939393a20756e61737369676e65642028313031362d3239393929\",\"close_transport\":true,\"state\":\"closing\"},{\"body\":null,\"verdict\":\"tcp_lost\",\"refused\":null,\"reply\":null,\"close_transport\":false,\"state\":\"closed\"}],\"tcp\":\"lost\",\"tcp_note\":\"the TCP connection was lost\",\"event\":{\"code\":1006,\"reason\":\"\",\"was_clean\":false,\"error_event\":true,\"dropped\":false},\"engines\":[\"Chromium in case server-close-code-2999 (fail): sends Close 2999; no error event, close 2999 \\\"\\\" wasClean; RFC 6455 §5.5.1, §7.4: invalid close code 2999: unassigned (1016-2999); the client took it and answered 2999 instead of failing the connection with 1002 (§7.1.7; Autobahn TestSuite fails this)\"],\"error\":\"the connection fails: code 1006 (abnormal closure), wasClean false\",\"offset\":null,\"exit\":1}\n",
			"wsclose event: the connection fails: code 1006 (abnormal closure), wasClean false\n", 1}},
		{[]string{"encode", "--lossy", "1000", "a\xffb"}, outcome{
			"03e861efbfbd62\n",
			"wsclose encode: the reason was not UTF-8: each bad sequence became U+FFFD (--lossy)\n", 0}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, runArgs("", tt.args...)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHexInput checks the spellings of bytes that decode takes, and where
// it says the first bad character is.
func TestHexInput(t *testing.T) {
	const frame = "\x88\x82\x37\xfa\x21\x3d\x34\x12" // close(1000) from a client, masked
	tests := []struct {
		name       string
		text       string
		want       string // the bytes read
		dump       bool
		wantOffset []int // where each byte was, when checked
		wantErr    string
	}{
		{name: "plain", text: "03e84f4b", want: "\x03\xe8OK", wantOffset: []int{0, 2, 4, 6}},
		{name: "spaces and newlines", text: "03 e8\n4f\t4b\r\n", want: "\x03\xe8OK", wantOffset: []int{0, 3, 6, 9}},
		{name: "colons", text: "03:e8:4f:4b", want: "\x03\xe8OK"},
		{name: "0x prefix", text: "0x03e84f4b", want: "\x03\xe8OK", wantOffset: []int{2, 4, 6, 8}},
		{name: "0x per byte, commas", text: "0x03, 0xE8, 0x4f, 0x4b", want: "\x03\xe8OK"},
		{name: "C array body", text: "0x03,0xe8,", want: "\x03\xe8"},
		{name: `\x escapes`, text: `\x03\xe8\x4f\x4b`, want: "\x03\xe8OK", wantOffset: []int{2, 6, 10, 14}},
		{name: "xxd -p, two lines", text: "8882\n37fa213d3412\n", want: frame},
		{name: "xxd", text: "00000000: 8882 37fa 213d 3412                      ..7.!=4.\n", want: frame, dump: true,
			wantOffset: []int{10, 12, 15, 17, 20, 22, 25, 27}},
		{name: "xxd without the ASCII column", text: "00000000: 8882 37fa 213d 3412", want: frame, dump: true},
		{name: "xxd, two lines", text: "00000000: 0102 0304 0506 0708 090a 0b0c 0d0e 0f10  ................\n00000010: 03e8 4f4b                                ..OK\n",
			want: "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x03\xe8OK", dump: true},
		{name: "xxd, ASCII column that looks like hex", text: "00000000: 6162 6364  abcd", want: "abcd", dump: true},
		{name: "xxd, ASCII column ending in a space lost in copying", text: "00000000: 03e8 4f20  ..O", want: "\x03\xe8O ", dump: true},
		{name: "Wireshark Copy as Hex Dump", text: "0000   88 82 37 fa 21 3d 34 12                           ..7.!=4.", want: frame, dump: true},
		{name: "Wireshark, older two-space form", text: "0000  88 82 37 fa 21 3d 34 12                           ..7.!=4.", want: frame, dump: true},
		{name: "hexdump -C, with the end offset", text: "00000000  88 82 37 fa 21 3d 34 12                           |..7.!=4.|\n00000008\n", want: frame, dump: true},
		{name: "an offset-like first group with one space is hex", text: "0000 03e8", want: "\x00\x00\x03\xe8"},
		{name: "empty", text: "", want: ""},
		{name: "odd digits", text: "03e", wantErr: `odd number of hex digits (3) at offset 0 in "03e"`},
		{name: "stray comma", text: "03,,e8", want: "\x03\xe8"},
		{name: "bad character before odd count", text: "03e 8zz", wantErr: `not hex: 'z' at offset 5 in "03e 8zz"`},
		{name: "non-ASCII", text: "03 é8", wantErr: `not hex: 'é' (U+00E9) at offset 3 in "03 é8"`},
		{name: "not UTF-8", text: "03\xff", wantErr: `not hex: byte 0xff at offset 2 in "03\xff"`},
		{name: "0x with nothing after", text: "0x", wantErr: `not hex: end of input at offset 2 in "0x"`},
		{name: "a dump line whose ASCII column does not match", text: "00000000: 03e8 4f4b  ..Ok", wantErr: `not hex: '.' at offset 21`},
		{name: "long input is quoted to 40 characters", text: strings.Repeat("0", 41) + "g", wantErr: `not hex: 'g' at offset 41 in "` + strings.Repeat("0", 40) + `"...`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := readBytes(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseHex(%q) error %v, want %q", tt.text, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseHex(%q): %v", tt.text, err)
			}
			if diff := cmp.Diff([]byte(tt.want), in.data, cmp.Comparer(bytes.Equal)); diff != "" || (in.form == "hex dump") != tt.dump {
				t.Errorf("form %v (want dump %v); bytes mismatch (-want +got):\n%s", in.form, tt.dump, diff)
			}
			if tt.wantOffset != nil {
				if diff := cmp.Diff(tt.wantOffset, in.offset); diff != "" {
					t.Errorf("offsets mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestFrames checks decode's reading of frames: the header, the verdict,
// the code to fail with and the offset of the fault in the input.
func TestFrames(t *testing.T) {
	type result struct {
		Frame    *frameInfo `json:"frame"`
		Code     *int       `json:"code"`
		Reason   *string    `json:"reason"`
		Valid    bool       `json:"valid"`
		FailCode *int       `json:"fail_code"`
		Offset   *int       `json:"offset"`
		Exit     int        `json:"exit"`
	}
	ip := func(n int) *int { return &n }
	sp := func(s string) *string { return &s }
	closeFrame := func(payloadLen uint64, headerLen int) *frameInfo {
		return &frameInfo{Opcode: 8, Type: "close", FIN: true, PayloadLen: &payloadLen, HeaderLen: &headerLen}
	}
	tests := []struct {
		name string
		hex  string
		want result
	}{
		{"unmasked, from a server", "8802 03e8", result{Frame: closeFrame(2, 2), Code: ip(1000), Reason: sp(""), Valid: true}},
		{"masked, from a client", "8882 37fa213d 3412", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true, Masked: true, MaskKey: ptr("37fa213d"), PayloadLen: ptr[uint64](2), HeaderLen: ptr(6)}, Code: ip(1000), Reason: sp(""), Valid: true}},
		{"masked with a reason", "8885 01020304 02eb6a6a6e", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true, Masked: true, MaskKey: ptr("01020304"), PayloadLen: ptr[uint64](5), HeaderLen: ptr(6)}, Code: ip(1001), Reason: sp("ino"), Valid: true}},
		{"empty Close frame", "8800", result{Frame: closeFrame(0, 2), Code: ip(1005), Reason: sp(""), Valid: true}},
		{"1-byte payload", "880161", result{Frame: closeFrame(1, 2), FailCode: ip(1002), Offset: ip(4), Exit: 1}},
		{"invalid code in a frame: offset of the code", "8802 03ed", result{Frame: closeFrame(2, 2), Code: ip(1005), Reason: sp(""), FailCode: ip(1002), Offset: ip(5), Exit: 1}},
		{"bad reason in a masked frame: offset of the byte", "8883 00000000 03e8ff", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true, Masked: true, MaskKey: ptr("00000000"), PayloadLen: ptr[uint64](3), HeaderLen: ptr(6)}, Code: ip(1000), Reason: sp("\uFFFD"), FailCode: ip(1007), Offset: ip(18), Exit: 1}},
		{"Autobahn 7.3.6: 126 bytes", "887e007e03e8" + strings.Repeat("2a", 124), result{Frame: closeFrame(126, 4), FailCode: ip(1002), Offset: ip(2), Exit: 1}},
		{"non-minimal 16-bit length", "887e0002 03e8", result{Frame: closeFrame(2, 4), FailCode: ip(1002), Offset: ip(2), Exit: 1}},
		{"non-minimal 64-bit length", "887f0000000000000002 03e8", result{Frame: closeFrame(2, 10), FailCode: ip(1002), Offset: ip(2), Exit: 1}},
		{"64-bit length with the top bit set", "887f8000000000000002 03e8", result{Frame: closeFrame(1<<63+2, 10), FailCode: ip(1002), Offset: ip(4), Exit: 1}},
		{"RSV1", "c802 03e8", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true, RSV: 4, PayloadLen: ptr[uint64](2), HeaderLen: ptr(2)}, FailCode: ip(1002), Offset: ip(0), Exit: 1}},
		{"no FIN", "0802 03e8", result{Frame: &frameInfo{Opcode: 8, Type: "close", PayloadLen: ptr[uint64](2), HeaderLen: ptr(2)}, FailCode: ip(1002), Offset: ip(0), Exit: 1}},
		{"reserved opcode", "8b00", result{Frame: &frameInfo{Opcode: 0xB, Type: "reserved", FIN: true, PayloadLen: ptr[uint64](0), HeaderLen: ptr(2)}, FailCode: ip(1002), Offset: ip(0), Exit: 1}},
		{"Text frame", "8102 6869", result{Frame: &frameInfo{Opcode: 1, Type: "text", FIN: true, PayloadLen: ptr[uint64](2), HeaderLen: ptr(2)}, Offset: ip(0), Exit: 2}},
		{"Text frame without FIN, whole", "0102 6869", result{Frame: &frameInfo{Opcode: 1, Type: "text", PayloadLen: ptr[uint64](2), HeaderLen: ptr(2)}, Offset: ip(0), Exit: 2}},
		{"0x01 without a matching length is a body", "0102", result{Code: ip(258), Reason: sp(""), FailCode: ip(1002), Offset: ip(0), Exit: 1}},
		{"0x0B.. is a body: 3000", "0bb8", result{Code: ip(3000), Reason: sp(""), Valid: true}},
		{"payload shorter than the header says", "880503e8", result{Frame: closeFrame(5, 2), Offset: ip(8), Exit: 2}},
		{"payload longer than the header says", "880203e8ff", result{Frame: closeFrame(2, 2), Offset: ip(10), Exit: 2}},
		{"header cut short: 16-bit length", "887e00", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true}, Offset: ip(6), Exit: 2}},
		{"header cut short: masking key", "888237fa", result{Frame: &frameInfo{Opcode: 8, Type: "close", FIN: true, Masked: true, PayloadLen: ptr[uint64](2)}, Offset: ip(8), Exit: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := runArgs("", "decode", "--json", tt.hex)
			var got result
			jsonObject(t, out)
			if err := json.Unmarshal([]byte(out.Stdout), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || out.Exit != tt.want.Exit {
				t.Errorf("exit %d; mismatch (-want +got):\n%s\n%s", out.Exit, diff, out.Stdout)
			}
		})
	}
}

// TestExitStatus runs a case of each exit status, in text and JSON.
func TestExitStatus(t *testing.T) {
	tests := []struct {
		name string
		args []string
		exit int
	}{
		{"ok", []string{"decode", "03e8"}, exitOK},
		{"ok: help", []string{"help", "check"}, exitOK},
		{"ok: event", []string{"event", "03e8"}, exitOK},
		{"ok: explain of a code never sent", []string{"explain", "1005"}, exitOK},
		{"rule: a refused body", []string{"decode", "03"}, exitRule},
		{"rule: a refused frame", []string{"decode", "0802 03e8"}, exitRule},
		{"rule: a code that may not be sent", []string{"encode", "1004"}, exitRule},
		{"rule: CODE over 65535", []string{"encode", "66536"}, exitRule},
		{"rule: a reason that is not UTF-8", []string{"encode", "1000", "\xff"}, exitRule},
		{"rule: close() throws", []string{"check", "1001"}, exitRule},
		{"rule: event with a refused body", []string{"event", "0bb7"}, exitRule},
		{"rule: event with TCP lost", []string{"event", "none"}, exitRule},
		{"unreadable: bad hex", []string{"decode", "zz"}, exitUnreadable},
		{"unreadable: empty", []string{"decode", ""}, exitUnreadable},
		{"unreadable: not a whole frame", []string{"decode", "8882 37fa"}, exitUnreadable},
		{"unreadable: CODE", []string{"encode", "x"}, exitUnreadable},
		{"unreadable: REASON escape", []string{"check", "1000", `\q`}, exitUnreadable},
		{"unreadable: explain", []string{"explain", "-1"}, exitUnreadable},
		{"unreadable: no capture", []string{"decode", "--pcap", "testdata/README.md"}, exitUnreadable},
		{"usage: no command", nil, exitUnreadable},
		{"usage: unknown command", []string{"frobnicate"}, exitUnreadable},
		{"usage: unknown flag", []string{"decode", "--yaml", "03e8"}, exitUnreadable},
		{"usage: another command's flag", []string{"decode", "--truncate", "03e8"}, exitUnreadable},
		{"usage: a flag value not among its choices", []string{"event", "--role", "peer", "03e8"}, exitUnreadable},
		{"usage: a bool flag's bad value", []string{"encode", "--truncate=maybe", "1000"}, exitUnreadable},
		{"usage: too few", []string{"encode"}, exitUnreadable},
		{"usage: too many", []string{"encode", "1000", "a", "b"}, exitUnreadable},
		{"usage: version takes none", []string{"version", "x"}, exitUnreadable},
		{"usage: - with more", []string{"decode", "-", "03"}, exitUnreadable},
		{"usage: help for nothing", []string{"help", "frobnicate"}, exitUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if out := checkRun(t, tt.args, ""); out.Exit != tt.exit {
				t.Errorf("exit %d, want %d", out.Exit, tt.exit)
			}
			json := append([]string{"--json"}, tt.args...)
			if len(tt.args) > 0 {
				json = append([]string{tt.args[0], "--json"}, tt.args[1:]...) // the command name first
			}
			if out := checkRun(t, json, ""); out.Exit != tt.exit {
				t.Errorf("--json: exit %d, want %d", out.Exit, tt.exit)
			}
		})
	}
	t.Run("write failed", func(t *testing.T) {
		var stderr bytes.Buffer
		if exit := run([]string{"--json", "explain"}, strings.NewReader(""), errWriter{}, &stderr); exit != exitWrite || !strings.Contains(stderr.String(), "no space left") {
			t.Errorf("exit %d, stderr %q; want %d and the write error", exit, stderr.String(), exitWrite)
		}
		if exit := run([]string{"-h"}, strings.NewReader(""), errWriter{}, &stderr); exit != exitWrite {
			t.Errorf("help: exit %d, want %d", exit, exitWrite)
		}
	})
}

// TestCheck checks the close() forms and the JavaScript numbers check takes.
func TestCheck(t *testing.T) {
	tests := []struct {
		args      []string
		code      any // float64 or nil
		hex       any // string or nil
		exception string
	}{
		{nil, nil, "", ""},
		{[]string{"undefined"}, nil, "", ""},
		{[]string{"1000"}, 1000.0, "03e8", ""},
		{[]string{"undefined", ""}, nil, "", ""}, // an empty reason is no reason: AppendScriptClose takes no other
		{[]string{"undefined", "bye"}, 1000.0, "03e8627965", ""},
		{[]string{"--", "1000", "-x"}, 1000.0, "03e82d78", ""},
		{[]string{"0x3e8"}, 1000.0, "03e8", ""},
		{[]string{"0X3E8"}, 1000.0, "03e8", ""},
		{[]string{"0o1750"}, 1000.0, "03e8", ""},
		{[]string{"0b1111101000"}, 1000.0, "03e8", ""},
		{[]string{"1e3"}, 1000.0, "03e8", ""},
		{[]string{"1000.0"}, 1000.0, "03e8", ""},
		{[]string{"+1000"}, 1000.0, "03e8", ""},
		{[]string{".3e4"}, 3000.0, "0bb8", ""},
		{[]string{"2999.5"}, 3000.0, "0bb8", ""},
		{[]string{"4999.5"}, 5000.0, nil, "InvalidAccessError"},
		{[]string{"Infinity"}, 65535.0, nil, "InvalidAccessError"},
		{[]string{"1e999"}, 65535.0, nil, "InvalidAccessError"},
		{[]string{"-1e999"}, 0.0, nil, "InvalidAccessError"},
		{[]string{"-Infinity"}, 0.0, nil, "InvalidAccessError"},
		{[]string{"NaN"}, 0.0, nil, "InvalidAccessError"},
		{[]string{"-0x10"}, 0.0, nil, "InvalidAccessError"},
		{[]string{"66536"}, 65535.0, nil, "InvalidAccessError"},
		{[]string{"0x" + strings.Repeat("f", 300)}, 65535.0, nil, "InvalidAccessError"},
		{[]string{"1000", strings.Repeat("é", 62)}, 1000.0, nil, "SyntaxError"},
		{[]string{"5000", strings.Repeat("a", 200)}, 5000.0, nil, "InvalidAccessError"},
		{[]string{"1000", `\uD83D\uDE00`}, 1000.0, "03e8f09f9880", ""},
		{[]string{"1000", `\u{1F600}`}, 1000.0, "03e8f09f9880", ""},
		{[]string{"1000", `\uDE00\uD83D`}, 1000.0, "03e8efbfbdefbfbd", ""},
		{[]string{"1000", `a\\b`}, 1000.0, "03e8615c62", ""},
		{[]string{"1000", strings.Repeat(`\uD800`, 41)}, 1000.0, "03e8" + strings.Repeat("efbfbd", 41), ""},
		{[]string{"1000", strings.Repeat(`\uD800`, 42)}, 1000.0, nil, "SyntaxError"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			obj := jsonObject(t, runArgs("", append([]string{"check", "--json"}, tt.args...)...))
			if obj["exception"] == nil {
				obj["exception"] = "" // close() returns
			}
			got := []any{obj["code"], obj["hex"], obj["exception"]}
			if diff := cmp.Diff([]any{tt.code, tt.hex, tt.exception}, got); diff != "" {
				t.Errorf("code, hex, exception mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"ten", "", "1_000", "010", "0x", "0xg", "1e", "1.2.3", "Inf", "-NaNx", "0x-1", " 1000", "1000 "} {
		if out := runArgs("", "check", "--", bad); out.Exit != exitUnreadable || !strings.Contains(out.Stderr, "CODE must be a JavaScript number") {
			t.Errorf("check %q: %+v, want CODE refused", bad, out)
		}
	}
	for _, bad := range []string{`\u12`, `\uZZZZ`, `\u{}`, `\u{110000}`, `\u{1234567}`, `\x41`, `\`, "\xff"} {
		if out := runArgs("", "check", "1000", bad); out.Exit != exitUnreadable || !strings.Contains(out.Stderr, "REASON") {
			t.Errorf("check 1000 %q: %+v, want REASON refused", bad, out)
		}
	}
}

// TestExplain checks explain's texts for each kind of code and its table.
func TestExplain(t *testing.T) {
	tests := map[string]string{
		"0":    "never: not used (0-999) (RFC 6455 §7.4.2)",
		"1000": "yes: any endpoint, and a browser script through close()",
		"1004": "never: reserved (RFC 6455 §7.4.1)",
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
	for _, want := range []string{"CODE", "1016–2999", "3001–3002", "3009–3999", "5000–65535", "endpoint, script", "bad gateway"} {
		if !strings.Contains(table.Stdout, want) {
			t.Errorf("explain printed no %q in:\n%s", want, table.Stdout)
		}
	}
}

// TestHelp checks the usage and each command's help.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		got := runArgs("", args...)
		if got.Exit != 0 || got.Stdout != usageText() || got.Stderr != "" {
			t.Errorf("%v: %+v, want the usage on stdout, exit 0", args, got)
		}
	}
	if got := runArgs(""); got.Exit != exitUnreadable || got.Stderr != usageText() {
		t.Errorf("no arguments: %+v, want the usage on stderr, exit 2", got)
	}
	for _, c := range commands {
		for _, args := range [][]string{{"help", c.name}, {c.name, "-h"}, {c.name, "--help"}} {
			got := runArgs("", args...)
			if got.Exit != 0 || !strings.HasPrefix(got.Stdout, "usage: wsclose "+c.usageLine+"\n") || !strings.Contains(got.Stdout, "--json") {
				t.Errorf("%v: %+v, want the help of %s", args, got, c.name)
			}
		}
	}
}

// TestDoubleDash checks that "--" lets a reason begin with "-".
func TestDoubleDash(t *testing.T) {
	got := runArgs("", "encode", "--", "1000", "-x")
	if diff := cmp.Diff(outcome{"03e82d78\n", "", 0}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	got = runArgs("", "encode", "1000", "x", "--json")
	if diff := cmp.Diff(outcome{`{"code":1000,"reason":"x","reason_bytes":1,"truncated":false,"repaired":false,"hex":"03e878","error":null,"offset":null,"exit":0}` + "\n", "", 0}, got); diff != "" {
		t.Errorf("a flag after the arguments: mismatch (-want +got):\n%s", diff)
	}
}

var update = flag.Bool("update", false, "rewrite the outputs in README.md's console blocks from the program")

// TestREADMESession runs every "$ wsclose …" line of the README's console
// blocks and compares what it prints, stdout then stderr, with what the
// README shows under it, so that the README cannot drift from the program.
// With -update it writes the program's output into the README instead.
func TestREADMESession(t *testing.T) {
	t.Chdir("../..") // the commands run where the README's reader runs them
	const path = "README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(readme), "```")
	commands := 0
	for p := 1; p < len(parts); p += 2 {
		block, ok := strings.CutPrefix(parts[p], "console\n")
		if !ok {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
		var rebuilt []string
		for i := 0; i < len(lines); i++ {
			rebuilt = append(rebuilt, lines[i])
			cmdline, ok := strings.CutPrefix(lines[i], "$ wsclose ")
			if !ok {
				continue
			}
			var shown []string
			for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "$ ") {
				i++
				shown = append(shown, lines[i])
			}
			got := runArgs("", shellWords(t, cmdline)...)
			out := strings.TrimRight(got.Stdout+got.Stderr, "\n")
			rebuilt = append(rebuilt, out)
			if diff := cmp.Diff(strings.Join(shown, "\n"), out); diff != "" && !*update {
				t.Errorf("README: $ wsclose %s: mismatch (-want +got):\n%s", cmdline, diff)
			}
			commands++
		}
		parts[p] = "console\n" + strings.Join(rebuilt, "\n") + "\n"
	}
	if *update {
		if err := os.WriteFile(path, []byte(strings.Join(parts, "```")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if commands < 8 {
		t.Errorf("found %d wsclose commands in README.md's console blocks, want the subcommands and capture formats", commands)
	}
}

// TestREADMEExitTable checks that the README shows the exit statuses as
// "wsclose help" does.
func TestREADMEExitTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```text\n"+exitTable+"```") {
		t.Errorf("README.md lacks the exit table of wsclose help:\n%s", exitTable)
	}
	if !strings.Contains(runArgs("", "help", "decode").Stdout, exitTable) || !strings.Contains(usageText(), exitTable) {
		t.Errorf("the usage or a command's help lacks the exit table")
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
	obj := jsonObject(t, runArgs("", "--version", "--json"))
	if obj["version"] == nil || obj["go"] == nil || obj["platform"] == nil || obj["exit"] != 0.0 {
		t.Errorf("--version --json: %v", obj)
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
	// A full device: the write fails, and the exit status says so.
	if full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0); err == nil {
		defer full.Close()
		cmd = exec.Command(bin, "explain")
		cmd.Stdout = full
		err = cmd.Run()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != exitWrite {
			t.Errorf("wsclose explain > /dev/full: %v, want exit %d", err, exitWrite)
		}
	}
}

// TestEvent checks what event says for each situation of the closing
// handshake, through its JSON, and which engine departures it lists.
func TestEvent(t *testing.T) {
	type step struct {
		Body    *string `json:"body"`
		Verdict string  `json:"verdict"`
		Reply   *string `json:"reply"`
		Close   bool    `json:"close_transport"`
		State   string  `json:"state"`
	}
	type event struct {
		Code       int    `json:"code"`
		Reason     string `json:"reason"`
		WasClean   bool   `json:"was_clean"`
		ErrorEvent bool   `json:"error_event"`
		Dropped    bool   `json:"dropped"`
	}
	type result struct {
		Steps []step `json:"steps"`
		Event event  `json:"event"`
	}
	sp := func(s string) *string { return &s }
	// failReply is the Close body with which this end fails the connection
	// after receiving body.
	failReply := func(body string) *string {
		b, _ := hex.DecodeString(body)
		_, _, err := wsclose.ParsePayload(b)
		return sp(hex.EncodeToString(wsclose.AppendFailure(nil, err)))
	}
	tests := []struct {
		name    string
		args    []string
		want    result
		engines []string // a part of each departure listed, in order
	}{
		{"a Close with a reason", []string{"03e84f4b"},
			result{[]step{{sp("03e84f4b"), "accepted", sp("03e8"), false, "closing"}}, event{1000, "OK", true, false, false}},
			[]string{"Chromium in case server-close-reason-ok-then-hold (info)"}},
		{"an empty Close", []string{"empty"},
			result{[]step{{sp(""), "accepted", sp(""), false, "closing"}}, event{1005, "", true, false, false}},
			[]string{"Chromium in case server-close-empty-then-hold"}},
		{"TCP lost", []string{"none"},
			result{[]step{{nil, "tcp_lost", nil, false, "closed"}}, event{1006, "", false, true, true}},
			[]string{"Chromium in case server-drop", "Node (undici) in case server-drop"}},
		{"a reason that is not UTF-8", []string{"03e8ff"},
			result{[]step{{sp("03e8ff"), "refused", failReply("03e8ff"), true, "closing"}}, event{1006, "", false, true, false}},
			[]string{"Chromium in case server-close-reason-ff (info): sends Close 1002"}},
		{"a 1-byte body", []string{"03"},
			result{[]step{{sp("03"), "refused", failReply("03"), true, "closing"}}, event{1006, "", false, true, false}},
			[]string{"Node (undici) in case server-close-one-byte-03 (warn): sends no Close"}},
		{"a Close, then TCP lost", []string{"03e8", "then", "none"},
			result{[]step{{sp("03e8"), "accepted", sp("03e8"), false, "closing"}, {nil, "tcp_lost", nil, false, "closed"}}, event{1000, "", true, false, false}},
			nil},
		{"an unassigned code", []string{"0bb7"},
			result{[]step{{sp("0bb7"), "refused", failReply("0bb7"), true, "closing"}}, event{1006, "", false, true, false}},
			[]string{"Chromium in case server-close-code-2999 (fail): sends Close 2999"}},
		{"1005 on the wire: no Chromium departure", []string{"03ed"},
			result{[]step{{sp("03ed"), "refused", failReply("03ed"), true, "closing"}}, event{1006, "", false, true, false}},
			nil},
		{"a second Close", []string{"03e8", "then", "03e9"},
			result{[]step{{sp("03e8"), "accepted", sp("03e8"), false, "closing"}, {sp("03e9"), "ignored", nil, false, "closing"}}, event{1000, "", true, false, false}},
			[]string{"Chromium in case server-close-code-1000-then-hold", "Chromium in case server-second-close"}},
		{"a Close after TCP lost", []string{"03e8", "then", "none", "then", "03e9"},
			result{[]step{{sp("03e8"), "accepted", sp("03e8"), false, "closing"}, {nil, "tcp_lost", nil, false, "closed"}, {sp("03e9"), "ignored", nil, false, "closed"}}, event{1000, "", true, false, false}},
			nil},
		{"a leading BOM", []string{"03e8efbbbf6869"},
			result{[]step{{sp("03e8efbbbf6869"), "accepted", sp("03e8"), false, "closing"}}, event{1000, "\uFEFFhi", true, false, false}},
			[]string{"Chromium in case server-close-reason-bom-then-hold", `Node (undici) in case server-close-reason-bom-then-hold (fail): sends Close 1000; waited for the server to close TCP (3s); no error event, close 1000 "hi"`}},
		{"a whole frame", []string{"8882 37fa213d 3412"},
			result{[]step{{sp("03e8"), "accepted", sp("03e8"), false, "closing"}}, event{1000, "", true, false, false}},
			[]string{"Chromium in case server-close-code-1000-then-hold"}},
		{"a server", []string{"--role", "server", "03e8"},
			result{[]step{{sp("03e8"), "accepted", sp("03e8"), true, "closing"}}, event{1000, "", true, false, false}},
			nil},
		{"a server, --role=", []string{"--role=server", "none"},
			result{[]step{{nil, "tcp_lost", nil, false, "closed"}}, event{1006, "", false, false, true}}, // a server has no error event: null,
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := checkRun(t, append([]string{"event", "--json"}, tt.args...), "")
			var got result
			wantExit := exitOK
			if !tt.want.Event.WasClean || slices.ContainsFunc(tt.want.Steps, func(s step) bool { return s.Verdict == "refused" }) {
				wantExit = exitRule // the connection fails
			}
			if err := json.Unmarshal([]byte(out.Stdout), &got); err != nil || out.Exit != wantExit {
				t.Fatalf("exit %d (want %d), %v: %s", out.Exit, wantExit, err, out.Stdout)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			var engines struct{ Engines []string }
			if err := json.Unmarshal([]byte(out.Stdout), &engines); err != nil {
				t.Fatal(err)
			}
			if len(engines.Engines) != len(tt.engines) {
				t.Fatalf("engines %q, want %d naming %q", engines.Engines, len(tt.engines), tt.engines)
			}
			for i, e := range engines.Engines {
				if !strings.Contains(e, tt.engines[i]) {
					t.Errorf("engine %d: %q, want %q in it", i, e, tt.engines[i])
				}
			}
			text := checkRun(t, append([]string{"event"}, tt.args...), "")
			if !regexp.MustCompile(`(?m)^close +code `).MatchString(text.Stdout) {
				t.Errorf("text has no close line:\n%s", text.Stdout)
			}
		})
	}
	for _, bad := range []struct {
		args []string
		exit int
	}{
		{[]string{"zz"}, exitUnreadable},
		{[]string{"--role", "peer", "03e8"}, exitUnreadable},
		{[]string{strings.Repeat("00", 140)}, exitUnreadable},
		{[]string{"8102 6869"}, exitUnreadable},
		{[]string{}, exitUnreadable},
		{[]string{"03e8", "then"}, exitUnreadable},
		{strings.Fields(strings.Repeat("03e8 then ", 8) + "03e8"), exitUnreadable},
	} {
		if out := checkRun(t, append([]string{"event"}, bad.args...), ""); out.Exit != bad.exit {
			t.Errorf("event %q: exit %d, want %d", bad.args, out.Exit, bad.exit)
		}
	}
}

// TestHexInputLinear reads input that looks like a hex dump for its whole
// megabyte: each line is tried as a dump line, and the time that takes must
// grow with the line, not its square.
func TestHexInputLinear(t *testing.T) {
	for _, text := range []string{
		"0000  " + strings.Repeat("2020 ", 200000),                         // one long line of groups
		strings.Repeat("00000000: "+strings.Repeat("aa ", 20)+"\n", 20000), // many lines
	} {
		start := time.Now()
		parseHex(text)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("parseHex of %d bytes took %v", len(text), d)
		}
	}
}
