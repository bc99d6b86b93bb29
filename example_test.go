package wsclose_test

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/wsclose/wsclose"
)

func ExampleParsePayload() {
	body := []byte("\x03\xe9going away")
	code, reason, err := wsclose.ParsePayload(body)
	// reason aliases body: copy it (string(reason)) to keep it.
	fmt.Printf("%v %q %v\n", code, reason, err)
	// Output: 1001 (going away) "going away" <nil>
}

func ExampleParsePayload_noStatus() {
	// An empty Close body carries no status code: report 1005, never send it.
	code, reason, err := wsclose.ParsePayload(nil)
	fmt.Printf("%v %q %v\n", code, reason, err)
	// Output: 1005 (no status received) "" <nil>
}

func ExampleParsePayload_oneByte() {
	// A 1-byte body cannot hold a code: fail the connection with 1002.
	_, _, err := wsclose.ParsePayload([]byte{0x03})
	fmt.Println(err)
	fmt.Println("fail with", wsclose.FailureCode(err))
	// Output:
	// wsclose: close payload too short to hold a code: 1 byte
	// fail with 1002 (protocol error)
}

func ExampleParsePayload_invalidUTF8() {
	// Autobahn TestSuite case 7.5.1: a surrogate encoded in the reason.
	body := []byte("\x03\xe8\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited")
	code, _, err := wsclose.ParsePayload(body)
	fmt.Println(code)
	fmt.Println(err)
	fmt.Println(errors.Is(err, wsclose.ErrLoneSurrogate))
	fmt.Println("fail with", wsclose.FailureCode(err))
	// Output:
	// 1000 (normal closure)
	// wsclose: close reason contains a lone surrogate at offset 11
	// true
	// fail with 1007 (invalid frame payload data)
}

func ExampleAppendPayload() {
	buf := make([]byte, 0, wsclose.MaxPayloadLen)
	buf, err := wsclose.AppendPayload(buf, wsclose.StatusUnauthorized, "接続")
	fmt.Printf("%x %v\n", buf, err)
	// Output: 0bb8e68ea5e7b69a <nil>
}

func ExampleAppendPayload_noStatus() {
	// 1005 with no reason is sent as the empty body; with a reason it is refused.
	body, err := wsclose.AppendPayload(nil, wsclose.StatusNoStatusReceived, "")
	fmt.Printf("%d bytes, %v\n", len(body), err)
	_, err = wsclose.AppendPayload(nil, wsclose.StatusNoStatusReceived, "bye")
	fmt.Println(err)
	// Output:
	// 0 bytes, <nil>
	// wsclose: invalid close code 1005: reported only, never sent
}

func ExampleAppendFailure() {
	// A frame reader that refuses a Close body fails the connection with
	// the status RFC 6455 asks for and the error's text as the reason.
	_, _, err := wsclose.ParsePayload([]byte("\x03\xe8\xff"))
	err = fmt.Errorf("conn 42: reading close frame: %w", err)
	body := wsclose.AppendFailure(nil, err)
	code, reason, _ := wsclose.ParsePayload(body)
	fmt.Printf("%v %q\n", code, reason)

	// An error from elsewhere sends 1011 and no text: it may hold secrets.
	body = wsclose.AppendFailure(nil, errors.New("dial tcp 10.0.0.7:5432: connection refused"))
	code, reason, _ = wsclose.ParsePayload(body)
	fmt.Printf("%v %q\n", code, reason)
	// Output:
	// 1007 (invalid frame payload data) "close reason is not valid UTF-8 at offset 0"
	// 1011 (internal error) ""
}

func ExampleAppendScriptClose() {
	// What WebSocket.close(code, reason) does, for a runtime exposing the
	// browser API: reason is the script's string as UTF-16 code units.
	calls := []struct {
		code    float64
		hasCode bool
		reason  string
	}{
		{0, false, ""},                        // close()
		{2999.5, true, "bye"},                 // close(2999.5, "bye"): [Clamp] gives 3000
		{0, false, "bye"},                     // close(undefined, "bye"): sent with 1000
		{1001, true, ""},                      // close(1001): only browsers send 1001
		{1000, true, strings.Repeat("é", 62)}, // 124 bytes of UTF-8
	}
	for _, c := range calls {
		body, err := wsclose.AppendScriptClose(nil, c.code, c.hasCode, utf16.Encode([]rune(c.reason)))
		if err != nil {
			fmt.Println("throws", wsclose.DOMExceptionName(err))
			continue
		}
		fmt.Printf("sends [% x]\n", body)
	}
	// Output:
	// sends []
	// sends [0b b8 62 79 65]
	// sends [03 e8 62 79 65]
	// throws InvalidAccessError
	// throws SyntaxError
}

func ExampleCode_String() {
	for _, c := range []wsclose.Code{1000, 1014, 1004, 1016, 3999, 4000, 999, 5000} {
		fmt.Println(c)
	}
	// Output:
	// 1000 (normal closure)
	// 1014 (bad gateway)
	// 1004 (reserved)
	// 1016 (unassigned)
	// 3999 (library range)
	// 4000 (private use)
	// 999 (not used)
	// 5000 (out of range)
}

func ExampleCode_Valid() {
	for _, c := range []wsclose.Code{1001, 1005, 1012, 1015, 4999, 5000} {
		fmt.Println(c, c.Valid())
	}
	// Output:
	// 1001 (going away) true
	// 1005 (no status received) false
	// 1012 (service restart) true
	// 1015 (TLS handshake) false
	// 4999 (private use) true
	// 5000 (out of range) false
}

func ExampleValidateScriptCode() {
	// A script may pass 1000 or 3000–4999 to close(); 1001 is for browsers.
	for _, code := range []int{1000, 1001, 4000, 65536 + 1000} {
		err := wsclose.ValidateScriptCode(code)
		fmt.Printf("%d %q\n", code, wsclose.DOMExceptionName(err))
	}
	// Output:
	// 1000 ""
	// 1001 "InvalidAccessError"
	// 4000 ""
	// 66536 "InvalidAccessError"
}

func ExampleClampCode() {
	// Web IDL [Clamp] unsigned short: clamp, then round half to even.
	for _, f := range []float64{2999.4, 2999.5, 4999.5, -0.4, 65536 + 1000} {
		c := wsclose.ClampCode(f)
		fmt.Println(f, "->", uint16(c), wsclose.ValidateScriptCode(int(c)) == nil)
	}
	// Output:
	// 2999.4 -> 2999 false
	// 2999.5 -> 3000 true
	// 4999.5 -> 5000 false
	// -0.4 -> 0 false
	// 66536 -> 65535 false
}

func ExampleValidateReason() {
	fmt.Println(wsclose.ValidateReason("Tschüß"))
	fmt.Println(wsclose.ValidateReason(strings.Repeat("é", 62)))
	fmt.Println(wsclose.ValidateReason("bad \xff byte"))
	// Output:
	// <nil>
	// wsclose: close reason longer than 123 bytes: 124 bytes
	// wsclose: close reason is not valid UTF-8 at offset 4
}

func ExampleReasonFromUTF16() {
	// JavaScript's "\uD807" is a lone surrogate; a browser sends U+FFFD.
	js := []uint16{'o', 'k', 0xD807}
	fmt.Println(wsclose.ReasonLenUTF16(js))
	fmt.Printf("%+q\n", wsclose.ReasonFromUTF16(js))
	fmt.Println(wsclose.ValidateReasonUTF16(js))
	// Output:
	// 5
	// "ok\ufffd"
	// wsclose: close reason contains a lone surrogate at offset 2
}

func ExampleValidateReasonUTF16() {
	// 42 emoji are 84 UTF-16 code units but 168 bytes of UTF-8.
	js := utf16.Encode([]rune(strings.Repeat("🔌", 42)))
	err := wsclose.ValidateReasonUTF16(js)
	fmt.Println(len(js), wsclose.ReasonLenUTF16(js), wsclose.DOMExceptionName(err))
	// Output: 84 168 SyntaxError
}

func ExampleDecodeReason() {
	// What CloseEvent.reason shows for bytes that are not UTF-8: one U+FFFD
	// for each maximal ill-formed subpart.
	fmt.Printf("%+q\n", wsclose.DecodeReason([]byte("a\xed\xa0\x80b")))
	fmt.Printf("%+q\n", wsclose.DecodeReason([]byte("a\xf0\x9f\x98b")))
	// Output:
	// "a\ufffd\ufffd\ufffdb"
	// "a\ufffdb"
}

func ExampleTruncateReason() {
	// 41 "é" written as e + U+0301 are 123 bytes; a 124th byte forces a cut,
	// which keeps each accent with its letter.
	reason := "a" + strings.Repeat("e\u0301", 41)
	short := wsclose.TruncateReason(reason)
	fmt.Println(len(reason), len(short), strings.HasSuffix(short, "e\u0301"))
	fmt.Println(wsclose.ValidateReason(short))
	// Output:
	// 124 121 true
	// <nil>
}

func ExampleFailureCode() {
	for _, hex := range []string{"\x03", "\x03\xf7", "\x03\xe8\xff"} {
		_, _, err := wsclose.ParsePayload([]byte(hex))
		fmt.Println(wsclose.FailureCode(err))
	}
	// Output:
	// 1002 (protocol error)
	// 1002 (protocol error)
	// 1007 (invalid frame payload data)
}

func ExampleCode_Class() {
	fmt.Println(wsclose.Code(1001).Class())
	fmt.Println(wsclose.Code(4001).Class())
	// Output:
	// 1000–2999 protocol
	// 4000–4999 private use
}

func ExampleHandshake() {
	// A server's frame loop: the peer closes first, the server echoes its
	// code, closes TCP, and reports the close.
	h := wsclose.NewHandshake(wsclose.Server)
	reply, err := h.Receive([]byte("\x03\xe9going away")) // a Close frame arrived
	fmt.Printf("reply % x, err %v\n", reply, err)
	if h.Send(reply) == nil { // the single write point: write only what Send accepts
		fmt.Println("write the reply")
	}
	fmt.Println("close TCP now:", h.CloseTransport())
	h.TransportClosed() // after conn.Close()
	fmt.Printf("%+v\n", h.Event())
	// Output:
	// reply 03 e9, err <nil>
	// write the reply
	// close TCP now: true
	// {Code:1001 (going away) Reason:going away WasClean:true Failed:false Dropped:false Err:<nil>}
}

func ExampleHandshake_clientTimeout() {
	// A client closes; the server echoes but never closes TCP. The client
	// waits for the server (RFC 6455 §7.1.1), its own timer fires (Chromium
	// waits 2 s), it closes TCP itself, and the close is still clean.
	h := wsclose.NewHandshake(wsclose.Client)
	body, _ := h.Close(wsclose.StatusNormalClosure, "done")
	if h.Send(body) == nil {
		fmt.Printf("send % x\n", body)
	}
	h.Receive([]byte{0x03, 0xe8})
	fmt.Println("close TCP now:", h.CloseTransport(), "- wait for the server")
	h.TransportClosed() // the timer fired and the client closed TCP
	fmt.Printf("%+v\n", h.Event())
	// Output:
	// send 03 e8 64 6f 6e 65
	// close TCP now: false - wait for the server
	// {Code:1000 (normal closure) Reason: WasClean:true Failed:false Dropped:false Err:<nil>}
}

func ExampleHandshake_Event() {
	// A runtime exposing the browser's WebSocket API fires its events from
	// the Event once the connection is closed (WHATWG WebSockets Standard).
	// A runtime that matches Chromium fires no error event for a TCP loss
	// (Dropped); one that follows RFC 6455 §7.2.1 fires one for every
	// failure.
	h := wsclose.NewHandshake(wsclose.Client)
	reply, _ := h.Receive([]byte("\x03\xe8\xff")) // the server's Close has a reason that is not UTF-8
	h.Send(reply)                                 // 1007 and why
	h.TransportClosed()
	e := h.Event()
	if e.Failed && !e.Dropped {
		fmt.Printf("dispatch Event(\"error\") // cause: %v\n", e.Err)
	}
	fmt.Printf("dispatch CloseEvent(\"close\", {code: %d, reason: %q, wasClean: %v})\n", uint16(e.Code), e.Reason, e.WasClean)
	// Output:
	// dispatch Event("error") // cause: wsclose: close reason is not valid UTF-8 at offset 0
	// dispatch CloseEvent("close", {code: 1006, reason: "", wasClean: false})
}

func ExampleFailure() {
	// A frame reader finds a fault wsclose never sees, here a reserved bit
	// set with no extension negotiated (RFC 6455 §5.2), and fails the
	// connection with the code §7.4.1 gives a protocol error. The cause is
	// for the logs only.
	cause := errors.New("frame header 0xf1: RSV1 set, no extension negotiated")
	err := fmt.Errorf("conn 42: %w", &wsclose.Failure{Code: wsclose.StatusProtocolError, Reason: "reserved bit set", Err: cause})
	body := wsclose.AppendFailure(nil, err)
	code, reason, _ := wsclose.ParsePayload(body)
	fmt.Printf("%v %q\n", code, reason)
	fmt.Println(err)
	fmt.Println(errors.Is(err, cause))

	// A message over the size limit: 1009, and no reason.
	body = wsclose.AppendFailure(nil, &wsclose.Failure{Code: wsclose.StatusMessageTooBig})
	fmt.Printf("% x\n", body)
	// Output:
	// 1002 (protocol error) "reserved bit set"
	// conn 42: wsclose: connection failed with 1002 (protocol error)
	// true
	// 03 f1
}

func ExampleFailureReason() {
	// An implementation sends the reason under its own name, never as
	// "yourlib: wsclose: ...".
	_, _, err := wsclose.ParsePayload([]byte{0x03, 0xed})
	fmt.Printf("%q\n", "mylib: "+wsclose.FailureReason(err))
	fmt.Printf("%q\n", wsclose.FailureReason(errors.New("dial tcp: secret")))
	// Output:
	// "mylib: invalid close code 1005: reported only, never sent"
	// ""
}

func ExampleSplitPayload() {
	// A peer that reports a refused Close to its user splits it without
	// checks; ParsePayload decides whether it is accepted.
	p := []byte("\x03\xed\xffbye")
	code, reason, ok := wsclose.SplitPayload(p)
	_, _, err := wsclose.ParsePayload(p)
	fmt.Println(int(code), wsclose.DecodeReason(reason), ok)
	fmt.Println(err)
	// Output:
	// 1005 �bye true
	// wsclose: invalid close code 1005: reported only, never sent
}

func ExampleCutReason() {
	// A cut at a character boundary that repairs nothing: a combining
	// accent stays with its letter.
	reason := "a" + strings.Repeat("e\u0301", 41) // 124 bytes
	cut := wsclose.CutReason(reason)
	fmt.Println(len(reason), len(cut), strings.HasSuffix(cut, "e\u0301"))
	// Output:
	// 124 121 true
}

func ExampleHandshake_Send() {
	// The single write point of a library: every Close body goes through
	// Send before it is written, whoever built it, here the application
	// answering the peer's Close with a body of its own. A second Close is
	// refused, so it is never written.
	h := wsclose.NewHandshake(wsclose.Server)
	reply, _ := h.Receive([]byte("\x03\xe9going away"))
	fmt.Printf("owed: % x\n", reply)
	own, _ := wsclose.AppendPayload(nil, wsclose.StatusNormalClosure, "see you")
	fmt.Println("write own:", h.Send(own))
	fmt.Println("write echo:", h.Send(reply))
	fmt.Println("close TCP now:", h.CloseTransport())
	// Output:
	// owed: 03 e9
	// write own: <nil>
	// write echo: wsclose: close frame already sent
	// close TCP now: true
}

func ExampleHandshake_ScriptClose() {
	// A runtime exposing the browser API runs close() from the script on
	// the connection's Handshake and throws what it returns.
	h := wsclose.NewHandshake(wsclose.Client)
	_, err := h.ScriptClose(1001, true, "")
	var dom *wsclose.DOMException
	if errors.As(err, &dom) {
		fmt.Printf("throw new DOMException(%q, %q)\n", dom.Message, dom.Name)
	}
	body, _ := h.ScriptClose(0, false, "bye") // close(undefined, "bye")
	fmt.Printf("% x\n", body)
	h.Send(body)
	body, err = h.ScriptClose(1000, true, "") // already closing: nothing to do
	fmt.Println(body == nil, err)
	// Output:
	// throw new DOMException("The close code must be either 1000, or between 3000 and 4999. 1001 is neither.", "InvalidAccessError")
	// 03 e8 62 79 65
	// true <nil>
}

func ExampleEvent_dropped() {
	// The TCP connection is lost before any Close frame: RFC 6455 §7.2.1
	// makes it a failure, and Dropped says it was nothing else, so a runtime
	// that matches Chromium fires no error event for it.
	h := wsclose.NewHandshake(wsclose.Client)
	h.TransportClosed()
	e := h.Event()
	fmt.Printf("code %d, failed %v, dropped %v, error event %v\n", uint16(e.Code), e.Failed, e.Dropped, e.Failed && !e.Dropped)
	// Output:
	// code 1006, failed true, dropped true, error event false
}

func ExampleHandshake_Reset() {
	// An implementation keeps the Handshake by value in its connection type
	// and sets it up with Reset: no allocation of its own, and a pooled
	// connection starts over the same way.
	type conn struct {
		hs wsclose.Handshake
		// ... the implementation's own fields
	}
	c := new(conn)
	c.hs.Reset(wsclose.Server)
	reply, _ := c.hs.Receive([]byte{0x03, 0xe8})
	fmt.Println(c.hs.Role(), c.hs.Send(reply), c.hs.CloseTransport())
	c.hs.Reset(wsclose.Client)
	fmt.Println(c.hs.Role(), c.hs.State())
	// Output:
	// server <nil> true
	// client open
}
