package wsclosetest

import (
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestServerCloseCase checks that every body names a case of the table:
// each body a case sends names its own case, exactly; every code, alone
// and with a reason, and each malformed kind names a case of its kind.
func TestServerCloseCase(t *testing.T) {
	check := func(body []byte, wantExact bool) string {
		t.Helper()
		id, exact := ServerCloseCase(body)
		if _, ok := Measured(id); !ok || exact != wantExact {
			t.Fatalf("ServerCloseCase(%x) = %q, %v: want a case of the table, exact %v", body, id, exact, wantExact)
		}
		return id
	}
	for _, b := range clientBodies {
		if id := check(hexBody(b.hex), true); id != "server-close-"+b.word {
			t.Errorf("ServerCloseCase(%s) = %q, want server-close-%s", b.hex, id, b.word)
		}
	}
	for c := range 1 << 16 {
		body := binary.BigEndian.AppendUint16(nil, uint16(c))
		check(body, isClientBody(body))
		check(append(body, "OK!"...), false)
	}
	for _, tt := range []struct{ hex, id string }{
		{"05", "server-close-one-byte-03"},
		{"03e8" + hex.EncodeToString(make([]byte, 130)), "server-close-reason-124-bytes"},
		{"03e8c0", "server-close-reason-ffff"},
		{"03ee4f4b", "server-close-code-1006"},
		{"03ec4f4b", "server-close-code-1004"},
		{"0001", "server-close-code-999"},
		{"0456", "server-close-code-2999"},
		{"2710", "server-close-code-5000"},
		{"0fa1", "server-close-code-1000"},
		{"0bb94f4b", "server-close-reason-ok"},
		{"0fa0efbbbf", "server-close-reason-bom"},
	} {
		if diff := cmp.Diff(tt.id, check(hexBody(tt.hex), false)); diff != "" {
			t.Errorf("ServerCloseCase(%s) mismatch (-want +got):\n%s", tt.hex, diff)
		}
	}
}

// isClientBody reports whether a case sends body.
func isClientBody(body []byte) bool {
	for _, b := range clientBodies {
		if b.hex == hex.EncodeToString(body) {
			return true
		}
	}
	return false
}

// TestMeasured checks the filter by peer and the unknown ID.
func TestMeasured(t *testing.T) {
	all, ok := Measured("server-drop")
	if !ok || len(all) == 0 {
		t.Fatalf("Measured(server-drop) = %v, %v", all, ok)
	}
	ds, _ := Measured("server-drop", "Chromium")
	for _, d := range ds {
		if d.Peer != "Chromium" {
			t.Errorf("Measured(server-drop, Chromium) has %s", d.Peer)
		}
	}
	if ds, ok := Measured("no-such-case"); ok || ds != nil {
		t.Errorf("Measured(no-such-case) = %v, %v", ds, ok)
	}
}
