package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// wiresharkDump writes b as Wireshark's "Copy as Hex Dump" does: 16 bytes
// a line after a 4-digit offset, then the ASCII column.
func wiresharkDump(b []byte, start int) string {
	var s strings.Builder
	for i := 0; i < len(b); i += 16 {
		line := b[i:min(i+16, len(b))]
		fmt.Fprintf(&s, "%04x  ", start+i)
		ascii := make([]byte, len(line))
		for k, c := range line {
			fmt.Fprintf(&s, " %02x", c)
			ascii[k] = '.'
			if c >= 0x20 && c <= 0x7e {
				ascii[k] = c
			}
		}
		fmt.Fprintf(&s, "%s   %s\n", strings.Repeat("   ", 16-len(line)), ascii)
	}
	return s.String()
}

// tcpPacket is an Ethernet frame holding an IPv4 (or, with v6, IPv6) packet
// holding a TCP segment whose payload is payload, the headers laid out as
// IEEE 802.3, RFC 791, RFC 8200 and RFC 9293 write them.
func tcpPacket(payload []byte, v6 bool) []byte {
	eth := []byte{0, 0x1c, 0x42, 0, 0, 8, 0, 0x1c, 0x42, 0xa6, 0xf0, 0x0d, 0x08, 0x00}
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], 8080)
	binary.BigEndian.PutUint16(tcp[2:], 51000)
	tcp[12] = 5 << 4
	tcp[13] = 0x18 // PSH, ACK
	if v6 {
		eth[12], eth[13] = 0x86, 0xdd
		ip := make([]byte, 40)
		ip[0] = 6 << 4
		binary.BigEndian.PutUint16(ip[4:], uint16(len(tcp)+len(payload)))
		ip[6], ip[7] = 6, 64
		ip[23], ip[39] = 1, 1 // ::1 to ::1
		return append(append(append(eth, ip...), tcp...), payload...)
	}
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)+len(payload)))
	return append(append(append(eth, ip...), tcp...), payload...)
}

// TestWhy19 holds a case for each item of the Why list of issue 19 ("the
// command never answers confidently wrong"), each named for it: on the
// command before that issue, every case fails.
func TestWhy19(t *testing.T) {
	// fields checks a --json run's exit status and some of its fields.
	fields := func(exit int, want map[string]any) func(*testing.T, outcome) {
		return func(t *testing.T, out outcome) {
			t.Helper()
			obj := jsonObject(t, out)
			if out.Exit != exit {
				t.Errorf("exit %d, want %d: %s", out.Exit, exit, out.Stdout)
			}
			for k, v := range want {
				got, ok := obj[k]
				if !ok || fmt.Sprint(got) != fmt.Sprint(v) {
					t.Errorf("%q is %v (present %v), want %v: %s", k, got, ok, v, out.Stdout)
				}
			}
		}
	}
	frame := "880a03e9676f6f6462796521" // an unmasked Close: 1001, "goodbye!"
	payload, _ := hex.DecodeString(frame)
	tests := []struct {
		name  string
		args  []string
		stdin string
		check func(*testing.T, outcome)
	}{
		// 1. One input reader: event joins its arguments as decode does.
		{"1 event joins its arguments into one body", []string{"event", "--json", "03", "e8", "4f", "4b"}, "",
			fields(0, map[string]any{"steps": []any{map[string]any{"body": "03e84f4b", "verdict": "accepted", "refused": nil, "reply": "03e8", "close_transport": false, "state": "closing"}}})},
		{"1 event steps are separated by then", []string{"event", "0bb7", "then", "none"}, "",
			has(1, []string{"refused", "lost"})},
		{"1 event - reads standard input", []string{"event", "-"}, "03e8 4f4b\n",
			has(0, []string{`reason "OK"`}, "not hex")},
		{"1 event empty is the empty body", []string{"event", "empty"}, "",
			has(0, []string{"1005"})},

		// 2. A whole-packet dump: the frame in the TCP payload.
		{"2 an Ethernet IPv4 TCP packet dump decodes its TCP payload", []string{"decode", "-"}, wiresharkDump(tcpPacket(payload, false), 0),
			has(0, []string{"1001 (going away)", `"goodbye!"`, "IPv4", "TCP"}, "code 0", "refused")},
		{"2 an Ethernet IPv6 TCP packet dump decodes its TCP payload", []string{"decode", "-"}, wiresharkDump(tcpPacket(payload, true), 0),
			has(0, []string{"1001 (going away)", `"goodbye!"`, "IPv6"}, "code 0", "refused")},
		{"2 a packet whose TCP payload holds no frame is refused with a hint", []string{"decode", "-"}, wiresharkDump(tcpPacket([]byte("GET / HTTP/1.1\r\n"), false), 0),
			has(2, []string{"TCP payload", "Copy"}, "refused", "sendable")},

		// 3. Hex dumps with any starting offset.
		{"3 an xxd dump that starts at offset 2", []string{"decode", "-"}, "00000002: 03e8 4f4b                                ..OK\n",
			has(0, []string{"1000 (normal closure)", `"OK"`}, "not hex")},
		{"3 a Wireshark excerpt that starts at offset 0x40", []string{"decode", "-"}, wiresharkDump(payload, 0x40),
			has(0, []string{"1001 (going away)", `"goodbye!"`}, "not hex")},

		// 4. Exit statuses with one meaning each.
		{"4 unreadable input exits 2, a refused body 1", []string{"decode", "zz"}, "",
			func(t *testing.T, out outcome) {
				has(2, []string{"not hex"})(t, out)
				has(1, []string{"refused"})(t, runArgs("", "decode", "03ed"))
			}},
		{"4 event with a refused body exits 1", []string{"event", "0bb7"}, "", has(1, []string{"refused"})},
		{"4 encode of a CODE that is no number exits 2", []string{"encode", "abc"}, "", has(2, []string{"CODE"})},
		{"4 event with TCP lost exits 1", []string{"event", "none"}, "", has(1, []string{"1006"})},

		// 5. --truncate only cuts; a reason that is not UTF-8 names --lossy.
		{"5 --truncate does not repair", []string{"encode", "--truncate", "1000", "ab\xffc"}, "",
			has(1, []string{"not valid UTF-8", "--lossy"}, "efbfbd")},
		{"5 --lossy repairs and says so", []string{"encode", "--json", "--lossy", "1000", "ab\xffc"}, "",
			fields(0, map[string]any{"hex": "03e86162efbfbd63", "repaired": true, "truncated": false})},
		{"5 without a flag the UTF-8 error names --lossy", []string{"encode", "1000", "ab\xffc"}, "",
			has(1, []string{"--lossy"})},

		// 6. JSON enumerations are tokens.
		{"6 event tcp is a token when the client waits", []string{"event", "--json", "03e8"}, "",
			fields(0, map[string]any{"tcp": "wait"})},
		{"6 event tcp is a token when this end closes", []string{"event", "--json", "0bb7"}, "",
			fields(1, map[string]any{"tcp": "close"})},

		// 7. Truncated frame headers invent nothing.
		{"7 a header cut in the masking key shows no key", []string{"decode", "8882", "37fa"}, "",
			has(2, []string{"masking key"}, "masked with key  (", "with key 37fa")},
		{"7 a header cut in the 16-bit length shows no length", []string{"decode", "887e", "00"}, "",
			has(2, []string{"16-bit"}, "126-byte payload")},
		{"7 a cut header's JSON has null for what is missing", []string{"decode", "--json", "8882", "37fa"}, "",
			func(t *testing.T, out outcome) {
				obj := jsonObject(t, out)
				f, _ := obj["frame"].(map[string]any)
				if f == nil || f["mask_key"] != nil || out.Exit != 2 {
					t.Errorf("frame %v, exit %d; want a frame with \"mask_key\": null, exit 2", obj["frame"], out.Exit)
				}
			}},

		// 8. The smaller items.
		{"8 decode --json keeps name and class when code is null", []string{"decode", "--json", "03"}, "",
			fields(1, map[string]any{"code": nil, "name": nil, "class": nil})},
		{"8 an empty argument is refused", []string{"decode", ""}, "", has(2, []string{"empty"}, "1005")},
		{"8 empty standard input is refused", []string{"decode", "-"}, "", has(2, []string{"empty"}, "1005")},
		{"8 a flag before the command", []string{"--json", "decode", "03e8"}, "",
			fields(0, map[string]any{"code": 1000})},
		{"8 check NaN says NaN is 0", []string{"check", "NaN"}, "",
			has(1, []string{"NaN"}, "rounds half to even")},
		{"8 a server has no error event", []string{"event", "--role", "server", "none"}, "",
			has(1, []string{"1006"}, `"error" event`)},
		{"8 a server's JSON has no error event", []string{"event", "--json", "--role", "server", "none"}, "",
			fields(1, map[string]any{"event": map[string]any{"code": 1006, "reason": "", "was_clean": false, "error_event": nil, "dropped": true}})},
		{"8 standard input is read without -", []string{"decode"}, "03e8",
			has(0, []string{"1000 (normal closure)"}, "missing arguments")},
		{"8 encode 1005 prints nothing and says why", []string{"encode", "1005"}, "",
			func(t *testing.T, out outcome) {
				if out.Stdout != "" || out.Exit != 0 || !strings.Contains(out.Stderr, "empty") {
					t.Errorf("%+v, want empty stdout, exit 0, a note that the body is empty on stderr", out)
				}
			}},
		{"8 explain takes more than 16 codes", append([]string{"explain"}, strings.Fields(strings.Repeat("1000 ", 17))...), "",
			has(0, []string{"1000 (normal closure)"})},
		{"8 base64 input is read and said so", []string{"decode", "A+hPSw=="}, "",
			has(0, []string{"base64", `"OK"`}, "not hex")},
		{"8 a typo in hex is not read as base64", []string{"decode", "03E84f4Z"}, "",
			has(2, []string{"not hex: 'Z'"}, "of base64")},
		{"8 an unknown --role is a usage error", []string{"event", "--role", "peer", "03e8"}, "",
			has(2, []string{"--role"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, runArgs(tt.stdin, tt.args...))
		})
	}
}
