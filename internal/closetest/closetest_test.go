package closetest

import (
	"testing"
	"unicode/utf8"
)

// TestFixtures checks that the edge reasons are what their names say.
func TestFixtures(t *testing.T) {
	for _, s := range []string{German123, Japanese123} {
		if len(s) != 123 || !utf8.ValidString(s) {
			t.Errorf("%q: %d bytes, valid UTF-8 %v; want 123 valid bytes", s, len(s), utf8.ValidString(s))
		}
	}
	if r, _ := utf8.DecodeLastRuneInString(German123); r != 'ß' {
		t.Errorf("German123 ends with %q, want ß", r)
	}
	if got := FloorAppend(nil, 999, "x"); got != nil {
		t.Errorf("FloorAppend(999) = %x, want nothing appended", got)
	}
	if n := utf8.RuneCountInString(Japanese123); n != 41 {
		t.Errorf("Japanese123 has %d characters, want 41", n)
	}
	for _, c := range InputClasses {
		if !FloorParse(c.Body()) {
			t.Errorf("%s: the floor refuses the class's body", c.Name)
		}
		if got := FloorAppend([]byte("x"), c.Code, c.Reason); string(got) != "x"+string(c.Body()) {
			t.Errorf("%s: FloorAppend = %x, want x then the body", c.Name, got)
		}
	}
}

func TestLoadVectors(t *testing.T) {
	v, err := LoadVectors("../../testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.WHATWGCloseAPI) != 48 || len(v.CodeMatrix) != 31 || len(v.PayloadParse) != 37 || len(v.AutobahnSection7) != 37 {
		t.Errorf("vectors: %d close() calls, %d codes, %d bodies, %d Autobahn cases; want 48, 31, 37, 37",
			len(v.WHATWGCloseAPI), len(v.CodeMatrix), len(v.PayloadParse), len(v.AutobahnSection7))
	}
	for _, c := range v.PayloadParse {
		codes, err := c.FailCodes()
		if err != nil {
			t.Error(err)
		}
		if c.Expected.OK != (len(codes) == 0) {
			t.Errorf("%s: ok %v with fail codes %v", c.PayloadHex, c.Expected.OK, codes)
		}
	}
	if _, err := LoadVectors("no such file"); err == nil {
		t.Error("LoadVectors of a missing file: no error")
	}
}
