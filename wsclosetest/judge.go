package wsclosetest

import (
	"encoding/binary"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// This file is the one place where the probe asks wsclose what the rules
// say: what a conforming server answers to the Close the probe sends
// (Handshake in the Server role, which answers as RFC 6455 §5.5.1 and
// §7.1.7 ask), and whether the Close the server sent is one a client may
// accept (Handshake in the Client role, which checks it with
// ParsePayload). The probe and the library cannot disagree.

// expectation is what a conforming server does with the probe's Close.
type expectation struct {
	accept bool           // the Close is valid: the server answers it and the closing handshake completes
	empty  bool           // an empty Close body may answer (the probe's body was empty, or the server fails the connection)
	codes  []wsclose.Code // the codes an answer may carry
	why    error          // why the server must refuse it: ParsePayload's error or the frame's *wire.Violation
}

// expect returns what a conforming server does on receiving a Close frame
// with header h and body.
func expect(h wire.Header, body []byte) expectation {
	if v := h.Check(); v != nil {
		return expectation{empty: true, codes: []wsclose.Code{wsclose.StatusProtocolError}, why: v}
	}
	if v := h.CheckMask(true); v != nil {
		return expectation{empty: true, codes: []wsclose.Code{wsclose.StatusProtocolError}, why: v}
	}
	reply, err := serverAnswer(body)
	if err != nil {
		e := expectation{empty: true, codes: []wsclose.Code{wsclose.StatusProtocolError}, why: err}
		if c := replyCode(reply); c != wsclose.StatusProtocolError {
			e.codes = append(e.codes, c)
		}
		return e
	}
	e := expectation{accept: true, codes: []wsclose.Code{wsclose.StatusNormalClosure}}
	if len(reply) == 0 {
		e.empty = true
	} else if c := replyCode(reply); c != wsclose.StatusNormalClosure {
		e.codes = append(e.codes, c)
	}
	return e
}

// serverAnswer is the Close body a server built on wsclose answers body
// with, and the error for which it fails the connection, if it does.
func serverAnswer(body []byte) ([]byte, error) {
	h := wsclose.NewHandshake(wsclose.Server)
	reply, err := h.Receive(body)
	return append([]byte(nil), reply...), err
}

// clientReceive is what a client built on wsclose makes of the Close body
// a server sent: its code and reason, or the error for which the client
// fails the connection (an empty body is 1005 with no reason).
func clientReceive(body []byte) (wsclose.Code, string, error) {
	h := wsclose.NewHandshake(wsclose.Client)
	if _, err := h.Receive(body); err != nil {
		return 0, "", err
	}
	code, reason, _ := h.ReceivedClose()
	return code, string(reason), nil
}

// replyCode is the code of a Close body, 1005 for an empty one.
func replyCode(body []byte) wsclose.Code {
	if len(body) < 2 {
		return wsclose.StatusNoStatusReceived
	}
	return wsclose.Code(binary.BigEndian.Uint16(body))
}
