package wire

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AcceptKey is Sec-WebSocket-Accept for a Sec-WebSocket-Key: the base64 of
// the SHA-1 of the key and the GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
// (RFC 6455 §4.2.2).
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// ErrUnreachable reports that no TCP (or TLS) connection to the server
// could be opened.
var ErrUnreachable = errors.New("server unreachable")

// ErrNoUpgrade reports a server that answered the opening handshake with
// something other than a WebSocket upgrade.
var ErrNoUpgrade = errors.New("no WebSocket upgrade")

// UpgradeError is an answer to the client's opening handshake that is not
// the one RFC 6455 §4.1 requires of a server accepting it: the status line
// seen and what is wrong.
type UpgradeError struct {
	Status string // the status line, or "" when none was read
	What   string
}

func (e *UpgradeError) Error() string {
	if e.Status == "" {
		return "no WebSocket upgrade: " + e.What
	}
	return "no WebSocket upgrade: " + e.Status + ": " + e.What
}

func (e *UpgradeError) Unwrap() error { return ErrNoUpgrade }

// Dial opens a WebSocket connection to a ws:// or wss:// URL (http:// and
// https:// are taken as the same) and does the client's half of the opening
// handshake (RFC 6455 §4.1), offering no
// subprotocol and no extension. The context bounds the dial and the
// handshake. Errors wrap ErrUnreachable (no connection) or ErrNoUpgrade
// (the server answered, but not with a valid upgrade).
func Dial(ctx context.Context, rawURL string) (*Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	port := ""
	switch u.Scheme {
	case "ws", "http":
		port = "80"
	case "wss", "https":
		port = "443"
	default:
		return nil, fmt.Errorf("URL scheme %q, want ws or wss", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("URL %q has no host", rawURL)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	// The handshake ends by the context's deadline, or DefaultTimeout when
	// it has none, and at once when the context is cancelled.
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(DefaultTimeout)
	}
	conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if port == "443" {
		tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		conn = tc
	}
	path := u.RequestURI()
	c, err := ClientHandshake(conn, u.Host, path)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return c, nil
}

// ClientHandshake does the client's half of the opening handshake on conn
// for host and path (RFC 6455 §4.1) with a random Sec-WebSocket-Key, and
// checks the answer: status 101, "Upgrade: websocket", "Connection:
// Upgrade", the Sec-WebSocket-Accept of the key, and no extension or
// subprotocol, since none was offered. The caller sets conn's deadline;
// on error conn is closed.
func ClientHandshake(conn net.Conn, host, path string) (*Conn, error) {
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		conn.Close()
		return nil, &UpgradeError{What: "writing the request: " + err.Error()}
	}
	lr := &io.LimitedReader{R: conn, N: maxHeaderBytes} // http.ReadResponse has no cap of its own
	br := bufio.NewReaderSize(lr, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, &UpgradeError{What: "reading the answer: " + err.Error()}
	}
	lr.N = math.MaxInt64 // frames have their own size cap
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body.Close()
		conn.Close()
		return nil, &UpgradeError{Status: resp.Proto + " " + resp.Status, What: "the status is not 101 Switching Protocols"}
	}
	what := ""
	switch {
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		what = "no \"Upgrade: websocket\" header"
	case !headerHasToken(resp.Header, "Connection", "upgrade"):
		what = "no \"Connection: Upgrade\" header"
	case resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(key):
		what = "Sec-WebSocket-Accept does not match the key"
	case resp.Header.Get("Sec-WebSocket-Extensions") != "":
		what = "an extension that was not offered"
	case resp.Header.Get("Sec-WebSocket-Protocol") != "":
		what = "a subprotocol that was not offered"
	}
	if what != "" {
		conn.Close()
		return nil, &UpgradeError{Status: resp.Proto + " " + resp.Status, What: what}
	}
	return NewConn(conn, br, true), nil
}

// headerHasToken reports whether a comma-separated header holds token,
// compared without case (RFC 9110 §5.6.1).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// ErrNotWebSocket reports an HTTP request that does not ask to upgrade to
// a WebSocket.
var ErrNotWebSocket = errors.New("not a WebSocket handshake")

// HandshakeKey returns the Sec-WebSocket-Key of a client's opening
// handshake (RFC 6455 §4.2.1), or ErrNotWebSocket when r does not ask to
// upgrade to a WebSocket.
func HandshakeKey(r *http.Request) (string, error) {
	key := r.Header.Get("Sec-WebSocket-Key")
	if r.Method != http.MethodGet || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || key == "" {
		return "", ErrNotWebSocket
	}
	return key, nil
}

// WriteAccept writes the server's answer to an opening handshake with key:
// 101 Switching Protocols with Sec-WebSocket-Accept (RFC 6455 §4.2.2).
func WriteAccept(w io.Writer, key string) error {
	_, err := io.WriteString(w, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: "+AcceptKey(key)+"\r\n\r\n")
	return err
}

// maxHeaderBytes bounds the HTTP head of an opening handshake read by
// ClientHandshake and Accept, as http.Server's DefaultMaxHeaderBytes does
// for a server: a peer that sends an endless header gets an error, not an
// allocation.
const maxHeaderBytes = 64 << 10

// Accept does the server's half of the opening handshake on conn (RFC
// 6455 §4.2), reading the request with http.ReadRequest. The caller sets
// conn's deadline; conn is not closed on error.
func Accept(conn net.Conn) (*Conn, error) {
	lr := &io.LimitedReader{R: conn, N: maxHeaderBytes} // http.ReadRequest has no cap of its own
	br := bufio.NewReaderSize(lr, 4096)
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, err
	}
	lr.N = math.MaxInt64 // frames have their own size cap
	key, err := HandshakeKey(req)
	if err != nil {
		return nil, err
	}
	if err := WriteAccept(conn, key); err != nil {
		return nil, err
	}
	return NewConn(conn, br, false), nil
}

// Upgrade does the server's half of the opening handshake inside an HTTP
// handler, taking the connection over from net/http. A request that does
// not ask to upgrade gets 400 and ErrNotWebSocket.
func Upgrade(w http.ResponseWriter, r *http.Request) (*Conn, error) {
	key, err := HandshakeKey(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil, err
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(DefaultTimeout))
	if err := WriteAccept(conn, key); err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return NewConn(conn, brw.Reader, false), nil
}
