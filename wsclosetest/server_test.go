package wsclosetest

import (
	"net"
	"testing"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// defect is one way a server breaks the closing handshake, planted in the
// conforming test server.
type defect int

const (
	conforming     defect = iota
	noEcho                // never answers a Close; closes TCP
	echoOther             // answers every valid Close with 3000
	acceptOneByte         // answers a 1-byte body with 1000
	refuse1014            // fails the connection on 1014
	accept2999            // echoes 2999
	cutReason             // echoes the code and the reason without its last byte
	tcpOpen               // never closes TCP itself
	dataAfterClose        // sends a Text message after its Close
	secondClose           // sends its Close twice
	send1005              // answers an empty Close with 1005 on the wire
)

// startServer runs an echo server on 127.0.0.1 built on wsclose's
// Handshake and the wire layer, with the defect d planted, and returns
// its ws:// URL.
func startServer(t testing.TB, d defect) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				c, err := wire.Accept(conn)
				if err != nil {
					return
				}
				serveEcho(c, d)
			}()
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}

// serveEcho echoes messages and answers Pings, and closes as wsclose's
// Handshake in the Server role says, except for the defect d.
func serveEcho(c *wire.Conn, d defect) {
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
			if d == tcpOpen {
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
				code := replyCode(f.Payload)
				switch {
				case d == noEcho:
					send = false
				case d == acceptOneByte && len(f.Payload) == 1,
					d == echoOther && err == nil && len(f.Payload) > 0:
					reply, send = body(map[bool]uint16{true: 1000, false: 3000}[d == acceptOneByte], ""), true
				case d == refuse1014 && code == 1014:
					reply = body(1002, "")
				case d == accept2999 && code == 2999:
					reply = body(2999, "")
				case d == cutReason && err == nil && len(f.Payload) > 2:
					reply = f.Payload[:len(f.Payload)-1]
				case d == send1005 && len(f.Payload) == 0:
					reply = body(1005, "")
				}
				if send {
					h.Send(reply) // records a valid body; one a defect made invalid is written all the same
					answered = true
					c.Send(wire.OpClose, reply)
					if d == secondClose {
						c.Send(wire.OpClose, reply)
					}
					if d == dataAfterClose {
						c.Send(wire.OpText, []byte("late"))
					}
				}
				if d == noEcho {
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
			if d == tcpOpen {
				continue // read on until the client closes
			}
			h.TransportClosed()
			return
		}
	}
}
