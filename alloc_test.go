package wsclose

import (
	"fmt"
	"io"
	"testing"
	"unicode/utf16"
)

// TestAllocations proves the zero-allocation claims of the documentation.
func TestAllocations(t *testing.T) {
	dst := make([]byte, 0, MaxPayloadLen)
	_, _, refused := ParsePayload([]byte("\x03\xe8\xed\xa0\x80"))
	wrappedFailure := fmt.Errorf("reading close frame: %w", refused)
	var u16 [][]uint16
	long := map[string]string{}
	longBytes := map[string][]byte{}
	for _, ic := range inputClasses {
		u16 = append(u16, utf16.Encode([]rune(ic.Reason)))
		long[ic.Name] = ic.Reason + ic.Reason
		longBytes[ic.Name] = []byte(ic.Reason + ic.Reason)
	}
	var h Handshake // reset before each call: NewHandshake itself allocates
	failure := fmt.Errorf("reading frame: %w", &Failure{Code: StatusProtocolError, Reason: "reserved bit set", Err: io.ErrUnexpectedEOF})
	asFailure := error(preparedFault{&Failure{Code: StatusProtocolError, Reason: "RSV1 set"}})
	tests := []struct {
		name string
		max  float64
		f    func(ic inputClass, u []uint16, p []byte)
	}{
		{"ValidateCode", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = ValidateCode(int(Code(ic.Code))) }},
		{"ValidateScriptCode", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = ValidateScriptCode(int(Code(ic.Code))) }},
		{"ClampCode", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = ClampCode(float64(Code(ic.Code)) + 0.5) }},
		{"ValidateReason", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = ValidateReason(ic.Reason) }},
		{"ValidateReasonUTF16", 0, func(_ inputClass, u []uint16, _ []byte) { _ = ValidateReasonUTF16(u) }},
		{"ReasonLenUTF16", 0, func(_ inputClass, u []uint16, _ []byte) { _ = ReasonLenUTF16(u) }},
		{"AppendPayload", 0, func(ic inputClass, _ []uint16, _ []byte) { _, _ = AppendPayload(dst, Code(ic.Code), ic.Reason) }},
		{"ParsePayload", 0, func(_ inputClass, _ []uint16, p []byte) { _, _, _ = ParsePayload(p) }},
		{"AppendScriptClose", 0, func(ic inputClass, u []uint16, _ []byte) { _, _ = AppendScriptClose(dst, 1000, true, u) }},
		{"AppendFailure", 0, func(_ inputClass, _ []uint16, _ []byte) { _ = AppendFailure(dst, wrappedFailure) }},
		{"TruncateReason", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = TruncateReason(ic.Reason) }},
		{"TruncateReason/cut", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = TruncateReason(long[ic.Name]) }},
		{"String", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = Code(ic.Code).String() }},
		{"ValidScript", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = Code(ic.Code).ValidScript() }},
		{"ValidateReasonBytes", 0, func(_ inputClass, _ []uint16, p []byte) { _ = ValidateReasonBytes(p[2:]) }},
		{"AppendPayloadBytes", 0, func(ic inputClass, _ []uint16, p []byte) { _, _ = AppendPayloadBytes(dst, Code(ic.Code), p[2:]) }},
		{"AppendPayloadInt", 0, func(ic inputClass, _ []uint16, _ []byte) { _, _ = AppendPayloadInt(dst, int(ic.Code), ic.Reason) }},
		{"SplitPayload", 0, func(_ inputClass, _ []uint16, p []byte) { _, _, _ = SplitPayload(p) }},
		{"CutReason", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = CutReason(long[ic.Name]) }},
		{"CutReasonBytes", 0, func(ic inputClass, _ []uint16, _ []byte) { _ = CutReasonBytes(longBytes[ic.Name]) }},
		{"AppendFailure/Failure", 0, func(_ inputClass, _ []uint16, _ []byte) { _ = AppendFailure(dst, failure) }},
		{"FailureCode/Failure", 0, func(_ inputClass, _ []uint16, _ []byte) { _ = FailureCode(failure) }},
		{"FailureReason/Failure", 0, func(_ inputClass, _ []uint16, _ []byte) { _ = FailureReason(failure) }},
		{"FailureReason/sentinel", 0, func(_ inputClass, _ []uint16, _ []byte) { _ = FailureReason(ErrInvalidUTF8) }},
		// Asking an As method for a *Failure: the pointer it fills escapes.
		{"AppendFailure/As", 1, func(_ inputClass, _ []uint16, _ []byte) { _ = AppendFailure(dst, asFailure) }},
		{"FailureCode/As", 1, func(_ inputClass, _ []uint16, _ []byte) { _ = FailureCode(asFailure) }},
		// Receive keeps the body in the Handshake's own storage and returns
		// the echo from there: no allocation, whatever the reason's length.
		{"Handshake.Receive", 0, func(_ inputClass, _ []uint16, p []byte) {
			h = Handshake{role: Server}
			_, _ = h.Receive(p)
		}},
		{"Handshake.Receive+Send", 0, func(_ inputClass, _ []uint16, p []byte) {
			h = Handshake{role: Server}
			reply, _ := h.Receive(p)
			_ = h.Send(reply)
			_ = h.CloseTransport()
			h.TransportClosed()
			_ = h.State()
		}},
		{"Handshake.Reset+Receive", 0, func(_ inputClass, _ []uint16, p []byte) {
			h.Reset(Client)
			_, _ = h.Receive(p)
		}},
		{"Handshake.ReceivedClose", 0, func(_ inputClass, _ []uint16, p []byte) {
			h = Handshake{role: Server}
			_, _ = h.Receive(p)
			_, _, _ = h.ReceivedClose()
		}},
		{"Handshake.Send", 0, func(_ inputClass, _ []uint16, p []byte) {
			h = Handshake{role: Client}
			_ = h.Send(p)
		}},
	}
	for _, tt := range tests {
		for i, ic := range inputClasses {
			p := ic.Body()
			got := testing.AllocsPerRun(100, func() { tt.f(ic, u16[i], p) })
			if got > tt.max {
				t.Errorf("%s(%s): %v allocations, want at most %v", tt.name, ic.Name, got, tt.max)
			}
		}
	}
	// String of every registered code, not only the three above.
	for c := range Code(5000) {
		if c.Registered() {
			if got := testing.AllocsPerRun(10, func() { _ = c.String() }); got != 0 {
				t.Errorf("Code(%d).String: %v allocations, want 0", c, got)
			}
		}
	}
}

// preparedFault gives a *Failure made beforehand through its As method, so
// that only wsclose's own allocations are counted.
type preparedFault struct{ f *Failure }

func (e preparedFault) Error() string { return "peer: fault" }

func (e preparedFault) As(target any) bool {
	if f, ok := target.(**Failure); ok {
		*f = e.f
		return true
	}
	return false
}
