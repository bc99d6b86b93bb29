package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pcapFile writes packets (Ethernet frames) as a little-endian pcap file,
// as the pcap format lays it out: a 24-byte header, then each packet after
// a 16-byte record header.
func pcapFile(packets ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = binary.LittleEndian.AppendUint32(b, 262144)
	b = binary.LittleEndian.AppendUint32(b, linkEthernet)
	for i, p := range packets {
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// withSeq sets the TCP sequence number of a packet made by tcpPacket.
func withSeq(p []byte, seq uint32) []byte {
	binary.BigEndian.PutUint32(p[14+20+4:], seq)
	return p
}

// TestCaptures reads the captures under testdata, made by tcpdump and
// tshark over loopback (testdata/README.md), and captures written here.
func TestCaptures(t *testing.T) {
	type frame struct {
		Stream    string  `json:"stream"`
		Direction *string `json:"direction"`
		Code      *int    `json:"code"`
		Reason    *string `json:"reason"`
		Valid     *bool   `json:"valid"`
		FailCode  *int    `json:"fail_code"`
	}
	c2s, s2c := ptr("client_to_server"), ptr("server_to_client")
	ok := func(stream string, dir *string, code int, reason string) frame {
		return frame{stream, dir, &code, &reason, ptr(true), nil}
	}
	upgrade := []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
	tests := []struct {
		name    string
		file    string // under testdata; or
		stdin   []byte // a capture on standard input
		want    []frame
		exit    int
		capture string // a part of the "capture" line, when checked
	}{
		{name: "tcpdump, pcap, IPv4: a gorilla server closes, a coder client echoes", file: "server-closes.pcap",
			want: []frame{ok("127.0.0.1:58234 → 127.0.0.1:48081", c2s, 1001, "going away"), ok("127.0.0.1:48081 → 127.0.0.1:58234", s2c, 1001, "going away")}},
		{name: "tshark, pcapng, IPv6: a Close split over two segments is found", file: "split-close-ipv6.pcapng",
			want: []frame{ok("[::1]:39668 → [::1]:48082", c2s, 3000, "split"), ok("[::1]:39668 → [::1]:48082", c2s, 3000, ""), ok("[::1]:48082 → [::1]:39668", s2c, 3000, "split")}},
		{name: "segments out of order, one repeated", stdin: pcapFile(
			withSeq(tcpPacket(append(upgrade[:0:0], upgrade...), false), 100),
			withSeq(tcpPacket([]byte{0xe9, 'h', 'i'}, false), 100+uint32(len(upgrade))+3),
			withSeq(tcpPacket([]byte{0x88, 0x04, 0x03}, false), 100+uint32(len(upgrade))),
			withSeq(tcpPacket([]byte{0x88, 0x04, 0x03}, false), 100+uint32(len(upgrade)))),
			want: []frame{ok("127.0.0.1:8080 → 127.0.0.1:51000", s2c, 1001, "hi")}},
		{name: "a refused Close: 1005 on the wire", stdin: pcapFile(tcpPacket([]byte{0x88, 0x02, 0x03, 0xed}, false)),
			want: []frame{{"127.0.0.1:8080 → 127.0.0.1:51000", s2c, ptr(1005), ptr(""), ptr(false), ptr(1002)}}, exit: exitRule},
		{name: "a segment missing: the stream stops before it, and says so", stdin: pcapFile(
			withSeq(tcpPacket([]byte{0x88, 0x02, 0x03, 0xe8}, false), 10),
			withSeq(tcpPacket([]byte{0x88, 0x02, 0x03, 0xe9}, false), 20)),
			want: []frame{ok("127.0.0.1:8080 → 127.0.0.1:51000", s2c, 1000, "")}, capture: "1 of them stop at a segment missing"},
		{name: "no Close frame", stdin: pcapFile(tcpPacket([]byte("GET / HTTP/1.1\r\n\r\n"), false)), want: []frame{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"decode", "--json", "--pcap", "-"}
			if tt.file != "" {
				args[3] = "testdata/" + tt.file
			}
			out := checkRun(t, args, string(tt.stdin))
			var got struct {
				Capture string            `json:"capture"`
				Frames  []json.RawMessage `json:"frames"`
			}
			if err := json.Unmarshal([]byte(out.Stdout), &got); err != nil || out.Exit != tt.exit {
				t.Fatalf("exit %d (want %d), %v: %s", out.Exit, tt.exit, err, out.Stdout)
			}
			if !strings.Contains(got.Capture, tt.capture) {
				t.Errorf("capture %q, want %q in it", got.Capture, tt.capture)
			}
			frames := []frame{}
			for _, raw := range got.Frames {
				var f frame
				json.Unmarshal(raw, &f)
				frames = append(frames, f)
				if want := append(slices.Clone(cmdDecode.fields), "error", "offset", "exit", "stream", "direction"); !slices.Equal(keys(string(raw)), want) {
					t.Errorf("a frame's fields are %q, want %q", keys(string(raw)), want)
				}
			}
			if diff := cmp.Diff(tt.want, frames); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			text := checkRun(t, []string{"decode", args[2], args[3]}, string(tt.stdin)) // the same frames as text
			if n := strings.Count(text.Stdout, "\nstream "); n != len(tt.want) {
				t.Errorf("the text shows %d streams, want %d:\n%s", n, len(tt.want), text.Stdout)
			}
		})
	}
	// Packets as tshark -x (and Wireshark's "Copy as Hex Dump") print them,
	// taken from the captures above.
	for file, want := range map[string][]string{
		"server-close-packet.txt": {"IPv4, TCP 127.0.0.1:48081 → 127.0.0.1:58234", "unmasked (server to client)", "1001 (going away)", `"going away"`},
		"ipv6-close-packet.txt":   {"IPv6, TCP [::1]:39668 → [::1]:48082", "masked with key 8060dd5b", "3000 (unauthorized)"},
	} {
		dump, err := os.ReadFile("testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		has(exitOK, want)(t, checkRun(t, []string{"decode"}, string(dump)))
	}
	for _, bad := range []struct{ name, stdin, want string }{
		{"not a capture", "hello, world, this is text", "not a pcap or pcapng file"},
		{"cut short", string(pcapFile(tcpPacket([]byte{0x88, 0}, false)))[:40], "cut short"},
		{"empty", "", "not a pcap or pcapng file"},
	} {
		if out := checkRun(t, []string{"decode", "--pcap", "-"}, bad.stdin); out.Exit != exitUnreadable || !strings.Contains(out.Stderr, bad.want) {
			t.Errorf("%s: %+v, want exit 2 and %q", bad.name, out, bad.want)
		}
	}
}

// TestJSONFields checks every command's JSON objects, on success and on
// failure, against the field list its help documents ("JSON: {…}").
func TestJSONFields(t *testing.T) {
	runs := map[string][][]string{
		"decode":  {{"03e8"}, {"03"}, {"zz"}, {"8882", "37fa"}, {}},
		"encode":  {{"1000", "bye"}, {"1005", "x"}, {"x"}, {}},
		"explain": {{"1000"}, {}, {"x"}},
		"check":   {{"1000"}, {"1001"}, {"x"}},
		"event":   {{"03e8"}, {"0bb7", "then", "none"}, {"--role", "server", "none"}, {"zz"}},
		"probe":   {{}, {"http//x"}, {"--only", "no-such-case", "ws://127.0.0.1:1/"}}, // and probe_test.go's runs against servers
		"serve":   {{"--addr", "256.0.0.1:1"}, {"x", "y"}},                            // and serve_test.go's run that serves
		"version": {{}, {"x"}},
	}
	for _, c := range commands {
		help := runArgs("", "help", c.name).Stdout
		_, list, _ := strings.Cut(help, "\nJSON: {")
		list, _, _ = strings.Cut(list, "}\n")
		documented := strings.Split(strings.ReplaceAll(strings.ReplaceAll(list, `"`, ""), " ", ""), ",")
		if len(runs[c.name]) == 0 {
			t.Errorf("no runs of %s", c.name)
		}
		for _, args := range runs[c.name] {
			out := runArgs("", append([]string{c.name, "--json"}, args...)...)
			if got := keys(out.Stdout); !slices.Equal(got, documented) {
				t.Errorf("%s %q: fields %q, help documents %q", c.name, args, got, documented)
			}
		}
	}
}
