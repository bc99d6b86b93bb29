package interop

// Adapters that drive each peer library through its own public API, as its
// users do: accept or dial, close with a code and reason, and read until the
// library reports the other side's close.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
)

// endpoint is one peer library's side of a connection.
type endpoint interface {
	// closeWith sends a Close frame with code and reason through the
	// library's API and waits, briefly, for the closing handshake.
	closeWith(code int, reason string) error
	// readClose reads until the library reports the connection closed and
	// returns what it reports: the code and reason of a close, or an error.
	readClose() (report, error)
	Close() error
}

// report is what a library tells its user about a close.
type report struct {
	Code   int
	Reason string
}

// peer is one library under test.
type peer struct {
	name    string
	version string
	// refuses lists the sendable codes the pinned version fails the
	// connection on when it receives them, instead of reporting them to
	// its user. Every entry is a deviation from the IANA registry,
	// explained in README.md; the tests assert the list, so that a change
	// in the peer shows up.
	refuses []int
	accept  func(w http.ResponseWriter, r *http.Request) (endpoint, error)
	// dial connects to url; netDial, when not nil, opens the TCP
	// connection, so that a test can watch what the library does with it.
	dial func(url string, netDial netDialer) (endpoint, error)
}

// netDialer opens a TCP connection, as net.Dialer.DialContext does.
type netDialer = func(ctx context.Context, network, addr string) (net.Conn, error)

var peers = []peer{
	{
		name: "gorilla/websocket", version: "v1.5.3",
		// validReceivedCloseCodes has no entry for 1014.
		refuses: []int{1014},
		accept: func(w http.ResponseWriter, r *http.Request) (endpoint, error) {
			up := gorilla.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return nil, err
			}
			return gorillaEndpoint{c}, nil
		},
		dial: func(url string, netDial netDialer) (endpoint, error) {
			d := gorilla.Dialer{HandshakeTimeout: ioTimeout, NetDialContext: netDial}
			c, _, err := d.Dial(url, nil)
			if err != nil {
				return nil, err
			}
			return gorillaEndpoint{c}, nil
		},
	},
	{
		name: "coder/websocket", version: "v1.8.15",
		accept: func(w http.ResponseWriter, r *http.Request) (endpoint, error) {
			c, err := coder.Accept(w, r, nil)
			if err != nil {
				return nil, err
			}
			return coderEndpoint{c}, nil
		},
		dial: func(url string, netDial netDialer) (endpoint, error) {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			var opts *coder.DialOptions
			if netDial != nil {
				opts = &coder.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: netDial}}}
			}
			c, _, err := coder.Dial(ctx, url, opts)
			if err != nil {
				return nil, err
			}
			return coderEndpoint{c}, nil
		},
	},
	{
		name: "gobwas/ws", version: "v1.5.0",
		// CheckCloseFrameData refuses the 1000–2999 codes it does not define.
		refuses: []int{1012, 1013, 1014},
		accept: func(w http.ResponseWriter, r *http.Request) (endpoint, error) {
			c, _, _, err := ws.UpgradeHTTP(r, w)
			if err != nil {
				return nil, err
			}
			return gobwasEndpoint{c, ws.StateServerSide}, nil
		},
		dial: func(url string, netDial netDialer) (endpoint, error) {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			c, br, _, err := ws.Dialer{NetDial: netDial}.Dial(ctx, url)
			if err != nil {
				return nil, err
			}
			if br != nil {
				// The server's first frames came with the handshake response
				// and wait in br: read them first (ws.Dial's documentation).
				c = bufferedConn{c, io.MultiReader(br, c)}
			}
			return gobwasEndpoint{c, ws.StateClientSide}, nil
		},
	},
	{
		name: "lxzan/gws", version: "v1.8.9",
		// No refuses: gws answers 1014 with 1002, yet tells its user of a
		// close with 1014 (emitClose), as it does for every Close it refuses.
		accept: func(w http.ResponseWriter, r *http.Request) (endpoint, error) {
			c, err := gwsUpgrader.Upgrade(w, r)
			if err != nil {
				return nil, err
			}
			return newGwsEndpoint(c), nil
		},
		dial: func(url string, netDial netDialer) (endpoint, error) {
			opt := &gws.ClientOption{Addr: url, CheckUtf8Enabled: true, HandshakeTimeout: ioTimeout}
			if netDial != nil {
				opt.NewDialer = func() (gws.Dialer, error) { return gwsDialer(netDial), nil }
			}
			c, _, err := gws.NewClient(gwsHandler{}, opt)
			if err != nil {
				return nil, err
			}
			return newGwsEndpoint(c), nil
		},
	},
}

type gorillaEndpoint struct{ c *gorilla.Conn }

// sendClose sends a Close frame as gorilla/websocket's documentation says
// to start the closing handshake, without waiting for the answer.
func (e gorillaEndpoint) sendClose(code int, reason string) error {
	msg := gorilla.FormatCloseMessage(code, reason)
	return e.c.WriteControl(gorilla.CloseMessage, msg, time.Now().Add(ioTimeout))
}

func (e gorillaEndpoint) closeWith(code int, reason string) error {
	if err := e.sendClose(code, reason); err != nil {
		return err
	}
	e.c.SetReadDeadline(time.Now().Add(ioTimeout))
	for { // read the answering Close, which gorilla reports as an error
		if _, _, err := e.c.ReadMessage(); err != nil {
			return nil
		}
	}
}

func (e gorillaEndpoint) readClose() (report, error) {
	e.c.SetReadDeadline(time.Now().Add(ioTimeout))
	return readUntilClose(func() error {
		_, _, err := e.c.ReadMessage()
		return err
	}, func(ce *gorilla.CloseError) report { return report{ce.Code, ce.Text} })
}

func (e gorillaEndpoint) Close() error { return e.c.Close() }

type coderEndpoint struct{ c *coder.Conn }

func (e coderEndpoint) closeWith(code int, reason string) error {
	// Close performs the closing handshake: it waits for the other side's
	// Close frame.
	return e.c.Close(coder.StatusCode(code), reason)
}

func (e coderEndpoint) readClose() (report, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	return readUntilClose(func() error {
		_, _, err := e.c.Read(ctx)
		return err
	}, func(ce coder.CloseError) report { return report{int(ce.Code), ce.Reason} })
}

func (e coderEndpoint) Close() error { return e.c.CloseNow() }

type gobwasEndpoint struct {
	c     net.Conn
	state ws.State
}

// sendClose sends a Close frame with the body ws.NewCloseFrameBody makes,
// without waiting for the answer.
func (e gobwasEndpoint) sendClose(code int, reason string) error {
	body := ws.NewCloseFrameBody(ws.StatusCode(code), reason)
	if e.state.ClientSide() {
		return wsutil.WriteClientMessage(e.c, ws.OpClose, body)
	}
	return wsutil.WriteServerMessage(e.c, ws.OpClose, body)
}

func (e gobwasEndpoint) closeWith(code int, reason string) error {
	if err := e.sendClose(code, reason); err != nil {
		return err
	}
	_, _ = e.readClose() // the answering Close
	return nil
}

func (e gobwasEndpoint) readClose() (report, error) {
	e.c.SetReadDeadline(time.Now().Add(ioTimeout))
	return readUntilClose(func() error {
		var err error
		if e.state.ClientSide() {
			_, _, err = wsutil.ReadServerData(e.c)
		} else {
			_, _, err = wsutil.ReadClientData(e.c)
		}
		return err
	}, func(ce wsutil.ClosedError) report { return report{int(ce.Code), ce.Reason} })
}

func (e gobwasEndpoint) Close() error { return e.c.Close() }

// gwsUpgrader is set up as gws's echo example and Autobahn server are:
// received text and Close reasons are checked to be UTF-8, and a panic in
// a callback is recovered.
var gwsUpgrader = gws.NewUpgrader(gwsHandler{}, &gws.ServerOption{CheckUtf8Enabled: true, Recovery: gws.Recovery})

// gwsHandler hands gws's close event to the connection's gwsEndpoint, kept
// in the connection's session as gws's examples keep per-connection state.
type gwsHandler struct{ gws.BuiltinEventHandler }

const gwsEndpointKey = "wsclose.endpoint"

// OnClose is called once, when ReadLoop ends: err is a *gws.CloseError
// when gws read a Close frame, else what ended the connection.
func (gwsHandler) OnClose(socket *gws.Conn, err error) {
	if v, ok := socket.Session().Load(gwsEndpointKey); ok {
		e := v.(*gwsEndpoint)
		e.err = err
		close(e.done)
	}
}

// gwsEndpoint is a gws connection. gws reports only through callbacks, so
// its read loop is started on the first read: a test that sends a Close
// before reading gets the order it asks for, as with the other peers.
type gwsEndpoint struct {
	c     *gws.Conn
	start sync.Once
	done  chan struct{} // closed by OnClose, after err is set
	err   error
}

func newGwsEndpoint(c *gws.Conn) *gwsEndpoint {
	e := &gwsEndpoint{c: c, done: make(chan struct{})}
	c.Session().Store(gwsEndpointKey, e)
	return e
}

// sendClose closes as gws's documentation says (WriteClose): gws writes the
// Close frame and closes the TCP connection at once.
func (e *gwsEndpoint) sendClose(code int, reason string) error {
	return e.c.WriteClose(uint16(code), []byte(reason))
}

func (e *gwsEndpoint) closeWith(code int, reason string) error {
	if err := e.sendClose(code, reason); err != nil {
		return err
	}
	_, _ = e.readClose() // OnClose, once the read loop has ended
	return nil
}

// readClose runs gws's read loop and waits for its close event.
func (e *gwsEndpoint) readClose() (report, error) {
	e.start.Do(func() { go e.c.ReadLoop() })
	return readUntilClose(func() error {
		select {
		case <-e.done:
			if e.err == nil { // gws always gives one; never read again
				return errors.New("OnClose without an error")
			}
			return e.err
		case <-time.After(ioTimeout):
			return errors.New("OnClose was not called in time")
		}
	}, func(ce *gws.CloseError) report { return report{int(ce.Code), string(ce.Reason)} })
}

// Close closes the TCP connection, as a gws user does to drop one.
func (e *gwsEndpoint) Close() error { return e.c.NetConn().Close() }

// gwsDialer opens gws's TCP connection with a netDialer.
type gwsDialer netDialer

func (d gwsDialer) Dial(network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	return d(ctx, network, addr)
}

// readUntilClose calls read until it fails and returns the close that the
// error reports, as rep makes a report of the library's close error E, or
// the error when it is no close.
func readUntilClose[E error](read func() error, rep func(E) report) (report, error) {
	for {
		err := read()
		if err == nil {
			continue
		}
		if ce, ok := errors.AsType[E](err); ok {
			return rep(ce), nil
		}
		return report{}, err
	}
}

// bufferedConn is a net.Conn whose reads begin with what a handshake
// reader had buffered.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
