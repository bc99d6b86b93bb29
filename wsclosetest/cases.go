package wsclosetest

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/wsclose/wsclose/internal/wire"
)

// spec is a case with what the probe sends and what it grades beyond the
// answer to the first Close it sends (see grade.go).
type spec struct {
	Case
	send   []out
	checks check
	play   *play // a Client case: what the server of the package does (client.go)
}

// out is one frame the probe sends.
type out struct {
	h       wire.Header
	payload []byte
}

// check is a set of the extra checks a case makes.
type check uint

const (
	echoHello       check = 1 << iota // the Text message sent before the Close comes back first
	quiet                             // no data frame and no Pong after the peer's Close
	oneClose                          // no second Close
	serverClosesTCP                   // the server closes TCP, and how soon
	dropWarn                          // a refusal without a Close frame is a warn (§7.1.7 SHOULD)
	echoForm                          // info: how the echo is formed
	utf8Code                          // 1007 passes, 1002 is info
	informational                     // Autobahn 7.1.6: the order is the implementation's
)

// Frames the probe sends: masked (RFC 6455 §5.3), final, the length in the
// minimal form, unless the case says otherwise.
func frame(op byte, payload []byte) out {
	n := uint64(len(payload))
	return out{wire.Header{FIN: true, Opcode: op, Masked: true, Key: wire.ClientKey, Length: n, Ext: wire.MinimalExt(n)}, payload}
}

func closeBody(b []byte) out { return frame(wire.OpClose, b) }
func closeOf(code uint16, reason string) out {
	return closeBody(body(code, reason))
}
func text(s string) out { return frame(wire.OpText, []byte(s)) }

// body is a Close body: the code in two bytes, then the reason as given.
func body(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// with changes a frame's header.
func (o out) with(f func(*wire.Header)) out {
	f(&o.h)
	return o
}

const hello = "Hello World!"

// The rules the cases cite, each written once.
const (
	ruleAnswer = "RFC 6455 §5.5.1: an endpoint that receives a Close frame and did not send one MUST send a Close frame in response, " +
		"typically echoing the code; Autobahn TestSuite fails a reply with any code but 1000 or the one received"
	ruleRefuse = "RFC 6455 §7.1.7: a peer that breaks the protocol gets the connection failed (a Close with 1002, or 1007 for a reason " +
		"that is not UTF-8, §7.4.1, then TCP closed); Autobahn TestSuite fails any other code, and taking it as a valid Close " +
		"takes what a sender MUST NOT send"
	ruleAfterClose = "RFC 6455 §5.5.1: after sending a Close frame an endpoint MUST NOT send any further data frames; " +
		"§1.4: it does not send any further data"
	ruleTCP = "RFC 6455 §5.5.1 and §7.1.1: after sending and receiving a Close, the server MUST close the underlying TCP " +
		"connection immediately (the server closes first, so that it holds TIME_WAIT)"
	ruleCodeIANA = "IANA WebSocket Close Code Number Registry: %d (%s) is registered for endpoints to send, so a receiver " +
		"takes it as any valid code; RFC 6455 §5.5.1: the Close is answered"
)

var autobahnValid = []uint16{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}
var autobahnInvalid = []uint16{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999}

// invalidReason7_5_1 is the reason Autobahn's 7.5.1 sends: κόσμε, an
// encoded surrogate (ED A0 80) and "edited".
const invalidReason7_5_1 = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"

// Reasons of exactly 123 bytes (the longest, RFC 6455 §5.5) ending in a
// 2-, 3- and 4-byte character.
var (
	reason2 = "a" + strings.Repeat("é", 61)            // 1 + 122
	reason3 = strings.Repeat("サ", 41)                  // 123
	reason4 = "abc" + strings.Repeat("\U0001F600", 30) // 3 + 120
)

// cases is the table: every case, in the order they run and are listed:
// the Server cases, then the Client cases.
var cases = append(buildCases(), clientSpecs()...)

func buildCases() []spec {
	cs := []spec{
		{Case: Case{ID: "7.1.1", Title: "a Text message, then a Close",
			Sends:   "a Text message \"Hello World!\", then a Close with 1000",
			Expects: "the message echoed, then a Close with 1000",
			Rule:    "Autobahn TestSuite 7.1.1: an echo server returns the message before its Close; " + ruleAnswer},
			send: []out{text(hello), closeOf(1000, "")}, checks: echoHello},
		{Case: Case{ID: "7.1.2", Title: "two Close frames",
			Sends:   "a Close with 1000, then a second, empty Close",
			Expects: "a Close with 1000; the second Close ignored",
			Rule:    ruleAnswer + "; " + ruleAfterClose},
			send: []out{closeOf(1000, ""), closeBody(nil)}, checks: quiet},
		{Case: Case{ID: "7.1.3", Title: "a Ping after the Close",
			Sends:   "a Close with 1000, then a Ping",
			Expects: "a Close with 1000, and no Pong",
			Rule:    "Autobahn TestSuite 7.1.3: no Pong after the Close; " + ruleAnswer + "; " + ruleAfterClose},
			send: []out{closeOf(1000, ""), frame(wire.OpPing, nil)}, checks: quiet},
		{Case: Case{ID: "7.1.4", Title: "a Text message after the Close",
			Sends:   "a Close with 1000, then a Text message \"Hello World!\"",
			Expects: "a Close with 1000; the message ignored, not echoed",
			Rule:    ruleAnswer + "; " + ruleAfterClose},
			send: []out{closeOf(1000, ""), text(hello)}, checks: quiet},
		{Case: Case{ID: "7.1.5", Title: "a Close between two fragments of a message",
			Sends:   "a Text fragment \"fragment1\" (FIN=0), a Close with 1000, then the final continuation \"fragment2\"",
			Expects: "a Close with 1000; no message",
			Rule:    "RFC 6455 §5.4: control frames may be injected in the middle of a fragmented message; " + ruleAnswer + "; " + ruleAfterClose},
			send: []out{text("fragment1").with(func(h *wire.Header) { h.FIN = false }), closeOf(1000, ""),
				frame(wire.OpContinuation, []byte("fragment2"))}, checks: quiet},
		{Case: Case{ID: "7.1.6", Title: "a 256 KiB message, a message, a Close and a Ping, back to back",
			Sends:   "a 256 KiB Text message, a Text message \"Hello World!\", a Close with 1000, then a Ping",
			Expects: "a Close with 1000; whether the messages come back before it is the implementation's choice",
			Rule: "Autobahn TestSuite 7.1.6 is informational: the order in which a server handles queued messages and the Close is its own, " +
				"and a server that closes TCP with the message's tail unread resets it, which may discard its Close on the way; " +
				"a Close it sends follows " + ruleAnswer},
			send:   []out{text(strings.Repeat("BAsd7&jh23", 256<<10/10+1)[:256<<10]), text(hello), closeOf(1000, ""), frame(wire.OpPing, nil)},
			checks: informational},
		{Case: Case{ID: "7.3.1", Title: "an empty Close",
			Sends:   "a Close with an empty body (no code)",
			Expects: "a Close, empty or with 1000",
			Rule:    ruleAnswer},
			send: []out{closeBody(nil)}},
		{Case: Case{ID: "7.3.2", Title: "a 1-byte Close body",
			Sends:   "a Close whose body is the 1 byte \"a\"",
			Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule:    "RFC 6455 §5.5.1: a Close body that is not empty MUST begin with a 2-byte code; " + ruleRefuse},
			send: []out{closeBody([]byte("a"))}},
		{Case: Case{ID: "7.3.3", Title: "a Close with a code",
			Sends: "a Close with 1000", Expects: "a Close with 1000",
			Rule: ruleAnswer},
			send: []out{closeOf(1000, "")}},
		{Case: Case{ID: "7.3.4", Title: "a Close with a code and a reason",
			Sends: "a Close with 1000 and the reason \"Hello World!\"", Expects: "a Close with 1000",
			Rule: ruleAnswer},
			send: []out{closeOf(1000, hello)}},
		{Case: Case{ID: "7.3.5", Title: "a reason of 123 bytes, the longest",
			Sends: "a Close with 1000 and a reason of 123 \"*\" (a 125-byte body)", Expects: "a Close with 1000",
			Rule: "RFC 6455 §5.5: a control frame's payload is at most 125 bytes, so a 123-byte reason is the longest; " + ruleAnswer},
			send: []out{closeOf(1000, strings.Repeat("*", 123))}},
		{Case: Case{ID: "7.3.6", Title: "a reason of 124 bytes, one too many",
			Sends:   "a Close with 1000 and a reason of 124 \"*\" (a 126-byte payload, its length in 16 bits)",
			Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule:    "RFC 6455 §5.5: all control frames MUST have a payload length of 125 bytes or less; " + ruleRefuse},
			send: []out{closeOf(1000, strings.Repeat("*", 124))}},
		{Case: Case{ID: "7.5.1", Title: "a reason that is not UTF-8",
			Sends:   "a Close with 1000 and a reason holding an encoded surrogate (ED A0 80)",
			Expects: "the connection failed: a Close with 1002 or 1007, or TCP closed",
			Rule:    "RFC 6455 §5.5.1 and §8.1: the reason is UTF-8, and a receiver of invalid UTF-8 MUST fail the connection; " + ruleRefuse},
			send: []out{closeOf(1000, invalidReason7_5_1)}},
	}
	for i, c := range autobahnValid {
		cs = append(cs, spec{Case: Case{ID: fmt.Sprintf("7.7.%d", i+1), Title: fmt.Sprintf("the valid code %d", c),
			Sends: fmt.Sprintf("a Close with %d", c), Expects: fmt.Sprintf("a Close with %d or 1000", c),
			Rule: fmt.Sprintf("RFC 6455 §7.4.1, §7.4.2: %d may be sent; ", c) + ruleAnswer},
			send: []out{closeOf(c, "")}})
	}
	for i, c := range autobahnInvalid {
		cs = append(cs, spec{Case: Case{ID: fmt.Sprintf("7.9.%d", i+1), Title: fmt.Sprintf("the invalid code %d", c),
			Sends: fmt.Sprintf("a Close with %d", c), Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: fmt.Sprintf("RFC 6455 §7.4.1, §7.4.2: %d %s; ", c, invalidWhy(c)) + ruleRefuse},
			send: []out{closeOf(c, "")}})
	}
	for i, c := range []uint16{5000, 65535} {
		cs = append(cs, spec{Case: Case{ID: fmt.Sprintf("7.13.%d", i+1), Title: fmt.Sprintf("the code %d, outside every range", c),
			Sends: fmt.Sprintf("a Close with %d", c), Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §7.4.2 defines no code at or above 5000, so wsclose (ParsePayload) takes it as a protocol error; " +
				"this overrides Autobahn TestSuite, which calls 7.13 informational; " + ruleRefuse},
			send: []out{closeOf(c, "")}})
	}
	for _, c := range []struct {
		code uint16
		name string
	}{{1012, "Service Restart"}, {1013, "Try Again Later"}, {1014, "Bad Gateway"}} {
		cs = append(cs, spec{Case: Case{ID: fmt.Sprintf("code-%d", c.code), Title: fmt.Sprintf("the registered code %d (%s)", c.code, c.name),
			Sends: fmt.Sprintf("a Close with %d", c.code), Expects: fmt.Sprintf("a Close with %d or 1000", c.code),
			Rule: fmt.Sprintf(ruleCodeIANA, c.code, c.name) + "; Autobahn TestSuite tests neither"},
			send: []out{closeOf(c.code, "")}})
	}
	cs = append(cs, []spec{
		{Case: Case{ID: "code-1015", Title: "the code 1015 (TLS handshake), never on the wire",
			Sends: "a Close with 1015", Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §7.4.1: 1015 MUST NOT be set as a status code in a Close control frame by an endpoint; " + ruleRefuse},
			send: []out{closeOf(1015, "")}},
		{Case: Case{ID: "code-1005-reason", Title: "the code 1005 with a reason",
			Sends: "a Close with 1005 and the reason \"no status\"", Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §7.4.1: 1005 MUST NOT be set as a status code in a Close control frame by an endpoint; " + ruleRefuse},
			send: []out{closeOf(1005, "no status")}},
		{Case: Case{ID: "code-1006-reason", Title: "the code 1006 with a reason",
			Sends: "a Close with 1006 and the reason \"abnormal\"", Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §7.4.1: 1006 MUST NOT be set as a status code in a Close control frame by an endpoint; " + ruleRefuse},
			send: []out{closeOf(1006, "abnormal")}},
		{Case: Case{ID: "reason-123-2byte", Title: "a 123-byte reason of 2-byte characters",
			Sends: "a Close with 1000 and a 123-byte reason: \"a\" and 61 \"é\"", Expects: "a Close with 1000",
			Rule: "RFC 6455 §5.5: 123 bytes of reason fit; " + ruleAnswer},
			send: []out{closeOf(1000, reason2)}},
		{Case: Case{ID: "reason-123-3byte", Title: "a 123-byte reason of 3-byte characters",
			Sends: "a Close with 1000 and a 123-byte reason: 41 \"サ\"", Expects: "a Close with 1000",
			Rule: "RFC 6455 §5.5: 123 bytes of reason fit; " + ruleAnswer},
			send: []out{closeOf(1000, reason3)}},
		{Case: Case{ID: "reason-123-4byte", Title: "a 123-byte reason of 4-byte characters",
			Sends: "a Close with 1000 and a 123-byte reason: \"abc\" and 30 U+1F600", Expects: "a Close with 1000",
			Rule: "RFC 6455 §5.5: 123 bytes of reason fit; " + ruleAnswer},
			send: []out{closeOf(1000, reason4)}},
		{Case: Case{ID: "reason-cut", Title: "a reason cut inside a character",
			Sends:   "a Close with 1000 and the reason \"café\" without the last byte of é (63 61 66 C3)",
			Expects: "the connection failed: a Close with 1007 or 1002, or TCP closed",
			Rule:    "RFC 6455 §5.5.1, §8.1: the reason is UTF-8, and a receiver of invalid UTF-8 MUST fail the connection; " + ruleRefuse},
			send: []out{closeOf(1000, "caf\xc3")}},
		{Case: Case{ID: "reason-overlong", Title: "a reason with an overlong encoding",
			Sends:   "a Close with 1000 and the reason \"a\" C0 AF \"b\" (\"/\" in 2 bytes)",
			Expects: "the connection failed: a Close with 1007 or 1002, or TCP closed",
			Rule:    "RFC 3629 §3: overlong forms are not UTF-8; RFC 6455 §8.1: a receiver MUST fail the connection; " + ruleRefuse},
			send: []out{closeOf(1000, "a\xc0\xafb")}},
		{Case: Case{ID: "reason-surrogate", Title: "a reason that is an encoded surrogate",
			Sends:   "a Close with 1000 and the reason ED B0 80 (U+DC00 in 3 bytes)",
			Expects: "the connection failed: a Close with 1007 or 1002, or TCP closed",
			Rule:    "RFC 3629 §3: surrogates are not encoded in UTF-8; RFC 6455 §8.1: a receiver MUST fail the connection; " + ruleRefuse},
			send: []out{closeOf(1000, "\xed\xb0\x80")}},
		{Case: Case{ID: "reason-bom", Title: "a reason beginning with a byte order mark",
			Sends: "a Close with 1000 and the reason EF BB BF \"bom\"", Expects: "a Close with 1000 (a reason, if echoed, keeps the BOM)",
			Rule: "RFC 6455 §5.5.1: the reason is UTF-8 and U+FEFF is a character like any other; " + ruleAnswer},
			send: []out{closeOf(1000, "\ufeffbom")}},
		{Case: Case{ID: "reason-nul", Title: "a reason holding a NUL",
			Sends: "a Close with 1000 and the reason \"a\" 00 \"b\"", Expects: "a Close with 1000 (a reason, if echoed, keeps the NUL)",
			Rule: "RFC 6455 §5.5.1: the reason is UTF-8 and U+0000 is valid UTF-8; " + ruleAnswer},
			send: []out{closeOf(1000, "a\x00b")}},
		{Case: Case{ID: "body-125", Title: "a 125-byte body with the highest valid code",
			Sends: "a Close with 4999 and a 123-byte reason of 2-byte characters", Expects: "a Close with 4999 or 1000",
			Rule: "RFC 6455 §5.5: a 125-byte control payload is allowed; " + ruleAnswer},
			send: []out{closeOf(4999, reason2)}},
		{Case: Case{ID: "body-126", Title: "a 126-byte body of 2-byte characters",
			Sends:   "a Close with 3000 and a 124-byte reason of 2-byte characters (a 16-bit length)",
			Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule:    "RFC 6455 §5.5: all control frames MUST have a payload length of 125 bytes or less; " + ruleRefuse},
			send: []out{closeOf(3000, strings.Repeat("é", 62))}},
		{Case: Case{ID: "close-rsv", Title: "a Close with a reserved bit set",
			Sends:   "a Close with 1000 and RSV1 set (no extension was negotiated)",
			Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule:    "RFC 6455 §5.2: RSV1–3 MUST be 0 unless an extension defines them, and the receiving endpoint MUST fail the connection otherwise; " + ruleRefuse},
			send: []out{closeOf(1000, "").with(func(h *wire.Header) { h.RSV = 4 })}},
		{Case: Case{ID: "close-fragmented", Title: "a Close without FIN",
			Sends: "a Close with 1000 and FIN=0", Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §5.5: control frames MUST NOT be fragmented; " + ruleRefuse},
			send: []out{closeOf(1000, "").with(func(h *wire.Header) { h.FIN = false })}},
		{Case: Case{ID: "close-unmasked", Title: "an unmasked Close from the client",
			Sends: "a Close with 1000, not masked", Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule: "RFC 6455 §5.1: the server MUST close the connection upon receiving a frame that is not masked (and MAY send 1002 first); " + ruleRefuse},
			send: []out{closeOf(1000, "").with(func(h *wire.Header) { h.Masked = false })}},
		{Case: Case{ID: "close-nonminimal", Title: "a Close whose length is not in the minimal form",
			Sends:   "a Close with 1000, its 2-byte length written in the 16-bit form (7E 00 02)",
			Expects: "the connection failed: a Close with 1002, or TCP closed",
			Rule:    "RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length, and §5.5: a control frame's fits in 7 bits; " + ruleRefuse},
			send: []out{closeOf(1000, "").with(func(h *wire.Header) { h.Ext = 2 })}},
		{Case: Case{ID: "empty-close", Title: "the answer to an empty Close",
			Sends: "a Close with an empty body", Expects: "a Close: the echo is empty; 1000 is also allowed",
			Rule: "RFC 6455 §5.5.1: the reply typically echoes the code received, and there is none; the form is open (info)"},
			send: []out{closeBody(nil)}, checks: echoForm},
		{Case: Case{ID: "echo-reason", Title: "the echo of a code and a reason",
			Sends: "a Close with 1001 and the reason \"bye\"", Expects: "a Close with 1001 or 1000, with or without a reason",
			Rule: "RFC 6455 §5.5.1: the reply typically echoes the code; whether it repeats the reason is open (info)"},
			send: []out{closeOf(1001, "bye")}, checks: echoForm},
		{Case: Case{ID: "failure-close", Title: "a Close frame when failing the connection",
			Sends: "a Close whose body is the 1 byte \"a\"", Expects: "a Close with 1002 before TCP closes (an empty Close, or none, is a warn)",
			Rule: "RFC 6455 §7.1.7: an endpoint failing an established connection SHOULD send a Close frame with an appropriate code (1002, §7.4.1)"},
			send: []out{closeBody([]byte("a"))}, checks: dropWarn},
		{Case: Case{ID: "failure-code-utf8", Title: "the code for a reason that is not UTF-8",
			Sends: "a Close with 1000 and the reason \"caf\" C3", Expects: "a Close with 1007 (1002 is allowed)",
			Rule: "RFC 6455 §7.4.1: 1007 is for data inconsistent with the message type, §8.1: invalid UTF-8 fails the connection; " +
				"Autobahn TestSuite 7.5.1 allows 1002 too (info); §7.1.7: a Close SHOULD be sent"},
			send: []out{closeOf(1000, "caf\xc3")}, checks: utf8Code | dropWarn},
		{Case: Case{ID: "after-close-data", Title: "no data after the server's Close",
			Sends: "a Close with 1000, then a Text and a Binary message and a Ping", Expects: "a Close with 1000, then nothing",
			Rule: ruleAfterClose},
			send: []out{closeOf(1000, ""), text(hello), frame(wire.OpBinary, []byte(hello)), frame(wire.OpPing, nil)}, checks: quiet},
		{Case: Case{ID: "after-close-second-close", Title: "one Close from the server",
			Sends: "a Close with 1000, then a second Close with 1001", Expects: "one Close with 1000, no second",
			Rule: "RFC 6455 §5.5.1: a Close is sent once, in response to a Close if none was sent; §1.4: after it no further data; " +
				"wsclose's Handshake sends at most one"},
			send: []out{closeOf(1000, ""), closeOf(1001, "")}, checks: oneClose},
		{Case: Case{ID: "tcp-close", Title: "the server closes TCP after the closing handshake",
			Sends: "a Close with 1000, then waits without closing TCP", Expects: "a Close with 1000, then TCP closed by the server at once",
			Rule: ruleTCP},
			send: []out{closeOf(1000, "")}, checks: serverClosesTCP},
		{Case: Case{ID: "tcp-close-failure", Title: "the server closes TCP after failing the connection",
			Sends: "a Close with the invalid code 1004, then waits without closing TCP", Expects: "a Close with 1002 (or none), then TCP closed by the server at once",
			Rule: "RFC 6455 §7.1.7: an endpoint that fails the connection MUST close it, and MUST NOT wait for or process a responding Close; " + ruleTCP},
			send: []out{closeOf(1004, "")}, checks: serverClosesTCP},
	}...)
	for i := range cs {
		cs[i].Tests = Server
		cs[i].Departures = departures[cs[i].ID]
	}
	return cs
}

// invalidWhy says why RFC 6455 and IANA leave a code out of Close frames.
func invalidWhy(c uint16) string {
	switch {
	case c < 1000:
		return "is in 0–999, which is not used"
	case c == 1004:
		return "is reserved"
	case c == 1005, c == 1006:
		return "MUST NOT be set as a status code in a Close control frame by an endpoint"
	}
	return "is in 1000–2999, reserved for the protocol, and not registered"
}
