// Package echo is a WebSocket echo server built on wsclose's Handshake and
// the project's wire layer, which closes as RFC 6455 asks, and into which a
// test plants one defect at a time. The tests of wsclosetest and of the
// wsclose command's probe run against it. It is for tests only.
package echo

import (
	"encoding/binary"
	"net"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/fixture"
	"github.com/wsclose/wsclose/internal/wire"
)

// Defect is one way a server breaks the closing handshake, planted in the
// conforming server.
type Defect int

// The defects.
const (
	Conforming     Defect = iota
	NoEcho                // never answers a Close; closes TCP
	EchoOther             // answers every valid Close with 3000
	AcceptOneByte         // answers a 1-byte body with 1000
	Refuse1014            // fails the connection on 1014
	Accept2999            // echoes 2999
	CutReason             // echoes the code and the reason without its last byte
	TCPOpen               // never closes TCP itself
	DataAfterClose        // sends a Text message after its Close
	SecondClose           // sends its Close twice
	Send1005              // answers an empty Close with 1005 on the wire
)

// Start runs the server on 127.0.0.1 with the defect d planted until the
// test ends, and returns its ws:// URL.
func Start(t testing.TB, d Defect) string {
	return "ws://" + fixture.Serve(t, func(conn net.Conn) {
		conn.SetDeadline(time.Now().Add(wire.DefaultTimeout)) // a silent client does not hold the handler
		c, err := wire.Accept(conn)
		if err != nil {
			return
		}
		conn.SetDeadline(time.Time{})
		Serve(c, d)
	}) + "/"
}

// Serve echoes messages and answers Pings on c, and closes as wsclose's
// Handshake in the Server role says, except for the defect d.
func Serve(c *wire.Conn, d Defect) {
	h := wsclose.NewHandshake(wsclose.Server)
	var msg []byte
	var msgOp byte
	// fail fails the connection; a frame's fault and text that is not
	// UTF-8 come as a *wsclose.Failure with the code they call for.
	fail := func(err error) {
		if body := h.Fail(err); body != nil && h.Send(body) == nil {
			c.Send(wire.OpClose, body)
		}
	}
	answered := false // a Close was written in answer, even one a defect made invalid
	for {
		f, err := c.ReadFrame()
		if err != nil {
			if d == TCPOpen {
				return
			}
			h.TransportClosed()
			return
		}
		if v := f.Check(); v != nil {
			fail(&wsclose.Failure{Code: wsclose.StatusProtocolError, Err: v})
		} else if v := f.CheckMask(true); v != nil {
			fail(&wsclose.Failure{Code: wsclose.StatusProtocolError, Err: v})
		} else if h.State() == wsclose.StateOpen {
			switch f.Opcode {
			case wire.OpClose:
				reply, err := h.Receive(f.Payload)
				send := reply != nil
				var code uint16
				if len(f.Payload) >= 2 {
					code = binary.BigEndian.Uint16(f.Payload)
				}
				switch {
				case d == NoEcho:
					send = false
				case d == AcceptOneByte && len(f.Payload) == 1,
					d == EchoOther && err == nil && len(f.Payload) > 0:
					reply, send = body(map[bool]uint16{true: 1000, false: 3000}[d == AcceptOneByte]), true
				case d == Refuse1014 && code == 1014:
					reply = body(1002)
				case d == Accept2999 && code == 2999:
					reply = body(2999)
				case d == CutReason && err == nil && len(f.Payload) > 2:
					reply = f.Payload[:len(f.Payload)-1]
				case d == Send1005 && len(f.Payload) == 0:
					reply = body(1005)
				}
				if send {
					h.Send(reply) // records a valid body; one a defect made invalid is written all the same
					answered = true
					c.Send(wire.OpClose, reply)
					if d == SecondClose {
						c.Send(wire.OpClose, reply)
					}
					if d == DataAfterClose {
						c.Send(wire.OpText, []byte("late"))
					}
				}
				if d == NoEcho {
					h.TransportClosed()
				}
			case wire.OpPing:
				c.Send(wire.OpPong, f.Payload)
			case wire.OpText, wire.OpBinary, wire.OpContinuation:
				if f.Opcode != wire.OpContinuation {
					msg, msgOp = nil, f.Opcode
				}
				msg = append(msg, f.Payload...)
				if f.FIN {
					if msgOp == wire.OpText && !utf8.Valid(msg) {
						fail(&wsclose.Failure{Code: wsclose.StatusInvalidPayloadData, Err: wsclose.ErrInvalidUTF8})
						break
					}
					c.Send(msgOp, msg)
				}
			}
		}
		if h.CloseTransport() || h.State() == wsclose.StateClosed || answered {
			if d == TCPOpen {
				continue // read on until the client closes
			}
			h.TransportClosed()
			return
		}
	}
}

// body is a Close body of code alone.
func body(code uint16) []byte { return binary.BigEndian.AppendUint16(nil, code) }
