package wsclosetest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wsclose/wsclose/internal/fixture"
	"github.com/wsclose/wsclose/internal/wire"
)

// upgraded answers the opening handshake and then runs play.
func upgraded(play func(c *wire.Conn)) func(net.Conn) {
	return func(conn net.Conn) {
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		c, err := wire.Accept(conn)
		if err != nil {
			return
		}
		play(c)
	}
}

// TestRunNoCase: a URL where no case can run is an error, told apart as
// ErrUnreachable or ErrNoUpgrade, within the timeout.
func TestRunNoCase(t *testing.T) {
	closed := fixture.ClosedAddr(t)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer plain.Close()
	silent := fixture.Serve(t, func(c net.Conn) { c.Read(make([]byte, 1)); time.Sleep(3 * time.Second) })
	garbage := fixture.Serve(t, func(c net.Conn) { c.Write([]byte("\x00\xffgarbage\r\n\r\n")) })

	tests := []struct {
		name, url string
		want      error
	}{
		{"unreachable", "ws://" + closed + "/", ErrUnreachable},
		{"plain HTTP", "ws" + strings.TrimPrefix(plain.URL, "http") + "/", ErrNoUpgrade},
		{"never answers", "ws://" + silent + "/", ErrNoUpgrade},
		{"garbage", "ws://" + garbage + "/", ErrNoUpgrade},
		{"not ws", "http//x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r, err := Run(context.Background(), tt.url, &Options{Timeout: 500 * time.Millisecond})
			if err == nil || r != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Run = %v, %v; want no report and %v", r, err, tt.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v with a 500 ms timeout", d)
			}
		})
	}
	if _, err := Run(context.Background(), "ws://"+closed+"/", &Options{Only: []string{"7.1.1", "no-such-case"}}); !errors.Is(err, ErrUnknownCase) {
		t.Errorf("Run with an unknown ID = %v, want ErrUnknownCase", err)
	}
}

// TestRunBadServer: a server that upgrades and then sends garbage, a 2 GiB
// length, or nothing gets a fail in every case that says what was seen,
// within the timeout.
func TestRunBadServer(t *testing.T) {
	tests := []struct {
		name string
		play func(c *wire.Conn)
		got  string // in every case's got
	}{
		{"garbage", func(c *wire.Conn) { c.Write([]byte("HTTP/1.1 200 OK\r\n\r\n")); time.Sleep(time.Second) }, "frame 1 from the server"},
		{"2 GiB length", func(c *wire.Conn) { c.Write([]byte{0x82, 0x7f, 0, 0, 0, 0, 0x80, 0, 0, 0}); time.Sleep(time.Second) }, "frame of 2147483648 bytes"},
		{"silence", func(c *wire.Conn) { time.Sleep(2 * time.Second) }, "no frame, TCP still open"},
		{"a masked Close", func(c *wire.Conn) {
			b, _ := wire.AppendFrame(nil, wire.Header{FIN: true, Opcode: wire.OpClose, Masked: true}, []byte{3, 0xe8})
			c.Write(b)
		}, "a Close with 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := "ws://" + fixture.Serve(t, upgraded(tt.play)) + "/"
			start := time.Now()
			r, err := Run(context.Background(), url, &Options{Timeout: 500 * time.Millisecond, Parallel: 32})
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v with a 500 ms timeout", d)
			}
			for _, res := range r.Results {
				if res.Verdict != Fail || !strings.Contains(res.Got+" "+res.Rule, tt.got) {
					t.Errorf("%s: %s, got %q, rule %q; want a fail with %q", res.ID, res.Verdict, res.Got, res.Rule, tt.got)
				}
			}
		})
	}
}

// bytesReader reads frames from bytes, as the fuzz test feeds them.
type bytesReader struct{ r *bytes.Reader }

func (b bytesReader) ReadFrame() (wire.Frame, error) { return wire.ReadFrame(b.r, maxPayload) }

// FuzzObserve feeds the probe's frame reader and grading any bytes a
// server could send after the opening handshake: no panic, no hang, at
// most maxFrames frames kept, a verdict for every case, and a fail for
// any frame that breaks a rule of RFC 6455 §5.2.
func FuzzObserve(f *testing.F) {
	f.Add([]byte{0x88, 0x02, 0x03, 0xe8})                                                                         // the Close 1000
	f.Add([]byte{0x81, 0x0c, 'H', 'e', 'l', 'l', 'o', ' ', 'W', 'o', 'r', 'l', 'd', '!', 0x88, 0x02, 0x03, 0xe8}) // the echo, then the Close
	f.Add([]byte{0x88, 0x00})                                                                                     // an empty Close
	f.Add([]byte{0x88, 0x02, 0x03, 0xed})                                                                         // 1005 on the wire
	f.Add([]byte{0x88, 0x01, 0x61})                                                                               // a 1-byte Close
	f.Add([]byte{0x82, 0x7f, 0, 0, 0, 0, 0x80, 0, 0, 0})                                                          // a 2 GiB length
	f.Add([]byte{0x88, 0x82, 1, 2, 3, 4, 2, 0xea})                                                                // a masked Close
	f.Add([]byte{0x88, 0x02, 0x03, 0xe8, 0x81, 0x04, 'l', 'a', 't', 'e'})                                         // data after the Close
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"))                                                                      // garbage
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := range cases {
			s := &cases[i]
			if s.Tests != Server {
				continue
			}
			var o observation
			observe(bytesReader{bytes.NewReader(data)}, time.Now(), &o, nil)
			if len(o.frames) > maxFrames {
				t.Fatalf("%d frames kept", len(o.frames))
			}
			out := grade(s, &o)
			switch out.verdict {
			case Pass, Fail, Warn, Info:
			default:
				t.Fatalf("%s: verdict %q", s.ID, out.verdict)
			}
			for _, fr := range o.frames {
				if (fr.Check() != nil || fr.Masked) && out.verdict != Fail {
					t.Fatalf("%s: %s for %x, which breaks §5.2", s.ID, out.verdict, fr.Raw)
				}
			}
			if out.got == "" || out.rule == "" || out.want == "" {
				t.Fatalf("%s: empty text in %+v", s.ID, out)
			}
		}
	})
}
