package wire

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout bounds a read or write on a Conn whose caller set no
// deadline: every read has a deadline.
const DefaultTimeout = 3 * time.Second

// DefaultMaxPayload is the longest payload a Conn reads unless MaxPayload
// says otherwise: 1 MiB.
const DefaultMaxPayload = 1 << 20

// ClientKey is the masking key a Conn in the client role uses: RFC 6455
// §5.7's example key. RFC 6455 §5.3 asks for an unpredictable key so that
// intermediaries cannot be attacked through the payload; a conformance
// probe writes a fixed one so that the bytes it reports are reproducible.
var ClientKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// Conn is one end of a WebSocket connection that speaks only frames. It
// reads with a deadline and a size limit, writes frames as given, and
// records who closed TCP and when. Reads and writes may happen from
// different goroutines; the timing accessors are safe for concurrent use.
type Conn struct {
	conn   net.Conn
	br     *bufio.Reader
	client bool // frames Send writes are masked

	// MaxPayload is the longest payload ReadFrame accepts; 0 means
	// DefaultMaxPayload.
	MaxPayload int

	mu            sync.Mutex
	readDeadline  time.Time
	writeDeadline time.Time
	opened        time.Time // the opening handshake done
	peerClosed    time.Time // the first read that found TCP closed by the peer
	peerReset     bool      // ... with a reset rather than a FIN
	closed        time.Time // Close called
}

// NewConn makes a Conn of conn after the opening handshake, reading
// through br (nil: a new reader). client is the role: a client masks the
// frames Send writes (RFC 6455 §5.3).
func NewConn(conn net.Conn, br *bufio.Reader, client bool) *Conn {
	if br == nil {
		br = bufio.NewReader(conn)
	}
	return &Conn{conn: conn, br: br, client: client, opened: time.Now()}
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// Client reports whether c is the client end.
func (c *Conn) Client() bool { return c.client }

// SetDeadline sets the read and write deadlines; the zero time means
// DefaultTimeout from the start of each read or write.
func (c *Conn) SetDeadline(t time.Time) {
	c.mu.Lock()
	c.readDeadline, c.writeDeadline = t, t
	c.mu.Unlock()
}

// SetReadDeadline sets the read deadline; the zero time means
// DefaultTimeout from the start of each read.
func (c *Conn) SetReadDeadline(t time.Time) {
	c.mu.Lock()
	c.readDeadline = t
	c.mu.Unlock()
}

func (c *Conn) deadline(read bool) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.writeDeadline
	if read {
		t = c.readDeadline
	}
	if t.IsZero() {
		t = time.Now().Add(DefaultTimeout)
	}
	return t
}

// Write writes b as it is, within the write deadline.
func (c *Conn) Write(b []byte) (int, error) {
	c.conn.SetWriteDeadline(c.deadline(false))
	return c.conn.Write(b)
}

// Send writes one final frame with opcode op and payload, its length in
// the minimal form, masked with ClientKey when c is the client.
func (c *Conn) Send(op byte, payload []byte) error {
	b, _ := AppendFrame(nil, Header{FIN: true, Opcode: op, Masked: c.client, Key: ClientKey, Ext: MinimalExt(uint64(len(payload)))}, payload)
	_, err := c.Write(b)
	return err
}

// ReadFrame reads one frame within the read deadline (see the function
// ReadFrame for the limit and the errors). A read that finds the
// connection closed by the peer records when (PeerClosed).
func (c *Conn) ReadFrame() (Frame, error) {
	c.conn.SetReadDeadline(c.deadline(true))
	max := c.MaxPayload
	if max == 0 {
		max = DefaultMaxPayload
	}
	f, err := ReadFrame(c.br, max)
	if err != nil {
		c.notePeerClosed(err)
	}
	return f, err
}

// ReadClose reads frames until a Close frame and returns its payload,
// skipping the others.
func (c *Conn) ReadClose() ([]byte, error) {
	for {
		f, err := c.ReadFrame()
		if err != nil {
			return nil, err
		}
		if f.Opcode == OpClose {
			return f.Payload, nil
		}
	}
}

// notePeerClosed records the first read error that says the peer closed
// TCP: an end of file (a FIN) or a reset.
func (c *Conn) notePeerClosed(err error) {
	reset := errors.Is(err, syscall.ECONNRESET)
	if !reset && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.peerClosed.IsZero() {
		c.peerClosed, c.peerReset = time.Now(), reset
	}
}

// Opened returns when the opening handshake completed.
func (c *Conn) Opened() time.Time { return c.opened }

// PeerClosed returns when a read first found TCP closed by the peer, and
// whether with a reset; ok is false when no read has.
func (c *Conn) PeerClosed() (at time.Time, reset, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peerClosed, c.peerReset, !c.peerClosed.IsZero()
}

// Closed returns when Close was first called; ok is false when it was not.
func (c *Conn) Closed() (at time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed, !c.closed.IsZero()
}

// Close closes TCP and records when.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed.IsZero() {
		c.closed = time.Now()
	}
	c.mu.Unlock()
	return c.conn.Close()
}

// IsTimeout reports whether err is a deadline running out.
func IsTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
