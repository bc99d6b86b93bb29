package wsclosetest

import (
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// clientCase is one case of a client: its ID and what the server does.
type clientCase struct {
	ID   string
	play play
}

// clientSpecs are the client cases as rows of the table.
func clientSpecs() []spec {
	var ss []spec
	for _, c := range clientCases() {
		m := modelOf(c.play)
		ss = append(ss, spec{
			Case: Case{ID: c.ID, Title: c.play.String(), Tests: Client, Sends: c.play.sendsText(),
				Expects: c.play.wantText(m), Rule: c.play.ruleText(m), Departures: clientDepartures[c.ID]},
			play: &c.play,
		})
	}
	return ss
}

// clientTable returns the Client cases of the table, in order.
func clientTable() []spec {
	var ss []spec
	for _, s := range cases {
		if s.Tests == Client {
			ss = append(ss, s)
		}
	}
	return ss
}

// clientBodies are the Close bodies the server sends first, each with the
// word of its case ID: every body of the project's vectors and the edge
// cases.
var clientBodies = []struct {
	word string
	hex  string
}{
	{"one-byte-61", "61"},
	{"one-byte-03", "03"},
	{"one-byte-00", "00"},
	{"empty", ""},
	{"code-1000", "03e8"},
	{"code-1001", "03e9"},
	{"reason-ok", "03e84f4b"},
	{"reason-hello-world", "03e848656c6c6f20576f726c6421"},
	{"reason-hello", "03e868656c6c6f"},
	{"reason-done", "03e8444f4e45"},
	{"reason-going-away", "03e9676f696e672061776179"},
	{"reason-123-bytes", "03e8" + repeatHex("2a", 123)},
	{"reason-124-bytes", "03e8" + repeatHex("2a", 124)},
	{"reason-surrogate-inside", "03e8cebae1bdb9cf83cebcceb5eda080656469746564"},
	{"reason-ffff", "03e8ffff"},
	{"reason-f8", "03e8f8"},
	{"reason-cut", "03efcebae1bd"},
	{"code-0", "0000"},
	{"code-999", "03e7"},
	{"code-1004", "03ec"},
	{"code-1005", "03ed"},
	{"code-1006", "03ee"},
	{"code-1015", "03f7"},
	{"code-1016", "03f8"},
	{"code-1100", "044c"},
	{"code-2000", "07d0"},
	{"code-2999", "0bb7"},
	{"code-3000", "0bb8"},
	{"code-3999", "0f9f"},
	{"code-4000", "0fa0"},
	{"code-4999", "1387"},
	{"code-5000", "1388"},
	{"code-6000", "1770"},
	{"code-65535", "ffff"},
	{"code-1012", "03f4"},
	{"code-1013", "03f5"},
	{"code-1014", "03f6"},
	{"reason-ff", "03e8ff"},
	{"reason-surrogate", "03e8eda080"},
	{"reason-bom", "03e8efbbbf6869"},
	{"reason-two-boms", "03e8efbbbfefbbbf6869"},
}

// frameFaults are the frames no server may send, each with the word of its
// case ID.
var frameFaults = []struct {
	word  string
	fault *frameFault
}{
	{"rsv1", &frameFault{"a text frame with RSV1 set", []byte{0xC1, 0x02, 'h', 'i'}, wsclose.StatusProtocolError, "RFC 6455 §5.2: RSV1 MUST be 0 unless an extension defines it"}},
	{"opcode-3", &frameFault{"a frame with reserved opcode 3", []byte{0x83, 0x02, 'h', 'i'}, wsclose.StatusProtocolError, "RFC 6455 §5.2: an unknown opcode fails the connection"}},
	{"ping-no-fin", &frameFault{"a ping with FIN=0", []byte{0x09, 0x02, 'h', 'i'}, wsclose.StatusProtocolError, "RFC 6455 §5.5: control frames MUST NOT be fragmented"}},
	{"close-no-fin", &frameFault{"a Close with FIN=0", []byte{0x08, 0x02, 0x03, 0xe8}, wsclose.StatusProtocolError, "RFC 6455 §5.5: control frames MUST NOT be fragmented"}},
	{"ping-126", &frameFault{"a ping of 126 bytes", append([]byte{0x89, 126, 0, 126}, make([]byte, 126)...), wsclose.StatusProtocolError, "RFC 6455 §5.5: control frames MUST have a payload of 125 bytes or less"}},
	{"masked", &frameFault{"a masked text frame", []byte{0x81, 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2}, wsclose.StatusProtocolError, "RFC 6455 §5.1: a client MUST close a connection on a masked frame"}},
	{"lone-continuation", &frameFault{"a continuation frame with nothing to continue", []byte{0x80, 0x02, 'h', 'i'}, wsclose.StatusProtocolError, "RFC 6455 §5.4: a continuation frame continues a fragmented message"}},
	{"text-not-utf8", &frameFault{"a text frame that is not UTF-8", []byte{0x81, 0x02, 'h', 0xff}, wsclose.StatusInvalidPayloadData, "RFC 6455 §8.1: a text message that is not UTF-8 fails the connection"}},
}

// repeatHex repeats a hex byte n times.
func repeatHex(b string, n int) string {
	s := ""
	for range n {
		s += b
	}
	return s
}

// clientCases builds the client cases, in the order they run and are
// numbered for the Autobahn URLs (the ones the server drives first).
func clientCases() []clientCase {
	var cs []clientCase
	add := func(id string, p play) { cs = append(cs, clientCase{id, p}) }
	for _, b := range clientBodies {
		add("server-close-"+b.word, play{closes: [][]byte{hexBody(b.hex)}, end: playReply})
	}
	// The ends other than a prompt close, for a few bodies: valid with
	// and without a code and reason, a BOM, a code only Chromium takes,
	// and malformed ones.
	ends := []struct {
		word string
		end  serverEnd
	}{{"then-fin", playHalfClose}, {"then-hold", playHold}, {"unread", playCloseNow}}
	for _, e := range ends {
		for _, word := range []string{"empty", "code-1000", "reason-ok", "reason-bom", "code-3000", "code-0", "one-byte-03", "reason-ffff"} {
			add("server-close-"+word+"-"+e.word, play{closes: [][]byte{bodyOf(word)}, end: e.end})
		}
	}
	for _, f := range frameFaults {
		add("server-frame-"+f.word, play{fault: f.fault, end: playReply})
	}
	add("server-drop", play{end: playDrop})
	add("server-reset", play{end: playReset})
	add("server-text-after-close", play{closes: [][]byte{bodyOf("code-1000")}, after: wire.OpText, end: playReply})
	add("server-ping-after-close", play{closes: [][]byte{bodyOf("code-1000")}, after: wire.OpPing, end: playReply})
	add("server-second-close", play{closes: [][]byte{bodyOf("code-1000"), bodyOf("code-1001")}, end: playLinger})
	add("server-second-close-invalid", play{closes: [][]byte{bodyOf("code-1000"), bodyOf("one-byte-03")}, end: playLinger})

	bye := &ClientClose{Code: 1000, Reason: "bye"}
	same, _ := wsclose.AppendPayload(nil, bye.Code, bye.Reason)
	for _, a := range []struct {
		word string
		body []byte
	}{
		{"same", same},
		{"code-only", bodyOf("code-1000")},
		{"other-code", hexBody("0fa06f74686572")}, // 4000 "other"
		{"empty", []byte{}},
		{"one-byte", bodyOf("one-byte-03")},
		{"code-1004", bodyOf("code-1004")},
		{"code-5000", bodyOf("code-5000")},
		{"reason-ff", bodyOf("reason-ff")},
	} {
		add("client-close-answer-"+a.word, play{close: bye, closes: [][]byte{a.body}, end: playLinger})
	}
	noArgs := &ClientClose{Code: wsclose.StatusNoStatusReceived}
	add("client-close-no-answer-fin", play{close: bye, end: playCloseNow})
	add("client-close-no-answer-rst", play{close: bye, end: playReset})
	add("client-close-then-hold", play{close: bye, closes: [][]byte{same}, end: playHold})
	add("client-close-then-fin", play{close: bye, closes: [][]byte{same}, end: playHalfClose})
	add("client-close-no-code", play{close: noArgs, closes: [][]byte{{}}, end: playLinger})
	add("client-close-no-code-answer-1000", play{close: noArgs, closes: [][]byte{bodyOf("code-1000")}, end: playLinger})
	add("client-close-4999-bom", play{close: &ClientClose{Code: 4999, Reason: "\ufeffx"}, closes: [][]byte{hexBody("1387efbbbf78")}, end: playLinger})
	return cs
}

// bodyOf is the body of clientBodies with the given word.
func bodyOf(word string) []byte {
	for _, b := range clientBodies {
		if b.word == word {
			return hexBody(b.hex)
		}
	}
	panic("wsclosetest: no body " + word)
}
