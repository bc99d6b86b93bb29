package wire

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
)

// The RFC 6455 §1.3 example: the key and the accept value it gives.
func TestAcceptKey(t *testing.T) {
	if got, want := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("AcceptKey = %q, want %q", got, want)
	}
}

// Dial and Upgrade speak to each other: a Close goes each way, and the
// client sees who closed TCP.
func TestDialUpgrade(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := Upgrade(w, r)
		if err != nil {
			return
		}
		defer c.Close()
		f, err := c.ReadFrame()
		if err != nil || f.CheckMask(true) != nil {
			return
		}
		c.Send(OpClose, f.Payload)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	c, err := Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/echo?x=1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send(OpClose, []byte{0x03, 0xe8}); err != nil {
		t.Fatal(err)
	}
	f, err := c.ReadFrame()
	if err != nil || f.Opcode != OpClose || !bytes.Equal(f.Payload, []byte{0x03, 0xe8}) || f.Masked {
		t.Fatalf("ReadFrame = %+v, %v", f, err)
	}
	if _, err := c.ReadFrame(); err == nil {
		t.Fatal("a frame after the server's Close")
	}
	at, _, ok := c.PeerClosed()
	if !ok || at.Before(c.Opened()) {
		t.Errorf("PeerClosed = %v, %v; opened %v", at, ok, c.Opened())
	}
}

func TestDialErrors(t *testing.T) {
	closedAddr := fixture.ClosedAddr(t)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer plain.Close()
	silent := fixture.Serve(t, func(c net.Conn) { c.Read(make([]byte, 1)); time.Sleep(3 * time.Second) })
	garbage := serveBytes(t, "\x00\x01garbage\r\n\r\n")
	badAccept := serveBytes(t, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n")

	tests := []struct {
		url  string
		want error
	}{
		{"ws://" + closedAddr + "/", ErrUnreachable},
		{"ws" + strings.TrimPrefix(plain.URL, "http") + "/", ErrNoUpgrade},
		{"ws://" + silent + "/", ErrNoUpgrade},
		{"ws://" + garbage + "/", ErrNoUpgrade},
		{"ws://" + badAccept + "/", ErrNoUpgrade},
	}
	for _, tt := range tests {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		_, err := Dial(ctx, tt.url)
		cancel()
		if !errors.Is(err, tt.want) {
			t.Errorf("Dial(%s) = %v, want %v", tt.url, err, tt.want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Dial(%s) took %v", tt.url, d)
		}
	}
	for _, u := range []string{"http//x", "ftp://x/", "ws:///x", "%"} {
		if _, err := Dial(context.Background(), u); err == nil || errors.Is(err, ErrUnreachable) {
			t.Errorf("Dial(%q) = %v, want a URL error", u, err)
		}
	}
}

// serveBytes listens on loopback and answers every connection with s.
func serveBytes(t *testing.T, s string) string {
	return fixture.Serve(t, func(c net.Conn) { c.Write([]byte(s)) })
}

func TestAccept(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	done := make(chan error, 1)
	go func() {
		c, err := Accept(b)
		if err == nil {
			err = c.Send(OpClose, nil)
		}
		done <- err
	}()
	a.SetDeadline(time.Now().Add(DefaultTimeout))
	c, err := ClientHandshake(a, "example.test", "/")
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.ReadFrame()
	if err != nil || f.Opcode != OpClose || len(f.Payload) != 0 {
		t.Errorf("ReadFrame = %+v, %v", f, err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}
