package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAppendFrame(t *testing.T) {
	tests := []struct {
		name    string
		h       Header
		payload string
		want    string
	}{
		{"server Close 1000", Header{FIN: true, Opcode: OpClose}, "\x03\xe8", "8802 03e8"},
		{"1-byte Close", Header{FIN: true, Opcode: OpClose}, "a", "8801 61"},
		{"masked, RFC 6455 §5.7 Hello", Header{FIN: true, Opcode: OpText, Masked: true, Key: ClientKey}, "Hello", "8185 37fa213d 7f9f4d5158"},
		{"FIN=0 Close", Header{Opcode: OpClose}, "", "0800"},
		{"RSV1 Close", Header{FIN: true, RSV: 4, Opcode: OpClose}, "", "c800"},
		{"16-bit form for 2 bytes", Header{FIN: true, Opcode: OpClose, Ext: 2}, "\x03\xe8", "887e 0002 03e8"},
		{"64-bit form for 2 bytes", Header{FIN: true, Opcode: OpClose, Ext: 8}, "\x03\xe8", "887f 0000000000000002 03e8"},
		{"126 bytes, minimal", Header{FIN: true, Opcode: OpClose, Ext: 2}, strings.Repeat("x", 126), "887e 007e" + strings.Repeat("78", 126)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendFrame([]byte("prefix"), tt.h, []byte(tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(append([]byte("prefix"), unhex(t, tt.want)...), got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			checkReadRoundTrip(t, got[len("prefix"):])
		})
	}
}

func TestAppendHeaderLengthForm(t *testing.T) {
	for _, h := range []Header{{Length: 126}, {Length: 1 << 16, Ext: 2}, {Ext: 3}} {
		if got, err := AppendHeader([]byte("x"), h); !errors.Is(err, ErrLengthForm) || string(got) != "x" {
			t.Errorf("AppendHeader(%+v) = %q, %v, want x, ErrLengthForm", h, got, err)
		}
	}
}

// checkReadRoundTrip is the reader's property: whatever it accepts, it
// read whole, and writing the header and payload it returned gives back
// exactly the bytes it consumed.
func checkReadRoundTrip(t *testing.T, data []byte) {
	t.Helper()
	r := bytes.NewReader(data)
	f, err := ReadFrame(r, 1<<16)
	if err != nil {
		var le *LengthError
		if errors.As(err, &le) && (le.Length <= 1<<16 || len(f.Raw) != f.Size()) {
			t.Fatalf("LengthError %v for a header of %d bytes", le, len(f.Raw))
		}
		return
	}
	consumed := data[:len(data)-r.Len()]
	if !bytes.Equal(f.Raw, consumed) {
		t.Fatalf("Raw = %x, consumed %x", f.Raw, consumed)
	}
	again, err := AppendFrame(nil, f.Header, f.Payload)
	if err != nil {
		t.Fatalf("AppendFrame(%+v): %v", f.Header, err)
	}
	if !bytes.Equal(again, consumed) {
		t.Fatalf("round trip: read %x, wrote %x", consumed, again)
	}
}

func TestReadFrameErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", io.EOF},
		{"one byte", "88", io.ErrUnexpectedEOF},
		{"16-bit length cut", "887e00", io.ErrUnexpectedEOF},
		{"masking key cut", "8882 37fa", io.ErrUnexpectedEOF},
		{"payload cut", "8802 03", io.ErrUnexpectedEOF},
		{"2 GiB", "827f 0000000080000000", ErrTooLarge},
		{"MSB set", "827f 8000000000000000", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFrame(bytes.NewReader(unhex(t, tt.in)), DefaultMaxPayload)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// A 2 GiB length costs no 2 GiB: the reader allocates the header only.
func TestReadFrameHugeLengthAllocs(t *testing.T) {
	in := unhex(t, "827f 0000000080000000")
	allocs := testing.AllocsPerRun(100, func() {
		ReadFrame(bytes.NewReader(in), DefaultMaxPayload)
	})
	if allocs > 3 {
		t.Errorf("%v allocations for a 2 GiB header, want ≤ 3", allocs)
	}
}

func TestParseHeaderShort(t *testing.T) {
	tests := []struct{ in, part string }{
		{"88", "the first two bytes"},
		{"887e00", "the 16-bit payload length"},
		{"887f000000", "the 64-bit payload length"},
		{"8882 37fa", "the masking key"},
		{"88fe 0002 37", "the masking key"},
	}
	for _, tt := range tests {
		_, err := ParseHeader(unhex(t, tt.in))
		var se *ShortHeaderError
		if !errors.As(err, &se) || se.Part != tt.part || !errors.Is(err, ErrShortHeader) {
			t.Errorf("ParseHeader(%s) = %v, want %s missing", tt.in, err, tt.part)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		in   string
		want string // Violation.What; "" for none
	}{
		{"8802 03e8", ""},
		{"8100", ""},
		{"0100", ""}, // a fragmented Text frame is fine
		{"8300", "opcode 0x3, which is reserved,"},
		{"0800", "a Close frame without FIN"},
		{"0900", "a Ping frame without FIN"},
		{"c800", "RSV bits 100 set on a Close frame"},
		{"9100", "RSV bits 001 set on a Text frame"},
		{"827f 8000000000000000", "a 64-bit payload length with its most significant bit set"},
		{"887e 0002", "a 2-byte payload length written in the 16-bit form"},
		{"827f 0000000000000100", "a 256-byte payload length written in the 64-bit form"},
		{"887e 007e", "a Close frame with a 126-byte payload"},
		{"827e 007e", ""},
	}
	for _, tt := range tests {
		h, err := ParseHeader(unhex(t, tt.in))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if v := h.Check(); v != nil {
			got = v.What
		}
		if got != tt.want {
			t.Errorf("Check(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckMask(t *testing.T) {
	masked := Header{Masked: true}
	if masked.CheckMask(true) != nil || (Header{}).CheckMask(false) != nil {
		t.Error("a violation for a correct mask bit")
	}
	if masked.CheckMask(false) == nil || (Header{}).CheckMask(true) == nil {
		t.Error("no violation for a wrong mask bit")
	}
}

// FuzzReadFrame feeds the frame reader any bytes a peer could send: no
// panic, no allocation beyond the limit, and what it accepts round-trips.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0x88, 0x02, 0x03, 0xe8})                                     // a Close 1000
	f.Add([]byte{0x88, 0x01, 0x61})                                           // a 1-byte Close
	f.Add([]byte{0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x34, 0x12})             // a masked Close
	f.Add([]byte{0x82, 0x7f, 0, 0, 0, 0, 0x80, 0, 0, 0})                      // 2 GiB
	f.Add([]byte{0x88, 0x7e, 0x00, 0x02, 0x03, 0xe8})                         // a non-minimal length
	f.Add([]byte{0x08, 0x00, 0x88, 0x00})                                     // FIN=0, then a Close
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"))                                  // garbage
	f.Add([]byte{0x82, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // the MSB set
	f.Fuzz(func(t *testing.T, data []byte) {
		for len(data) > 0 {
			checkReadRoundTrip(t, data)
			h, err := ParseHeader(data)
			if err != nil || h.Length > uint64(len(data)) {
				return
			}
			_ = h.Check()
			data = data[min(len(data), h.Size()+int(h.Length)):]
		}
	})
}
