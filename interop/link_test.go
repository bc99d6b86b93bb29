package interop

// Connections between a peer library and the raw endpoint over 127.0.0.1,
// one at a time, with the peer as server or as client and the library's
// TCP connection watched: what the loopback and closing handshake tests
// run each case on.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// roles are the roles a peer library plays against the raw endpoint.
var roles = []wsclose.Role{wsclose.Server, wsclose.Client}

// peerLink connects a peer library in one role with the raw endpoint in
// the other, one connection at a time.
type peerLink struct {
	p    peer
	role wsclose.Role // the peer's
	url  string       // the server's: the peer's when role is Server, else the raw endpoint's
	// The side that runs in the server's goroutine is handed over on
	// peerSides (role Server) or rawSides (role Client) and reports on done
	// when it has returned.
	peerSides chan func(endpoint, *watchedConn)
	rawSides  chan func(*wire.Conn)
	done      chan error
}

// startPeerLink starts the server of a link: the peer's, on a watched
// listener, or the raw endpoint's. It is stopped when the test ends.
func startPeerLink(t *testing.T, p peer, role wsclose.Role) *peerLink {
	l := &peerLink{p: p, role: role, done: make(chan error, 1)}
	if role == wsclose.Client {
		l.rawSides = make(chan func(*wire.Conn), 1)
		l.url = startRawServer(t, func(rc *wire.Conn) {
			(<-l.rawSides)(rc)
			rc.Close()
			l.done <- nil
		})
		return l
	}
	l.peerSides = make(chan func(endpoint, *watchedConn), 1)
	type connKey struct{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		side := <-l.peerSides
		ep, err := p.accept(w, r)
		if err != nil {
			l.done <- err
			return
		}
		side(ep, r.Context().Value(connKey{}).(*watchedConn))
		ep.Close()
		l.done <- nil
	}))
	ts.Listener = watchedListener{ts.Listener}
	ts.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, c)
	}
	ts.Start()
	t.Cleanup(ts.Close)
	l.url = ts.URL
	return l
}

// run opens one connection and runs both of its sides at once: peerSide
// on the library's endpoint and its watched TCP connection, rawSide on the
// raw endpoint, both after the opening handshake. Each end is closed when
// its side returns. run returns when both sides have, or an error when the
// connection could not be opened or a side did not finish in time; after
// an error the link is not to be used again.
func (l *peerLink) run(peerSide func(endpoint, *watchedConn), rawSide func(*wire.Conn)) error {
	if l.role == wsclose.Server {
		l.peerSides <- peerSide
		rc, err := dialRaw(strings.TrimPrefix(l.url, "http://"), "/")
		if err != nil {
			return err
		}
		rawSide(rc)
		rc.Close()
		return l.wait("the peer")
	}
	l.rawSides <- rawSide
	var conn *watchedConn
	ep, err := l.p.dial(l.url, func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		conn = &watchedConn{Conn: c}
		return conn, nil
	})
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	peerSide(ep, conn)
	ep.Close()
	return l.wait("the raw server")
}

// wait waits for the side in the server's goroutine, named who, to return.
func (l *peerLink) wait(who string) error {
	select {
	case err := <-l.done:
		return err
	case <-time.After(2 * ioTimeout):
		return fmt.Errorf("%s did not finish", who)
	}
}

// peerRun is what a peer did on one connection: what its library told its
// user (rep, or err) and, in the closing handshake tests, how it was told
// (byClose) and the watched TCP connection (conn).
type peerRun struct {
	rep     report
	err     error
	byClose bool // rep and err come from coder/websocket's Close, which reports only an error
	// closedOnSend: the library closed TCP as it sent its Close, before
	// anything was read after it (lxzan/gws's WriteClose).
	closedOnSend bool
	conn         *watchedConn
}

// watchedConn is a peer library's TCP connection, watched: the bytes the
// library writes, and whether it closed the connection before a read
// showed that the other end had closed it.
type watchedConn struct {
	net.Conn
	mu          sync.Mutex
	written     []byte // every byte the library asked to send
	eof         bool   // a read returned the other end's close (EOF or reset)
	closed      bool
	closedFirst bool // Close was called before any read returned EOF
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		c.mu.Lock()
		c.eof = true
		c.mu.Unlock()
	}
	return n, err
}

func (c *watchedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.written = append(c.written, p...)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *watchedConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed, c.closedFirst = true, !c.eof
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// isClosed reports whether the library has closed the connection.
func (c *watchedConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// frames returns the frames the library wrote after the opening
// handshake's HTTP message.
func (c *watchedConn) frames() []wire.Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, rest, _ := bytes.Cut(c.written, []byte("\r\n\r\n"))
	r := bytes.NewReader(rest)
	var fs []wire.Frame
	for {
		f, err := wire.ReadFrame(r, wire.DefaultMaxPayload)
		if err != nil {
			return fs
		}
		fs = append(fs, f)
	}
}

// watchedListener hands out watched connections.
type watchedListener struct{ net.Listener }

func (l watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c}, nil
}

// startRawServer listens on 127.0.0.1 for one connection at a time and runs
// handle on each after the opening handshake.
func startRawServer(t *testing.T, handle func(*wire.Conn)) string {
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
			rc, err := acceptRaw(conn)
			if err != nil {
				conn.Close()
				continue
			}
			handle(rc)
			rc.Close()
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}
