package interop

// The raw WebSocket endpoint of the tests is internal/wire, the project's
// one layer written from RFC 6455 §4 and §5.2: the tests see exactly the
// bytes a peer library puts on the wire and can send bytes no library
// would. This file holds the tests' time limits and the few calls that set
// them.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

const (
	// ioTimeout bounds every exchange with a peer, so that no test hangs.
	ioTimeout = 3 * time.Second
	// replyTimeout is how long the deviation test waits for a peer's answer
	// before it records "no reply".
	replyTimeout = 2 * time.Second
)

// dialRaw opens a WebSocket connection to a server at addr (host:port) and
// path, doing the client's half of the opening handshake; the connection's
// deadline is ioTimeout from now.
func dialRaw(addr, path string) (*wire.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	rc, err := wire.Dial(ctx, "ws://"+addr+path)
	if err != nil {
		return nil, err
	}
	rc.SetDeadline(time.Now().Add(ioTimeout))
	return rc, nil
}

// handshakeRaw does the client's half of the opening handshake on conn,
// for host and path; on error it closes conn.
func handshakeRaw(conn net.Conn, host, path string) (*wire.Conn, error) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	rc, err := wire.ClientHandshake(conn, host, path)
	if err != nil {
		return nil, err
	}
	rc.SetDeadline(time.Now().Add(ioTimeout))
	return rc, nil
}

// acceptRaw does the server's half of the opening handshake on conn.
func acceptRaw(conn net.Conn) (*wire.Conn, error) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	rc, err := wire.Accept(conn)
	if err != nil {
		return nil, err
	}
	rc.SetDeadline(time.Now().Add(ioTimeout))
	return rc, nil
}

// upgradeHTTP does the server's half of the opening handshake inside an
// HTTP handler, taking the connection over from net/http.
func upgradeHTTP(w http.ResponseWriter, r *http.Request) (*wire.Conn, error) {
	rc, err := wire.Upgrade(w, r)
	if err != nil {
		return nil, err
	}
	rc.SetDeadline(time.Now().Add(ioTimeout))
	return rc, nil
}

// fault returns the failure with which RFC 6455 says the endpoint that read
// f fails the connection (as a client when byClient), or nil: 1002 for a
// framing fault, 1007 for a text frame that is not UTF-8 (§8.1). The raw
// endpoint keeps no fragmentation state, so a text frame is checked only
// when it is a whole message.
func fault(f wire.Frame, byClient bool) error {
	fail := func(code wsclose.Code, reason string) error {
		return &wsclose.Failure{Code: code, Reason: reason, Err: fmt.Errorf("frame opcode %#x, fin %v, rsv %#x, masked %v, %d bytes", f.Opcode, f.FIN, f.RSV<<4, f.Masked, len(f.Payload))}
	}
	control := wire.IsControl(f.Opcode)
	switch {
	case f.RSV != 0: // §5.2: no extension was negotiated
		return fail(wsclose.StatusProtocolError, "reserved bit set")
	case wire.OpName(f.Opcode) == "reserved": // §5.2
		return fail(wsclose.StatusProtocolError, "reserved opcode")
	case control && !f.FIN: // §5.5
		return fail(wsclose.StatusProtocolError, "fragmented control frame")
	case control && len(f.Payload) > wsclose.MaxPayloadLen: // §5.5
		return fail(wsclose.StatusProtocolError, "control frame over 125 bytes")
	case f.CheckMask(!byClient) != nil: // §5.1
		if byClient {
			return fail(wsclose.StatusProtocolError, "masked frame from the server")
		}
		return fail(wsclose.StatusProtocolError, "unmasked frame from the client")
	case f.Opcode == wire.OpText && f.FIN && !utf8.Valid(f.Payload): // §8.1
		return fail(wsclose.StatusInvalidPayloadData, "text is not UTF-8")
	}
	return nil
}

// readFailure is the failure for a frame that could not be read: a frame
// over the reader's limit is a message too big (1009); any other error is
// the reader's own.
func readFailure(err error) error {
	if errors.Is(err, wire.ErrTooLarge) {
		return &wsclose.Failure{Code: wsclose.StatusMessageTooBig, Err: err}
	}
	return err
}
