package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Inputs as the testing shim of go-118-fuzz-build cuts them, checked against
// the shim itself when the conversions were written.
var shimInputs = []struct {
	file  string // go test corpus file
	types []string
	data  []byte // libFuzzer input
}{
	{"[]byte(\"\\x03\\xe8\")", []string{"[]uint8"}, []byte("\x00\x00\x00\x02\x03\xe8")},
	{"[]byte(\"\")", []string{"[]uint8"}, []byte("\x00\x00\x00\x02\x00")},
	{"string(\"\")", []string{"string"}, []byte("\x00\x00\x00\x00\x00")},
	{"uint16(1006)\nstring(\"\")", []string{"uint16", "string"}, []byte("\x03\xee\x01\x00\x00\x00\x00\x00")},
	{"uint16(3000)\nstring(\"ab\")", []string{"uint16", "string"}, []byte("\x0b\xb8\x01\x00\x00\x00\x02ab")},
	{"float64(+Inf)", []string{"float64"}, []byte("\x7f\xf0\x00\x00\x00\x00\x00\x00\x01")},
	{"[]byte(\"\")\nbool(true)", []string{"[]uint8", "bool"}, []byte("\x00\x00\x00\x02\x00")},
	{"int32(-1)\nbyte('a')", []string{"int32", "uint8"}, []byte("\xff\xff\xff\xffa")},
}

func TestShimInputs(t *testing.T) {
	for _, tt := range shimInputs {
		vals, err := unmarshal([]byte(header + "\n" + tt.file + "\n"))
		if err != nil {
			t.Fatalf("unmarshal(%q): %v", tt.file, err)
		}
		data, err := encode(tt.types, vals)
		if err != nil || !bytes.Equal(data, tt.data) {
			t.Errorf("encode(%q) = %x, %v; want %x", tt.file, data, err, tt.data)
		}
		back, err := decode(tt.types, tt.data)
		if err != nil || !reflect.DeepEqual(back, vals) {
			t.Errorf("decode(%x) = %#v, %v; want %#v", tt.data, back, err, vals)
		}
	}
}

func TestDecodeShort(t *testing.T) {
	for _, tt := range []struct {
		types []string
		data  []byte
	}{
		{[]string{"[]uint8"}, []byte("\x00\x00\x00\x02")},  // nothing after the length
		{[]string{"string"}, []byte("\x00\x00\x00\x00")},   // an empty string needs a byte after it
		{[]string{"string"}, []byte("\x00\x00\x00\x03ab")}, // longer than the input
		{[]string{"float64"}, []byte("\x00\x00\x00\x00\x00\x00\x00\x00")},
	} {
		if vals, err := decode(tt.types, tt.data); err == nil {
			t.Errorf("decode(%v, %x) = %v, want an error", tt.types, tt.data, vals)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	types := []string{"bool", "int8", "int16", "int32", "int64", "int", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "[]uint8", "string", "[]uint8"}
	for _, vals := range [][]any{
		{true, int8(-1), int16(-300), int32(-70000), int64(math.MinInt64), -1, uint(math.MaxUint64), uint8(255), uint16(65535), uint32(1 << 31), uint64(1 << 63), float32(1.5), math.Inf(-1), []byte{}, "", []byte{}},
		{false, int8(1), int16(2), int32(3), int64(4), 5, uint(6), uint8(7), uint16(8), uint32(9), uint64(10), float32(-0.25), 1e300, []byte("a\x00b"), "κόσμε", []byte("\xff")},
	} {
		data, err := encode(types, vals)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decode(types, data)
		if err != nil || !reflect.DeepEqual(got, vals) {
			t.Errorf("decode(encode(%#v)) = %#v, %v", vals, got, err)
		}
		got, err = unmarshal(marshal(vals))
		if err != nil || !reflect.DeepEqual(got, vals) {
			t.Errorf("unmarshal(marshal(%#v)) = %#v, %v\n%s", vals, got, err, marshal(vals))
		}
	}
	nan := math.Float64frombits(0x7ff8000000000001)
	got, err := unmarshal(marshal([]any{nan}))
	if err != nil || math.Float64bits(got[0].(float64)) != math.Float64bits(nan) {
		t.Errorf("unmarshal(marshal(NaN %#x)) = %v, %v", math.Float64bits(nan), got, err)
	}
}

// TestSeeds converts every seed of the package's fuzz targets both ways.
func TestSeeds(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/fuzz/Fuzz*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no seed folders: %v", err)
	}
	for _, dir := range dirs {
		types, err := argTypes("../..", filepath.Base(dir))
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, file := range files {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := unmarshal(text)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			data, err := encode(types, vals)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got, err := decode(types, data)
			if err != nil || !reflect.DeepEqual(got, vals) {
				t.Errorf("%s: decode(encode(%#v)) = %#v, %v", file, vals, got, err)
			}
			if !bytes.Equal(marshal(vals), text) {
				t.Errorf("%s: marshal gives\n%s", file, marshal(vals))
			}
		}
	}
}
