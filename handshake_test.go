package wsclose

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// receiveOp is a Receive of the body h, written in hex (spaces allowed),
// whose reply, if any, is sent.
func receiveOp(h string) hsOp {
	b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
	if err != nil {
		panic(err)
	}
	return hsOp{kind: "receive", body: b, send: true}
}

// Rule 1: Close in StateOpen returns AppendPayload's body and records
// nothing; Send records it; an invalid code or reason changes nothing;
// after a Close was sent or the connection failed, ErrCloseSent.
func TestHandshakeRule1Close(t *testing.T) {
	h := NewHandshake(Client)
	if body, err := h.Close(StatusNoStatusReceived, "x"); err == nil || body != nil || h.State() != StateOpen {
		t.Fatalf("Close(1005, \"x\") = %x, %v, state %v; want an error and nothing recorded", body, err, h.State())
	}
	if _, err := h.Close(StatusNormalClosure, strings.Repeat("a", 124)); !errors.Is(err, ErrReasonTooLong) || h.State() != StateOpen {
		t.Fatalf("Close with a 124-byte reason = %v, state %v", err, h.State())
	}
	body, err := h.Close(StatusGoingAway, "bye")
	if err != nil || hex.EncodeToString(body) != "03e9627965" || h.State() != StateOpen || h.Sent() {
		t.Fatalf("Close(1001, \"bye\") = %x, %v, state %v, Sent %v; want the body, nothing recorded", body, err, h.State(), h.Sent())
	}
	if err := h.Send(body); err != nil || h.State() != StateClosing || !h.Sent() {
		t.Fatalf("Send(%x) = %v, state %v, Sent %v", body, err, h.State(), h.Sent())
	}
	if body, err := h.Close(StatusNormalClosure, ""); !errors.Is(err, ErrCloseSent) || body != nil {
		t.Fatalf("second Close = %x, %v; want ErrCloseSent", body, err)
	}
	if err := h.Send(body); !errors.Is(err, ErrCloseSent) {
		t.Fatalf("second Send = %v; want ErrCloseSent", err)
	}
	h = NewHandshake(Server)
	h.Fail(io.EOF)
	if _, err := h.Close(StatusNormalClosure, ""); !errors.Is(err, ErrCloseSent) {
		t.Fatalf("Close after Fail = %v; want ErrCloseSent", err)
	}
	if body, err := NewHandshake(Server).Close(StatusNoStatusReceived, ""); err != nil || body == nil || len(body) != 0 {
		t.Fatalf("Close(1005, \"\") = %#v, %v; want the empty body", body, err)
	}
}

// Rule 2: the first valid Close, none sent: recorded, the echo returned
// (empty for empty, else the code alone), counted as sent only by Send.
func TestHandshakeRule2ReceiveFirst(t *testing.T) {
	for _, tt := range []struct{ body, reply string }{{"", ""}, {"03e9676f696e672061776179", "03e9"}, {"0fa0", "0fa0"}} {
		h := NewHandshake(Server)
		body, _ := hex.DecodeString(tt.body)
		reply, err := h.Receive(body)
		if err != nil || reply == nil || hex.EncodeToString(reply) != tt.reply || !h.Received() || h.Sent() {
			t.Fatalf("Receive(%s) = %x, %v, Received %v, Sent %v; want %s to send, not yet sent", tt.body, reply, err, h.Received(), h.Sent(), tt.reply)
		}
		if len(body) > 0 {
			body[0] = 0xff // the reply and the record are not the caller's buffer
			if hex.EncodeToString(reply) != tt.reply {
				t.Fatalf("reply %x aliases the received body", reply)
			}
		}
		if h.CloseTransport() {
			t.Fatalf("Receive(%s): CloseTransport before the reply was sent", tt.body)
		}
		if err := h.Send(reply); err != nil || !h.CloseTransport() {
			t.Fatalf("Send(reply) = %v, CloseTransport %v", err, h.CloseTransport())
		}
		if _, err := h.Close(StatusNormalClosure, ""); !errors.Is(err, ErrCloseSent) {
			t.Fatalf("Close after the echo = %v; want ErrCloseSent", err)
		}
		h.TransportClosed()
		if ev := h.Event(); ev.Code == StatusAbnormalClosure || !ev.WasClean {
			t.Fatalf("Event = %+v; want the received code, clean", ev)
		}
	}
}

// Rule 3: a valid Close after this end sent one completes the handshake.
func TestHandshakeRule3ReceiveReply(t *testing.T) {
	h := NewHandshake(Client)
	body, _ := h.Close(StatusNormalClosure, "")
	h.Send(body)
	reply, err := h.Receive([]byte("\x0b\xb8later"))
	if reply != nil || err != nil {
		t.Fatalf("Receive after Close = %x, %v; want nothing to send", reply, err)
	}
	h.TransportClosed()
	want := Event{Code: StatusUnauthorized, Reason: "later", WasClean: true}
	if diff := cmp.Diff(want, h.Event()); diff != "" {
		t.Fatalf("Event mismatch (-want +got):\n%s", diff)
	}
}

// Rule 4: an invalid body fails the connection; the reply is AppendFailure
// if no Close was sent; nothing of the body is recorded; the error is the
// Event's Err.
func TestHandshakeRule4ReceiveInvalid(t *testing.T) {
	h := NewHandshake(Client)
	reply, err := h.Receive([]byte("\x03\xe8\xed\xa0\x80"))
	if !errors.Is(err, ErrLoneSurrogate) || !bytes.Equal(reply, AppendFailure(nil, err)) {
		t.Fatalf("Receive(encoded surrogate) = %x, %v", reply, err)
	}
	if ev := h.Event(); !h.CloseTransport() || ev.Code != StatusAbnormalClosure || !ev.Failed || ev.Dropped || ev.Err != err {
		t.Fatalf("after an invalid Close: CloseTransport %v, Event %+v", h.CloseTransport(), ev)
	}
	h = NewHandshake(Client)
	body, _ := h.Close(StatusNormalClosure, "")
	h.Send(body)
	if reply, err := h.Receive([]byte{3}); !errors.Is(err, ErrPayloadTooShort) || reply != nil {
		t.Fatalf("invalid reply to our Close = %x, %v; want the error and nothing to send", reply, err)
	}
}

// Rule 5: a Close after the first one received is ignored (RFC 6455 §7.1.5
// counts the first); Chromium fails the connection instead.
func TestHandshakeRule5SecondClose(t *testing.T) {
	h := NewHandshake(Client)
	reply, _ := h.Receive([]byte("\x03\xe8first"))
	h.Send(reply)
	for _, body := range [][]byte{[]byte("\x03\xe9second"), {3}, nil} {
		if reply, err := h.Receive(body); reply != nil || err != nil {
			t.Fatalf("Receive(%x) after a Close = %x, %v; want it ignored", body, reply, err)
		}
	}
	h.TransportClosed()
	want := Event{Code: StatusNormalClosure, Reason: "first", WasClean: true}
	if diff := cmp.Diff(want, h.Event()); diff != "" {
		t.Fatalf("Event mismatch (-want +got):\n%s", diff)
	}
}

// Rule 6: Fail fails the connection and returns AppendFailure if no Close
// was sent, else nothing; the first cause is the Event's Err.
func TestHandshakeRule6Fail(t *testing.T) {
	for _, err := range failErrors {
		h := NewHandshake(Server)
		body := h.Fail(err)
		if !bytes.Equal(body, AppendFailure(nil, err)) || !h.CloseTransport() || !h.Failed() {
			t.Fatalf("Fail(%v) = %x, CloseTransport %v", err, body, h.CloseTransport())
		}
		if err := h.Send(body); err != nil {
			t.Fatalf("Send(Fail's body) = %v", err)
		}
		if body := h.Fail(io.EOF); body != nil {
			t.Fatalf("second Fail(%v) = %x; want nothing to send", err, body)
		}
		if ev := h.Event(); ev.Err != err || ev.Dropped {
			t.Fatalf("Event after Fail(%v) = %+v; want its Err the first cause", err, ev)
		}
	}
}

// Rule 7: CloseTransport is true once failed (both roles); for a Server once
// a Close was sent and received; never for a Client otherwise.
func TestHandshakeRule7CloseTransport(t *testing.T) {
	for _, role := range []Role{Client, Server} {
		h := NewHandshake(role)
		body, _ := h.Close(StatusNormalClosure, "")
		h.Send(body)
		if h.CloseTransport() {
			t.Fatalf("%v: CloseTransport after our Close alone", role)
		}
		h.Receive([]byte{0x03, 0xe8})
		if got, want := h.CloseTransport(), role == Server; got != want {
			t.Fatalf("%v: CloseTransport after the handshake = %v, want %v", role, got, want)
		}
		h.TransportClosed()
		if h.CloseTransport() {
			t.Fatalf("%v: CloseTransport after TCP closed", role)
		}
	}
}

// Rule 8: the Event, before and after TransportClosed.
func TestHandshakeRule8Event(t *testing.T) {
	dropped := Event{Code: StatusAbnormalClosure, Failed: true, Dropped: true}
	h := NewHandshake(Client)
	if got := h.Event(); got != dropped {
		t.Fatalf("Event of an open connection = %+v; want what TCP loss now would report", got)
	}
	h.Receive(nil)
	if got := h.Event(); got != (Event{Code: StatusNoStatusReceived}) {
		t.Fatalf("Event after an empty Close, reply not sent = %+v", got)
	}
	h = NewHandshake(Client)
	body, _ := h.Close(StatusNormalClosure, "")
	h.Send(body)
	h.TransportClosed()
	if got := h.Event(); got != dropped || h.State() != StateClosed {
		t.Fatalf("Event after TCP loss with no reply = %+v, state %v", got, h.State())
	}
	h.TransportClosed()
	if got := h.Event(); got != dropped {
		t.Fatalf("Event after a second TransportClosed = %+v", got)
	}
}

// Rule 9: no panics for any call sequence, every body to send parses, at
// most one body to send: random sequences against the reference.
func TestHandshakeRule9Model(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 9))
	bodies := [][]byte{nil, {3}, {3, 0xe8}, []byte("\x03\xe9bye"), []byte("\x03\xed"), []byte("\x03\xe8\xff"),
		[]byte("\x13\x88"), append([]byte{3, 0xe8}, strings.Repeat("x", 124)...), []byte("\x0f\xa0\xef\xbb\xbfbom")}
	codes := []Code{0, 1000, 1001, 1005, 1006, 1014, 1015, 3000, 4999, 5000}
	reasons := []string{"", "bye", "\xff", strings.Repeat("é", 62)}
	for range 20000 {
		ops := make([]hsOp, rng.IntN(7))
		for i := range ops {
			switch rng.IntN(5) {
			case 0:
				ops[i] = closeOp(codes[rng.IntN(len(codes))], reasons[rng.IntN(len(reasons))])
			case 1, 2:
				ops[i] = hsOp{kind: "receive", body: bodies[rng.IntN(len(bodies))]}
			case 3:
				ops[i] = failOp(failErrors[rng.IntN(len(failErrors))])
			default:
				ops[i] = tcpClosed
			}
		}
		checkHandshake(t, []Role{Client, Server, 0}[rng.IntN(3)], ops)
	}
}

// TestHandshakeSituations walks each situation of a close, for both roles:
// what each call returns, whether this end should close TCP before TCP
// closes, and the Event after.
func TestHandshakeSituations(t *testing.T) {
	failed := func(err error) Event { return Event{Code: StatusAbnormalClosure, Failed: true, Err: err} }
	dropped := Event{Code: StatusAbnormalClosure, Failed: true, Dropped: true}
	tests := []struct {
		name  string
		ops   []hsOp
		want  []hsAnswer
		close map[Role]bool // CloseTransport just before TCP closes (or at the end)
		event Event
	}{
		{"this end closes first, peer echoes",
			[]hsOp{closeOp(1000, "bye"), receiveOp("03e8"), tcpClosed},
			[]hsAnswer{sent("03e8627965"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"peer closes first",
			[]hsOp{receiveOp("03e9 676f696e672061776179"), tcpClosed},
			[]hsAnswer{sent("03e9"), {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1001, Reason: "going away", WasClean: true}},
		{"both at once: each reports the other's code",
			[]hsOp{closeOp(4000, "mine"), receiveOp("0fa1 7468656972"), tcpClosed},
			[]hsAnswer{sent("0fa06d696e65"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 4001, Reason: "their", WasClean: true}},
		{"peer replies with a different code",
			[]hsOp{closeOp(1000, ""), receiveOp("0bb8"), tcpClosed},
			[]hsAnswer{sent("03e8"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 3000, WasClean: true}},
		{"peer replies empty",
			[]hsOp{closeOp(1000, ""), receiveOp(""), tcpClosed},
			[]hsAnswer{sent("03e8"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1005, WasClean: true}},
		{"peer replies invalid",
			[]hsOp{closeOp(1000, ""), receiveOp("03ed"), tcpClosed},
			[]hsAnswer{sent("03e8"), {Err: ErrInvalidCode}, {}},
			map[Role]bool{Client: true, Server: true},
			failed(ErrInvalidCode)},
		{"peer closes with an invalid body",
			[]hsOp{receiveOp("03e8 ff"), tcpClosed},
			[]hsAnswer{{HasBody: true, Body: hex.EncodeToString(AppendFailure(nil, errBadUTF8)), Err: ErrInvalidUTF8, Sent: true}, {}},
			map[Role]bool{Client: true, Server: true},
			failed(ErrInvalidUTF8)},
		{"peer never replies and TCP drops",
			[]hsOp{closeOp(1000, ""), tcpClosed},
			[]hsAnswer{sent("03e8"), {}},
			map[Role]bool{Client: false, Server: false},
			dropped},
		{"TCP drops in StateOpen",
			[]hsOp{tcpClosed},
			[]hsAnswer{{}},
			map[Role]bool{Client: false, Server: false},
			dropped},
		{"Fail in StateOpen",
			[]hsOp{failOp(io.ErrUnexpectedEOF), tcpClosed},
			[]hsAnswer{sent("03f3"), {}},
			map[Role]bool{Client: true, Server: true},
			failed(io.ErrUnexpectedEOF)},
		{"Fail after this end's Close",
			[]hsOp{closeOp(1000, ""), failOp(errShort), tcpClosed},
			[]hsAnswer{sent("03e8"), {}, {}},
			map[Role]bool{Client: true, Server: true},
			failed(errShort)},
		{"Fail after the peer's Close was echoed",
			[]hsOp{receiveOp("03e8"), failOp(errShort), tcpClosed},
			[]hsAnswer{sent("03e8"), {}, {}},
			map[Role]bool{Client: true, Server: true},
			failed(errShort)},
		{"Fail in StateClosed changes nothing",
			[]hsOp{receiveOp("03e8"), tcpClosed, failOp(errShort)},
			[]hsAnswer{sent("03e8"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"a second Close is ignored",
			[]hsOp{receiveOp("03e8"), receiveOp("03e9"), receiveOp("03"), tcpClosed},
			[]hsAnswer{sent("03e8"), {}, {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"Close after the echo",
			[]hsOp{receiveOp("03e8"), closeOp(1000, ""), tcpClosed},
			[]hsAnswer{sent("03e8"), {Err: ErrCloseSent}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"an invalid Close call, then a valid one",
			[]hsOp{closeOp(1006, ""), closeOp(1000, "ok"), receiveOp("03e8"), tcpClosed},
			[]hsAnswer{{Err: ErrInvalidCode}, sent("03e86f6b"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"no status: 1005 sends the empty body",
			[]hsOp{closeOp(1005, ""), receiveOp(""), tcpClosed},
			[]hsAnswer{sent(""), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1005, WasClean: true}},
		{"the reply not sent: not clean, not failed",
			[]hsOp{{kind: "receive", body: []byte{0x03, 0xe8}}, tcpClosed},
			[]hsAnswer{{HasBody: true, Body: "03e8"}, {}},
			map[Role]bool{Client: false, Server: false},
			Event{Code: 1000}},
		{"the application's own reply",
			[]hsOp{{kind: "receive", body: []byte("\x03\xe9bye")}, {kind: "send", body: []byte("\x0f\xa0mine")}, tcpClosed},
			[]hsAnswer{{HasBody: true, Body: "03e9"}, {Sent: true}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1001, Reason: "bye", WasClean: true}},
		{"an invalid body to Send records nothing",
			[]hsOp{{kind: "send", body: []byte{3}}, closeOp(1000, ""), receiveOp("03e8"), tcpClosed},
			[]hsAnswer{{SendErr: ErrPayloadTooShort}, sent("03e8"), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"after TCP closed: ErrTransportClosed",
			[]hsOp{receiveOp("03e8"), tcpClosed, {kind: "send", body: []byte{0x03, 0xe8}}, closeOp(1000, "")},
			[]hsAnswer{sent("03e8"), {}, {SendErr: ErrCloseSent}, {Err: ErrCloseSent}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"TCP lost before the reply: ErrTransportClosed, the received Close reported",
			[]hsOp{{kind: "receive", body: []byte{0x03, 0xe8}}, tcpClosed, {kind: "send", body: []byte{0x03, 0xe8}}, closeOp(1000, "")},
			[]hsAnswer{{HasBody: true, Body: "03e8"}, {}, {SendErr: ErrTransportClosed}, {Err: ErrTransportClosed}},
			map[Role]bool{Client: false, Server: false},
			Event{Code: 1000}},
		{"a second Send is refused",
			[]hsOp{closeOp(1000, ""), {kind: "send", body: []byte{0x03, 0xe9}}, tcpClosed},
			[]hsAnswer{sent("03e8"), {SendErr: ErrCloseSent}, {}},
			map[Role]bool{Client: false, Server: false},
			dropped},
		{"Fail with a Failure: a frame fault is 1002",
			[]hsOp{failOp(&Failure{Code: StatusProtocolError, Reason: "reserved bit", Err: errForeign}), tcpClosed},
			[]hsAnswer{sent("03ea726573657276656420626974"), {}},
			map[Role]bool{Client: true, Server: true},
			failed(errForeign)},
		{"Fail with a Failure that may not be sent: 1011",
			[]hsOp{failOp(&Failure{Code: StatusAbnormalClosure, Reason: "\xff"}), tcpClosed},
			[]hsAnswer{sent("03f3"), {}},
			map[Role]bool{Client: true, Server: true},
			failed(&Failure{Code: StatusAbnormalClosure})},
		{"ScriptClose: close() with no arguments sends the empty body",
			[]hsOp{scriptOp(0, false, ""), receiveOp(""), tcpClosed},
			[]hsAnswer{sent(""), {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1005, WasClean: true}},
		{"ScriptClose: a reason alone goes with 1000; a second call does nothing",
			[]hsOp{scriptOp(0, false, "bye"), scriptOp(3000, true, ""), receiveOp("03e8"), tcpClosed},
			[]hsAnswer{sent("03e8627965"), {}, {}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"ScriptClose: the code is checked even when closing",
			[]hsOp{receiveOp("03e8"), scriptOp(1001, true, ""), tcpClosed},
			[]hsAnswer{sent("03e8"), {Err: &DOMException{Name: "InvalidAccessError", Err: ErrInvalidCode}}, {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 1000, WasClean: true}},
		{"a reason with a byte order mark is kept",
			[]hsOp{receiveOp("0fa0 efbbbf626f6d"), tcpClosed},
			[]hsAnswer{sent("0fa0"), {}},
			map[Role]bool{Client: false, Server: true},
			Event{Code: 4000, Reason: "\uFEFFbom", WasClean: true}},
	}
	for _, tt := range tests {
		for _, role := range []Role{Client, Server} {
			t.Run(tt.name+"/"+role.String(), func(t *testing.T) {
				h := NewHandshake(role)
				var got []hsAnswer
				closeTCP := false
				for _, op := range tt.ops {
					if op.kind == "tcp closed" {
						closeTCP = h.CloseTransport()
					}
					got = append(got, apply(h, op))
				}
				if h.State() != StateClosed {
					closeTCP = h.CloseTransport()
				}
				if diff := cmp.Diff(tt.want, got, equateSentinels); diff != "" {
					t.Errorf("answers mismatch (-want +got):\n%s", diff)
				}
				if closeTCP != tt.close[role] {
					t.Errorf("CloseTransport before TCP closed = %v, want %v", closeTCP, tt.close[role])
				}
				if diff := cmp.Diff(tt.event, h.Event(), equateSentinels); diff != "" {
					t.Errorf("Event mismatch (-want +got):\n%s", diff)
				}
				checkHandshake(t, role, tt.ops)
			})
		}
	}
}

// sent is the answer of a call whose body was sent.
func sent(body string) hsAnswer { return hsAnswer{HasBody: true, Body: body, Sent: true} }

// errForeign is an error from elsewhere, whose text must never be sent.
var errForeign = errors.New("db password hunter2")

func TestRoleAndStateStrings(t *testing.T) {
	got := []string{Client.String(), Server.String(), Role(0).String(), StateOpen.String(), StateClosing.String(), StateClosed.String(), State(9).String()}
	want := []string{"client", "server", "Role(0)", "open", "closing", "closed", "State(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestScriptClose: the WHATWG close() steps on a Handshake, with the
// exceptions a browser throws and their messages.
func TestScriptClose(t *testing.T) {
	const (
		codeMsg   = "The close code must be either 1000, or between 3000 and 4999. %d is neither."
		reasonMsg = "The close reason must not be greater than 123 UTF-8 bytes."
	)
	type result struct {
		Body string // hex; "nil" for no body
		Name string // the DOMException's name
		Msg  string
	}
	tests := []struct {
		name    string
		code    float64
		hasCode bool
		reason  string
		want    result
	}{
		{"close()", 0, false, "", result{Body: ""}},
		{"close(1000)", 1000, true, "", result{Body: "03e8"}},
		{"close(4999, reason)", 4999, true, "bye", result{Body: "1387627965"}},
		{"close(undefined, reason): 1000", 0, false, "bye", result{Body: "03e8627965"}},
		{"close(2999.5): rounds to 3000", 2999.5, true, "", result{Body: "0bb8"}},
		{"close(1001)", 1001, true, "", result{Body: "nil", Name: "InvalidAccessError", Msg: fmt.Sprintf(codeMsg, 1001)}},
		{"close(NaN)", math.NaN(), true, "", result{Body: "nil", Name: "InvalidAccessError", Msg: fmt.Sprintf(codeMsg, 0)}},
		{"close(70000): clamped", 70000, true, "", result{Body: "nil", Name: "InvalidAccessError", Msg: fmt.Sprintf(codeMsg, 65535)}},
		{"close(1000, 124 bytes)", 1000, true, strings.Repeat("a", 124), result{Body: "nil", Name: "SyntaxError", Msg: reasonMsg}},
		{"code checked before reason", 1001, true, strings.Repeat("a", 124), result{Body: "nil", Name: "InvalidAccessError", Msg: fmt.Sprintf(codeMsg, 1001)}},
		{"WTF-8 lone surrogate becomes U+FFFD", 1000, true, "a\xed\xa0\x80", result{Body: "03e861efbfbd"}},
		{"41 WTF-8 surrogates: 123 bytes", 1000, true, strings.Repeat("\xed\xb0\x80", 41), result{Body: "03e8" + strings.Repeat("efbfbd", 41)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := NewHandshake(Client).ScriptClose(tt.code, tt.hasCode, tt.reason)
			got := result{Body: "nil"}
			if body != nil {
				got.Body = hex.EncodeToString(body)
			}
			var dom *DOMException
			if errors.As(err, &dom) {
				got.Name, got.Msg = dom.Name, dom.Message
				if dom.Error() != "wsclose: "+dom.Name+": "+dom.Message || dom.String() != dom.Name+": "+dom.Message || !errors.Is(err, dom.Err) {
					t.Errorf("DOMException %q does not read or unwrap as documented", dom.Error())
				}
				checkErrorText(t, err)
			} else if err != nil {
				t.Fatalf("ScriptClose error %v is not a *DOMException", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ScriptClose(%v, %v, %q) mismatch (-want +got):\n%s", tt.code, tt.hasCode, tt.reason, diff)
			}
			checkHandshake(t, Client, []hsOp{scriptOp(tt.code, tt.hasCode, tt.reason), receiveOp("03e8"), tcpClosed})
		})
	}
	// Ill-formed UTF-8 that is no encoded surrogate is the caller's mistake,
	// not the script's: a *ReasonError, not a DOMException.
	var re *ReasonError
	if _, err := NewHandshake(Client).ScriptClose(1000, true, "ok\xff"); !errors.As(err, &re) || re.Offset != 2 || errors.As(err, new(*DOMException)) {
		t.Errorf("ScriptClose with ill-formed UTF-8 = %#v; want a *ReasonError at offset 2", err)
	}
	// Nil DOMException and Failure values do not panic.
	if got := (*DOMException)(nil).Error(); got != "wsclose: DOMException" || (*DOMException)(nil).String() != "DOMException" || (*DOMException)(nil).Unwrap() != nil || (*Failure)(nil).Unwrap() != nil {
		t.Errorf("nil *DOMException reads %q", got)
	}
}

// TestHandshakeConcurrent: a read loop and a writer share one Handshake with
// no lock beside it (run with -race): whichever gets there first, Send lets
// exactly one Close be written, and the Event is clean.
func TestHandshakeConcurrent(t *testing.T) {
	for range 200 {
		h := NewHandshake(Server)
		var wg sync.WaitGroup
		writes := make(chan []byte, 2)
		wg.Add(2)
		go func() { // the read loop
			defer wg.Done()
			if reply, _ := h.Receive([]byte{0x03, 0xe8}); reply != nil && h.Send(reply) == nil {
				writes <- reply
			}
		}()
		go func() { // the application's close
			defer wg.Done()
			if body, err := h.Close(StatusGoingAway, "bye"); err == nil && h.Send(body) == nil {
				writes <- body
			}
			_ = h.State()
			_ = h.Event()
		}()
		wg.Wait()
		close(writes)
		if n := len(writes); n != 1 {
			t.Fatalf("%d Close frames written, want 1", n)
		}
		if !h.CloseTransport() {
			t.Fatal("the server should close TCP once both Closes are through")
		}
		h.TransportClosed()
		if ev := h.Event(); !ev.WasClean || ev.Code != StatusNormalClosure {
			t.Fatalf("Event = %+v, want 1000 clean", ev)
		}
	}
}
