package wsclose

import (
	"fmt"
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
	for _, ic := range inputClasses {
		u16 = append(u16, utf16.Encode([]rune(ic.Reason)))
		long[ic.Name] = ic.Reason + ic.Reason
	}
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
