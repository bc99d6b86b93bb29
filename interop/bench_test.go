package interop

// Side-by-side benchmarks of the same Close bodies: parse and check, and
// encode, with wsclose, gobwas/ws, gorilla/websocket, wsclose as lxzan/gws
// would call it, and the floor (a 16-bit load, a range check and
// utf8.Valid). bench.sh runs them with
// -count 10 and prints a benchstat comparison; sub-benchmarks are named
// class=…/impl=… so that benchstat can put the implementations side by side
// (benchstat -col /impl).
//
// The peers check less than wsclose (see README.md): gobwas/ws's
// CheckCloseFrameData accepts codes of 5000 and above, and its
// PutCloseFrameBody and gorilla/websocket's FormatCloseMessage check
// nothing. coder/websocket and lxzan/gws export no parser or encoder for
// Close bodies (gws's are inside ReadLoop and WriteClose); gws is measured
// as it would call wsclose, with the []byte reason it carries
// (impl=wsclose-gws). ParsePayload already returns the []byte gws's
// CloseError holds.

import (
	"flag"
	"fmt"
	"testing"

	"github.com/gobwas/ws"
	gorilla "github.com/gorilla/websocket"
	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/fixture"
)

// parseImpls are the parsers compared.
var parseImpls = []string{"wsclose", "gobwas", "floor"}

// benchParse is the loop for one implementation and class, written out
// for each so that the call is direct, as in a user's code.
func benchParse(impl string, p []byte) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(p)))
		switch impl {
		case "wsclose":
			for b.Loop() {
				if _, _, err := wsclose.ParsePayload(p); err != nil {
					b.Fatal(err)
				}
			}
		case "gobwas":
			for b.Loop() {
				code, reason := ws.ParseCloseFrameDataUnsafe(p)
				if err := ws.CheckCloseFrameData(code, reason); err != nil {
					b.Fatal(err)
				}
			}
		case "floor":
			for b.Loop() {
				if !fixture.FloorParse(p) {
					b.Fatal("refused")
				}
			}
		}
	}
}

func BenchmarkParseCheck(b *testing.B) {
	for _, c := range fixture.InputClasses {
		for _, impl := range parseImpls {
			b.Run("class="+c.Name+"/impl="+impl, benchParse(impl, c.Body()))
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, c := range fixture.InputClasses {
		code := wsclose.Code(c.Code)
		b.Run("class="+c.Name+"/impl=wsclose", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 0, wsclose.MaxPayloadLen)
			for b.Loop() {
				if _, err := wsclose.AppendPayload(dst, code, c.Reason); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("class="+c.Name+"/impl=wsclose-gws", func(b *testing.B) {
			// gws carries reasons as []byte (WriteClose, CloseError), so
			// its call converts; the conversion allocates above 32 bytes.
			b.ReportAllocs()
			dst := make([]byte, 0, wsclose.MaxPayloadLen)
			reason := []byte(c.Reason)
			for b.Loop() {
				if _, err := wsclose.AppendPayload(dst, code, string(reason)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("class="+c.Name+"/impl=gobwas-put", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 2+len(c.Reason))
			for b.Loop() {
				ws.PutCloseFrameBody(dst, ws.StatusCode(c.Code), c.Reason)
			}
		})
		b.Run("class="+c.Name+"/impl=gobwas-new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBody = ws.NewCloseFrameBody(ws.StatusCode(c.Code), c.Reason)
			}
		})
		b.Run("class="+c.Name+"/impl=gorilla", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBody = gorilla.FormatCloseMessage(int(c.Code), c.Reason)
			}
		})
		b.Run("class="+c.Name+"/impl=floor", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 0, wsclose.MaxPayloadLen)
			for b.Loop() {
				if dst = fixture.FloorAppend(dst[:0], c.Code, c.Reason); len(dst) == 0 {
					b.Fatal("refused")
				}
			}
		})
	}
}

// sinkBody keeps encoded bodies alive, as a connection's write would, so
// that the compiler cannot keep them on the stack.
var sinkBody []byte

// TestAllocations states the allocation figures the README gives for
// wsclose: parse and encode allocate nothing. The peers' allocations are
// theirs to change, and not asserted; the benchmarks report them.
func TestAllocations(t *testing.T) {
	for _, c := range fixture.InputClasses {
		body, code := c.Body(), wsclose.Code(c.Code)
		dst := make([]byte, 0, wsclose.MaxPayloadLen)
		got := map[string]float64{
			"wsclose parse":  testing.AllocsPerRun(100, func() { _, _, _ = wsclose.ParsePayload(body) }),
			"wsclose encode": testing.AllocsPerRun(100, func() { _, _ = wsclose.AppendPayload(dst, code, c.Reason) }),
		}
		want := map[string]float64{"wsclose parse": 0, "wsclose encode": 0}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s %s: %v allocations, want %v", c.Name, k, got[k], w)
			}
		}
	}
}

var compare = flag.Bool("compare", false, "time wsclose against gobwas/ws on parse+check and fail above 1.10×")

// TestParseNotSlowerThanGobwas times parse+check of wsclose and gobwas/ws
// in the same run, round after round, and fails when the median ratio of a
// class passes 1.10 (the machine's noise). It runs with -compare, as
// bench.sh does.
func TestParseNotSlowerThanGobwas(t *testing.T) {
	if !*compare {
		t.Skip("timing runs with -compare")
	}
	const rounds, limit = 7, 1.10
	for _, c := range fixture.InputClasses {
		body := c.Body()
		var ratios, ours, theirs []float64
		for range rounds {
			w := fixture.NsPerOp(benchParse("wsclose", body))
			g := fixture.NsPerOp(benchParse("gobwas", body))
			ratios, ours, theirs = append(ratios, w/g), append(ours, w), append(theirs, g)
		}
		msg := fmt.Sprintf("%-10s wsclose %6.2f ns/op, gobwas/ws %6.2f ns/op, median ratio %.2f", c.Name, fixture.Median(ours), fixture.Median(theirs), fixture.Median(ratios))
		t.Log(msg)
		if fixture.Median(ratios) > limit {
			t.Errorf("%s: above %.2f", msg, limit)
		}
	}
}
