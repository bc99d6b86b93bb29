package wsclose

import (
	"flag"
	"fmt"
	"testing"
	"unicode/utf16"

	"github.com/wsclose/wsclose/internal/fixture"
)

// inputClass is one kind of Close body the benchmarks measure, shared with
// the interop module.
type inputClass = fixture.InputClass

var inputClasses = fixture.InputClasses

// The bodies of the parse and append benchmarks, shared with
// TestSpeedAgainstFloor so that both time the same loops.

func benchParse(p []byte) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			if _, _, err := ParsePayload(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchFloorParse(p []byte) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			if !fixture.FloorParse(p) {
				b.Fatal("floor refused the body")
			}
		}
	}
}

func benchAppend(ic inputClass) func(*testing.B) {
	return func(b *testing.B) {
		dst := make([]byte, 0, MaxPayloadLen)
		b.ReportAllocs()
		b.SetBytes(int64(2 + len(ic.Reason)))
		for b.Loop() {
			if _, err := AppendPayload(dst, Code(ic.Code), ic.Reason); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchFloorAppend(ic inputClass) func(*testing.B) {
	return func(b *testing.B) {
		dst := make([]byte, 0, MaxPayloadLen)
		b.ReportAllocs()
		b.SetBytes(int64(2 + len(ic.Reason)))
		for b.Loop() {
			if dst = fixture.FloorAppend(dst[:0], ic.Code, ic.Reason); len(dst) == 0 {
				b.Fatal("floor refused the body")
			}
		}
	}
}

func BenchmarkParsePayload(b *testing.B) {
	for _, ic := range inputClasses {
		b.Run(ic.Name, benchParse(ic.Body()))
	}
}

func BenchmarkFloorParse(b *testing.B) {
	for _, ic := range inputClasses {
		b.Run(ic.Name, benchFloorParse(ic.Body()))
	}
}

func BenchmarkAppendPayload(b *testing.B) {
	for _, ic := range inputClasses {
		b.Run(ic.Name, benchAppend(ic))
	}
}

func BenchmarkFloorAppend(b *testing.B) {
	for _, ic := range inputClasses {
		b.Run(ic.Name, benchFloorAppend(ic))
	}
}

func BenchmarkValidateReason(b *testing.B) {
	for _, ic := range inputClasses {
		b.Run(ic.Name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(ic.Reason)))
			for b.Loop() {
				if err := ValidateReason(ic.Reason); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReasonUTF16(b *testing.B) {
	for _, ic := range inputClasses {
		u := utf16.Encode([]rune(ic.Reason))
		b.Run(ic.Name+"/Validate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := ValidateReasonUTF16(u); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(ic.Name+"/Convert", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = ReasonFromUTF16(u)
			}
		})
	}
}

func BenchmarkTruncateReason(b *testing.B) {
	for _, ic := range inputClasses {
		long := ic.Reason + ic.Reason // over 123 bytes: a cut is made
		b.Run(ic.Name+"/Fits", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = TruncateReason(ic.Reason)
			}
		})
		b.Run(ic.Name+"/Cut", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = TruncateReason(long)
			}
		})
	}
}

func BenchmarkCode(b *testing.B) {
	b.Run("ValidateCode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = ValidateCode(1000 + i%15)
		}
	})
	b.Run("String", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = StatusBadGateway.String()
		}
	})
}

func BenchmarkAppendScriptClose(b *testing.B) {
	for _, ic := range inputClasses {
		u := utf16.Encode([]rune(ic.Reason))
		dst := make([]byte, 0, MaxPayloadLen)
		b.Run(ic.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := AppendScriptClose(dst, 1000, true, u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendFailure(b *testing.B) {
	dst := make([]byte, 0, MaxPayloadLen)
	for _, p := range []struct {
		name string
		body []byte
	}{{"InvalidCode", []byte{0x03, 0xed}}, {"InvalidUTF8", []byte("\x03\xe8a\xff")}} {
		_, _, err := ParsePayload(p.body)
		wrapped := fmt.Errorf("reading close frame: %w", err)
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = AppendFailure(dst, wrapped)
			}
		})
	}
}

// BenchmarkHandshakeReceive times a server's Receive of a peer's Close and
// the Send of its echo on a fresh Handshake, per input class: the body is
// kept in the Handshake's own storage, with no allocation.
func BenchmarkHandshakeReceive(b *testing.B) {
	for _, ic := range inputClasses {
		p := ic.Body()
		b.Run(ic.Name, func(b *testing.B) {
			var h Handshake
			b.ReportAllocs()
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				h = Handshake{role: Server}
				reply, err := h.Receive(p)
				if err != nil || h.Send(reply) != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendPayloadBytes times the []byte form of AppendPayload, per
// input class, as an echo of a received reason appends it.
func BenchmarkAppendPayloadBytes(b *testing.B) {
	for _, ic := range inputClasses {
		reason := []byte(ic.Reason)
		dst := make([]byte, 0, MaxPayloadLen)
		b.Run(ic.Name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 + len(reason)))
			for b.Loop() {
				if _, err := AppendPayloadBytes(dst, Code(ic.Code), reason); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCutReason times the cut of each input class doubled, past 123
// bytes.
func BenchmarkCutReason(b *testing.B) {
	for _, ic := range inputClasses {
		long := ic.Reason + ic.Reason
		b.Run(ic.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if CutReason(long) == "" {
					b.Fatal("empty cut")
				}
			}
		})
	}
}

var floorFlag = flag.Bool("floor", false, "time ParsePayload and AppendPayload against the floor and fail above 1.25×")

// TestSpeedAgainstFloor times parse and append against the floor in the
// same run, round after round, and fails when the median ratio of a class is
// above 1.25. Timing wants a quiet machine and no race detector, so it runs
// only with -floor, as bench.sh does; it is not part of CI's pass or fail,
// where the allocation counts (alloc_test.go) are the deterministic gate:
//
//	go test -run TestSpeedAgainstFloor -floor -benchtime 200ms -v
func TestSpeedAgainstFloor(t *testing.T) {
	if !*floorFlag {
		t.Skip("timing runs with -floor")
	}
	if testing.CoverMode() != "" {
		t.Fatal("-floor needs a build without coverage")
	}
	const limit, rounds = 1.25, 7
	for _, ic := range inputClasses {
		pairs := []struct {
			name        string
			fast, floor func(*testing.B)
		}{
			{"parse", benchParse(ic.Body()), benchFloorParse(ic.Body())},
			{"append", benchAppend(ic), benchFloorAppend(ic)},
		}
		for _, pair := range pairs {
			var ratios, fastNs, floorNs []float64
			for range rounds {
				f, fl := fixture.NsPerOp(pair.fast), fixture.NsPerOp(pair.floor)
				ratios, fastNs, floorNs = append(ratios, f/fl), append(fastNs, f), append(floorNs, fl)
			}
			msg := fmt.Sprintf("%-6s %-10s wsclose %6.2f ns/op, floor %6.2f ns/op, median ratio %.2f",
				pair.name, ic.Name, fixture.Median(fastNs), fixture.Median(floorNs), fixture.Median(ratios))
			t.Log(msg)
			if fixture.Median(ratios) > limit {
				t.Errorf("%s: above %.2f", msg, limit)
			}
		}
	}
}
