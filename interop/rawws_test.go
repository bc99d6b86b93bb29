package interop

// A raw WebSocket endpoint, written by hand from RFC 6455 so that the tests
// see exactly the bytes a peer library puts on the wire and can send bytes
// no library would: the opening handshake (§4) and frames (§5.2), masked
// from client to server (§5.3).

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

const (
	opClose = 0x8

	// ioTimeout bounds every exchange with a peer, so that no test hangs.
	ioTimeout = 3 * time.Second
	// replyTimeout is how long the deviation test waits for a peer's answer
	// before it records "no reply".
	replyTimeout = 2 * time.Second
)

// rawConn is one end of a WebSocket connection that speaks only frames.
type rawConn struct {
	conn   net.Conn
	br     *bufio.Reader
	client bool // frames it sends are masked
}

// acceptKey is Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2).
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// dialRaw opens a WebSocket connection to a server at addr (host:port) and
// path, doing the client's half of the opening handshake.
func dialRaw(addr, path string) (*rawConn, error) {
	conn, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return nil, err
	}
	return handshakeRaw(conn, addr, path)
}

// handshakeRaw does the client's half of the opening handshake on conn,
// for host and path; on error it closes conn.
func handshakeRaw(conn net.Conn, host, path string) (*rawConn, error) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	const key = "dGhlIHNhbXBsZSBub25jZQ==" // RFC 6455 §1.3's sample nonce
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(key) {
		conn.Close()
		return nil, fmt.Errorf("handshake refused: %s", resp.Status)
	}
	return &rawConn{conn: conn, br: br, client: true}, nil
}

// acceptRaw does the server's half of the opening handshake on conn.
func acceptRaw(conn net.Conn) (*rawConn, error) {
	conn.SetDeadline(time.Now().Add(ioTimeout))
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, err
	}
	key, err := handshakeKey(req)
	if err != nil {
		return nil, err
	}
	if err := writeAccept(conn, key); err != nil {
		return nil, err
	}
	return &rawConn{conn: conn, br: br}, nil
}

// upgradeHTTP does the server's half of the opening handshake inside an
// HTTP handler, taking the connection over from net/http.
func upgradeHTTP(w http.ResponseWriter, r *http.Request) (*rawConn, error) {
	key, err := handshakeKey(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, err
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(ioTimeout))
	if err := writeAccept(conn, key); err != nil {
		conn.Close()
		return nil, err
	}
	return &rawConn{conn: conn, br: brw.Reader}, nil
}

// handshakeKey returns the Sec-WebSocket-Key of a client's opening
// handshake (RFC 6455 §4.2.1), or an error when r does not ask to upgrade
// to a WebSocket.
func handshakeKey(r *http.Request) (string, error) {
	key := r.Header.Get("Sec-WebSocket-Key")
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || key == "" {
		return "", errors.New("not a WebSocket handshake")
	}
	return key, nil
}

// writeAccept writes the server's answer to an opening handshake with key:
// 101 Switching Protocols with Sec-WebSocket-Accept (RFC 6455 §4.2.2).
func writeAccept(w io.Writer, key string) error {
	_, err := io.WriteString(w, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: "+acceptKey(key)+"\r\n\r\n")
	return err
}

// writeFrame sends one final frame, masked when this end is the client.
// The payload length is written in the shortest form (§5.2), so a 126-byte
// Close payload goes out with a 16-bit length, as Autobahn case 7.3.6 sends it.
func (c *rawConn) writeFrame(opcode byte, payload []byte) error {
	hdr := []byte{0x80 | opcode}
	var maskBit byte
	if c.client {
		maskBit = 0x80
	}
	switch n := len(payload); {
	case n <= 125:
		hdr = append(hdr, maskBit|byte(n))
	case n <= 0xFFFF:
		hdr = binary.BigEndian.AppendUint16(append(hdr, maskBit|126), uint16(n))
	default:
		hdr = binary.BigEndian.AppendUint64(append(hdr, maskBit|127), uint64(n))
	}
	body := append([]byte(nil), payload...)
	if c.client {
		key := [4]byte{0x37, 0xfa, 0x21, 0x3d} // RFC 6455 §5.7's example key
		hdr = append(hdr, key[:]...)
		for i := range body {
			body[i] ^= key[i%4]
		}
	}
	_, err := c.conn.Write(append(hdr, body...))
	return err
}

// frame is one frame read from the peer, unmasked.
type frame struct {
	opcode  byte
	payload []byte
}

// readFrame reads one frame, unmasking it if it was masked.
func (c *rawConn) readFrame() (frame, error) {
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return frame{}, err
	}
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return frame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return frame{}, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > 1<<20 {
		return frame{}, fmt.Errorf("frame of %d bytes", n)
	}
	var key [4]byte
	masked := h[1]&0x80 != 0
	if masked {
		if _, err := io.ReadFull(c.br, key[:]); err != nil {
			return frame{}, err
		}
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return frame{}, err
	}
	if masked {
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return frame{opcode: h[0] & 0x0F, payload: p}, nil
}

// readClose reads frames until a Close frame and returns its payload,
// skipping data and ping frames.
func (c *rawConn) readClose() ([]byte, error) {
	for {
		f, err := c.readFrame()
		if err != nil {
			return nil, err
		}
		if f.opcode == opClose {
			return f.payload, nil
		}
	}
}

func (c *rawConn) Close() error { return c.conn.Close() }
