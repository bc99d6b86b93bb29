package wsclose_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsclose/wsclose"
)

// TestAllocationsFromOutside proves the zero-allocation claims as a user of
// the package sees them: from another package, where the functions are
// inlined into the caller and what escapes there is counted (alloc_test.go
// counts from inside the package).
func TestAllocationsFromOutside(t *testing.T) {
	type conn struct{ hs wsclose.Handshake } // embedded by value, set up with Reset
	c := new(conn)
	dst := make([]byte, 0, wsclose.MaxPayloadLen)
	body := []byte("\x03\xe9going away")
	long := strings.Repeat("日本語", 15) // 135 bytes
	longBytes := []byte(long)
	failure := fmt.Errorf("conn 7: %w", &wsclose.Failure{Code: wsclose.StatusProtocolError, Reason: "reserved bit set"})
	_, _, refused := wsclose.ParsePayload([]byte{0x03, 0xed})
	tests := []struct {
		name string
		f    func()
	}{
		{"ParsePayload", func() { _, _, _ = wsclose.ParsePayload(body) }},
		{"SplitPayload", func() { _, _, _ = wsclose.SplitPayload(body) }},
		{"AppendPayload", func() { _, _ = wsclose.AppendPayload(dst, wsclose.StatusGoingAway, "going away") }},
		{"AppendPayloadBytes", func() { _, _ = wsclose.AppendPayloadBytes(dst, wsclose.StatusGoingAway, body[2:]) }},
		{"AppendPayloadInt", func() { _, _ = wsclose.AppendPayloadInt(dst, 1001, "going away") }},
		{"ValidateReason", func() { _ = wsclose.ValidateReason(long[:123]) }},
		{"ValidateReasonBytes", func() { _ = wsclose.ValidateReasonBytes(longBytes[:123]) }},
		{"CutReason", func() { _ = wsclose.CutReason(long) }},
		{"CutReason/short", func() { _ = wsclose.CutReason("bye") }},
		{"CutReasonBytes", func() { _ = wsclose.CutReasonBytes(longBytes) }},
		{"TruncateReason", func() { _ = wsclose.TruncateReason(long) }},
		{"AppendPayloadBytes+CutReasonBytes", func() {
			_, _ = wsclose.AppendPayloadBytes(dst, wsclose.StatusGoingAway, wsclose.CutReasonBytes(longBytes))
		}},
		{"AppendFailure/Failure", func() { _ = wsclose.AppendFailure(dst, failure) }},
		{"AppendFailure/refused body", func() { _ = wsclose.AppendFailure(dst, refused) }},
		{"FailureCode", func() { _ = wsclose.FailureCode(failure) }},
		{"FailureReason", func() { _ = wsclose.FailureReason(failure) }},
		{"Code.ValidScript", func() { _ = wsclose.Code(3000).ValidScript() }},
		{"Handshake.Reset+Receive+Send+ReceivedClose", func() {
			c.hs.Reset(wsclose.Server)
			reply, _ := c.hs.Receive(body)
			_ = c.hs.Send(reply)
			_, _, _ = c.hs.ReceivedClose()
			_ = c.hs.CloseTransport()
			c.hs.TransportClosed()
		}},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, tt.f); got != 0 {
			t.Errorf("%s: %v allocations from outside the package, want 0", tt.name, got)
		}
	}
}
