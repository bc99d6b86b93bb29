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
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

const (
	opText   = 0x1
	opBinary = 0x2
	opClose  = 0x8
	opPing   = 0x9
	opPong   = 0xA

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
	fin     bool
	rsv     byte // the RSV1–RSV3 bits, in place
	masked  bool
}

// maxFrameLen is the largest payload readFrame reads: the peers' messages
// in these tests are small, and a length of 2 GiB is an error, not an
// allocation.
const maxFrameLen = 1 << 20

// fault returns the failure with which RFC 6455 says the endpoint that read
// f fails the connection (as a client when byClient), or nil: 1002 for a
// framing fault, 1007 for a text frame that is not UTF-8 (§8.1). The raw
// endpoint keeps no fragmentation state, so a text frame is checked only
// when it is a whole message.
func (f frame) fault(byClient bool) error {
	fail := func(code wsclose.Code, reason string) error {
		return &wsclose.Failure{Code: code, Reason: reason, Err: fmt.Errorf("frame opcode %#x, fin %v, rsv %#x, masked %v, %d bytes", f.opcode, f.fin, f.rsv, f.masked, len(f.payload))}
	}
	control := f.opcode&0x8 != 0
	switch {
	case f.rsv != 0: // §5.2: no extension was negotiated
		return fail(wsclose.StatusProtocolError, "reserved bit set")
	case f.opcode > opBinary && f.opcode != opClose && f.opcode != opPing && f.opcode != opPong: // §5.2
		return fail(wsclose.StatusProtocolError, "reserved opcode")
	case control && !f.fin: // §5.5
		return fail(wsclose.StatusProtocolError, "fragmented control frame")
	case control && len(f.payload) > wsclose.MaxPayloadLen: // §5.5
		return fail(wsclose.StatusProtocolError, "control frame over 125 bytes")
	case byClient && f.masked: // §5.1
		return fail(wsclose.StatusProtocolError, "masked frame from the server")
	case !byClient && !f.masked: // §5.1
		return fail(wsclose.StatusProtocolError, "unmasked frame from the client")
	case f.opcode == opText && f.fin && !utf8.Valid(f.payload): // §8.1
		return fail(wsclose.StatusInvalidPayloadData, "text is not UTF-8")
	}
	return nil
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
	if n > maxFrameLen {
		return frame{}, &wsclose.Failure{Code: wsclose.StatusMessageTooBig, Err: fmt.Errorf("frame of %d bytes", n)}
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
	return frame{opcode: h[0] & 0x0F, payload: p, fin: h[0]&0x80 != 0, rsv: h[0] & 0x70, masked: masked}, nil
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
