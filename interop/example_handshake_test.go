package interop

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// closeLoop runs the closing handshake on rc as h directs, until the TCP
// connection closes, and returns the close event. Every Close frame read
// goes to h.Receive, and every body h returns with send true goes out. TCP
// is closed when h.CloseTransport says so: at once by a server (RFC 6455
// §5.5.1, §7.1.1), on a failure by either role (§7.1.7). A client waits for the
// server to close it, for at most wait, its own timer: Chromium gives up
// after about 2 s. A frame that cannot be read or breaks the framing fails
// the connection (h.Fail) with the code its fault calls for (fault).
//
// It returns the read error that ended the wait: nil when this end closed
// TCP because h said so, io.EOF (or a reset) when the other end closed it
// first, os.ErrDeadlineExceeded when the timer ran out.
func closeLoop(rc *wire.Conn, h *wsclose.Handshake, wait time.Duration) (wsclose.Event, error) {
	rc.SetReadDeadline(time.Now().Add(wait))
	var end error
	for !h.CloseTransport() {
		f, err := rc.ReadFrame()
		if err != nil && !transportGone(err) {
			sendClose(rc, h, h.Fail(readFailure(err)))
			continue // CloseTransport is now true
		}
		if err != nil {
			end = err
			break
		}
		if ferr := fault(f, rc.Client()); ferr != nil {
			sendClose(rc, h, h.Fail(ferr)) // 1002 for a framing fault, 1007 for text that is not UTF-8
			continue                       // CloseTransport is now true
		}
		if f.Opcode != wire.OpClose {
			continue // data after a Close is discarded (§1.4)
		}
		reply, _ := h.Receive(f.Payload)
		sendClose(rc, h, reply)
	}
	rc.Close()
	h.TransportClosed()
	return h.Event(), end
}

// sendClose writes a Close frame with body, if body is not nil and h.Send
// records it: the single write point of Close frames.
func sendClose(rc *wire.Conn, h *wsclose.Handshake, body []byte) {
	if body != nil && h.Send(body) == nil {
		rc.Send(wire.OpClose, body)
	}
}

// transportGone reports whether a read error means that the connection is
// gone or the timer ran out, rather than that the peer broke the framing.
func transportGone(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, io.ErrClosedPipe) ||
		errors.As(err, &opErr)
}

// A server closes the connection, going away: the client echoes the code,
// and the server closes TCP at once; the client sees the server's close,
// not a timeout.
func Example_serverCloseLoop() {
	serverConn, clientConn := net.Pipe()
	clientDone := make(chan string)
	go func() {
		client := wire.NewConn(clientConn, nil, true)
		ev, end := closeLoop(client, wsclose.NewHandshake(wsclose.Client), 2*time.Second)
		clientDone <- fmt.Sprintf("client: %+v, ended by %v", ev, end)
	}()

	server := wire.NewConn(serverConn, nil, false)
	h := wsclose.NewHandshake(wsclose.Server)
	body, _ := h.Close(wsclose.StatusGoingAway, "restarting")
	sendClose(server, h, body)
	ev, end := closeLoop(server, h, 2*time.Second)
	fmt.Printf("server: %+v, ended by %v\n", ev, end)
	fmt.Println(<-clientDone)
	// Output:
	// server: {Code:1001 (going away) Reason: WasClean:true Failed:false Dropped:false Err:<nil>}, ended by <nil>
	// client: {Code:1001 (going away) Reason:restarting WasClean:true Failed:false Dropped:false Err:<nil>}, ended by EOF
}

// A client closes the connection: the server echoes the code and closes
// TCP, the client waits for that. A server that sends a Close body that
// does not parse (here 1005 on the wire) fails the connection instead.
func Example_clientCloseLoop() {
	for _, answer := range [][]byte{nil, {0x03, 0xed}} {
		serverConn, clientConn := net.Pipe()
		go func() {
			server := wire.NewConn(serverConn, nil, false)
			if answer == nil {
				closeLoop(server, wsclose.NewHandshake(wsclose.Server), 2*time.Second)
				return
			}
			server.ReadFrame()                // the client's Close
			server.Send(wire.OpClose, answer) // answered with 1005
			server.ReadFrame()                // EOF: the client failed the connection
			server.Close()
		}()

		client := wire.NewConn(clientConn, nil, true)
		h := wsclose.NewHandshake(wsclose.Client)
		body, _ := h.Close(wsclose.StatusNormalClosure, "bye")
		sendClose(client, h, body)
		ev, end := closeLoop(client, h, 2*time.Second)
		fmt.Printf("client: %+v, ended by %v\n", ev, end)
	}
	// Output:
	// client: {Code:1000 (normal closure) Reason: WasClean:true Failed:false Dropped:false Err:<nil>}, ended by EOF
	// client: {Code:1006 (abnormal closure) Reason: WasClean:false Failed:true Dropped:false Err:wsclose: invalid close code 1005: reported only, never sent}, ended by <nil>
}
