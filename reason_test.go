package wsclose

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wsclose/wsclose/internal/fixture"
)

func TestValidateReason(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		want   reasonResult
	}{
		{"empty", "", reasonResult{Offset: -1}},
		{"ascii", "going away", reasonResult{Offset: -1}},
		{"123 ASCII", strings.Repeat("a", 123), reasonResult{Offset: -1}},
		{"124 ASCII", strings.Repeat("a", 124), reasonResult{ErrReasonTooLong, 124, 123}},
		{"German 123", fixture.German123, reasonResult{Offset: -1}},
		{"German 124", fixture.German123 + "!", reasonResult{ErrReasonTooLong, 124, 123}},
		{"Japanese 123", fixture.Japanese123, reasonResult{Offset: -1}},
		{"Japanese 126", fixture.Japanese123 + "い", reasonResult{ErrReasonTooLong, 126, 123}},
		{"emoji 120", strings.Repeat("🔌", 30), reasonResult{Offset: -1}},
		{"emoji 124", strings.Repeat("🔌", 31), reasonResult{ErrReasonTooLong, 124, 123}},
		{"too long wins over bad bytes", strings.Repeat("\xff", 124), reasonResult{ErrReasonTooLong, 124, 123}},
		{"BOM", "\uFEFFbye", reasonResult{Offset: -1}},
		{"noncharacter", "\uFFFF\U0010FFFF", reasonResult{Offset: -1}},
		{"replacement character", "\uFFFD", reasonResult{Offset: -1}},
		{"high surrogate", "ab\xed\xa0\x80", reasonResult{ErrLoneSurrogate, 5, 2}},
		{"low surrogate", "\xed\xbf\xbf", reasonResult{ErrLoneSurrogate, 3, 0}},
		{"CESU-8 pair", "\xed\xa0\xbd\xed\xb8\x80", reasonResult{ErrLoneSurrogate, 6, 0}},
		{"Autobahn 7.5.1", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited", reasonResult{ErrLoneSurrogate, 20, 11}},
		{"truncated surrogate", "\xed\xa0", reasonResult{ErrInvalidUTF8, 2, 0}},
		{"ED then ASCII", "\xed\xa0a", reasonResult{ErrInvalidUTF8, 3, 0}},
		{"ED 9F BF is U+D7FF", "\xed\x9f\xbf", reasonResult{Offset: -1}},
		{"0xFF", "ok\xff", reasonResult{ErrInvalidUTF8, 3, 2}},
		{"overlong NUL", "\xc0\x80", reasonResult{ErrInvalidUTF8, 2, 0}},
		{"overlong 3-byte", "\xe0\x80\xaf", reasonResult{ErrInvalidUTF8, 3, 0}},
		{"above U+10FFFF", "\xf4\x90\x80\x80", reasonResult{ErrInvalidUTF8, 4, 0}},
		{"truncated 4-byte", "x\xf0\x9f\x98", reasonResult{ErrInvalidUTF8, 4, 1}},
		{"lone continuation", "\x80", reasonResult{ErrInvalidUTF8, 1, 0}},
		{"first fault decides", "\xff\xed\xa0\x80", reasonResult{ErrInvalidUTF8, 4, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reasonResultOf(ValidateReason(tt.reason))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("ValidateReason(%q) mismatch (-want +got):\n%s", tt.reason, diff)
			}
			checkValidateReason(t, tt.reason)
		})
	}
}

// TestValidateReasonAgainstReference compares ValidateReason with RFC 3629's
// grammar over every string of one and two bytes and over random strings
// built from the bytes that matter.
func TestValidateReasonAgainstReference(t *testing.T) {
	check := func(s string) { checkValidateReason(t, s) }
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		check(randomBytes(rng, 8))
	}
}

// interestingBytes are the bytes at the edges of UTF-8's ranges.
var interestingBytes = []byte{
	0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
	0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
}

func randomBytes(rng *rand.Rand, max int) string {
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = interestingBytes[rng.IntN(len(interestingBytes))]
	}
	return string(b)
}

func TestReasonUTF16(t *testing.T) {
	type result struct {
		Len      int
		Err      reasonResult
		Sent     string
		SentSize int
	}
	tests := []struct {
		name string
		in   []uint16
		want result
	}{
		{"empty", nil, result{0, reasonResult{Offset: -1}, "", 0}},
		{"ASCII", utf16.Encode([]rune("bye")), result{3, reasonResult{Offset: -1}, "bye", 3}},
		{"German 123", utf16.Encode([]rune(fixture.German123)), result{123, reasonResult{Offset: -1}, fixture.German123, 123}},
		{"German 125", utf16.Encode([]rune(fixture.German123 + "ß")), result{125, reasonResult{ErrReasonTooLong, 125, 116}, fixture.German123 + "ß", 125}},
		{"Japanese 123", utf16.Encode([]rune(fixture.Japanese123)), result{123, reasonResult{Offset: -1}, fixture.Japanese123, 123}},
		{"Japanese 126", utf16.Encode([]rune(fixture.Japanese123 + "い")), result{126, reasonResult{ErrReasonTooLong, 126, 41}, fixture.Japanese123 + "い", 126}},
		{"pair", []uint16{0xD83D, 0xDE00}, result{4, reasonResult{Offset: -1}, "😀", 4}},
		{"lone high", []uint16{0xD807}, result{3, reasonResult{ErrLoneSurrogate, 3, 0}, "\uFFFD", 3}},
		{"lone high at end", []uint16{'a', 0xD83D}, result{4, reasonResult{ErrLoneSurrogate, 4, 1}, "a\uFFFD", 4}},
		{"reversed pair", []uint16{0xDC00, 0xD800}, result{6, reasonResult{ErrLoneSurrogate, 6, 0}, "\uFFFD\uFFFD", 6}},
		{"high high low", []uint16{0xD800, 0xD800, 0xDC00}, result{7, reasonResult{ErrLoneSurrogate, 7, 0}, "\uFFFD𐀀", 7}},
		{"41 lone", slices.Repeat([]uint16{0xD807}, 41), result{123, reasonResult{ErrLoneSurrogate, 123, 0}, strings.Repeat("\uFFFD", 41), 123}},
		{"42 lone: length first", slices.Repeat([]uint16{0xD807}, 42), result{126, reasonResult{ErrReasonTooLong, 126, 41}, strings.Repeat("\uFFFD", 42), 126}},
		{"2-byte edge", []uint16{0x7F, 0x80, 0x7FF, 0x800, 0xFFFF}, result{1 + 2 + 2 + 3 + 3, reasonResult{Offset: -1}, "\u007f\u0080\u07ff\u0800\uffff", 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := ReasonFromUTF16(tt.in)
			got := result{
				Len:      ReasonLenUTF16(tt.in),
				Err:      reasonResultOf(ValidateReasonUTF16(tt.in)),
				Sent:     sent,
				SentSize: len(sent),
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// interestingUnits are UTF-16 code units at the edges of UTF-8 lengths and
// of the surrogate ranges.
var interestingUnits = []uint16{'a', 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD, 0xFFFF}

func TestReasonUTF16AgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		u := make([]uint16, rng.IntN(60))
		for i := range u {
			u[i] = interestingUnits[rng.IntN(len(interestingUnits))]
		}
		checkUTF16(t, u)
	}
}

func TestDecodeReason(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"bye", "bye"},
		{"\uFEFFbye", "\uFEFFbye"}, // the BOM is kept
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xf0\x9f\x98", "\uFFFD"}, // one maximal subpart
		{"\xf0\x9f\x98!", "\uFFFD!"},
		{"\xc0\x80", "\uFFFD\uFFFD"},
		{"\xff\xfe", "\uFFFD\uFFFD"}, // strings.ToValidUTF8 would give one
		{"a\x80b", "a\uFFFDb"},
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xe1\x80", "\uFFFD"},
	}
	for _, tt := range tests {
		if got := DecodeReason([]byte(tt.in)); got != tt.want {
			t.Errorf("DecodeReason(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkDecodeReason(t, []byte(tt.in))
	}
}

// TestDecodeReasonAgainstReference compares DecodeReason with the WHATWG
// decoder's steps over every 1- and 2-byte input, every 3- and 4-byte input
// made of the interesting bytes, and random longer ones.
func TestDecodeReasonAgainstReference(t *testing.T) {
	check := func(p []byte) { checkDecodeReason(t, p) }
	for a := 0; a < 256; a++ {
		check([]byte{byte(a)})
		for b := 0; b < 256; b++ {
			check([]byte{byte(a), byte(b)})
		}
	}
	for _, a := range interestingBytes {
		for _, b := range interestingBytes {
			for _, c := range interestingBytes {
				check([]byte{a, b, c})
				for _, d := range interestingBytes {
					check([]byte{a, b, c, d})
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50000 {
		check([]byte(randomBytes(rng, 40)))
	}
}

func TestTruncateReason(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"short", "bye", "bye"},
		{"123 ASCII", strings.Repeat("a", 123), strings.Repeat("a", 123)},
		{"124 ASCII", strings.Repeat("a", 124), strings.Repeat("a", 123)},
		{"German 123 unchanged", fixture.German123, fixture.German123},
		{"German 124", fixture.German123 + "!", fixture.German123},
		{"German ß across the edge", "x" + fixture.German123, "x" + fixture.German123[:121]},
		{"Japanese 123 unchanged", fixture.Japanese123, fixture.Japanese123},
		{"Japanese 126", fixture.Japanese123 + "い", fixture.Japanese123},
		{"Japanese shifted", "a" + fixture.Japanese123, "a" + fixture.Japanese123[:120]},
		{"emoji", strings.Repeat("🔌", 31), strings.Repeat("🔌", 30)},
		{"combining mark kept with its base", "a" + strings.Repeat("e\u0301", 41), "a" + strings.Repeat("e\u0301", 40)},
		{"Hangul jamo kept together", strings.Repeat("\u1100\u1161", 21), strings.Repeat("\u1100\u1161", 20)},
		{"no boundary: cut between runes", "a" + strings.Repeat("\u0301", 62), "a" + strings.Repeat("\u0301", 61)},
		{"no boundary: back to a rune start", "a" + strings.Repeat("\u20d0", 41), "a" + strings.Repeat("\u20d0", 40)},
		{"ill-formed short", "ok\xff", "ok\uFFFD"},
		{"ill-formed long", strings.Repeat("\xff", 50), strings.Repeat("\uFFFD", 41)},
		{"encoded surrogates", strings.Repeat("\xed\xa0\x80", 20), strings.Repeat("\uFFFD", 41)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TruncateReason(tt.in)
			if got != tt.want {
				t.Errorf("TruncateReason(%q) = %q (%d bytes), want %q (%d bytes)", tt.in, got, len(got), tt.want, len(tt.want))
			}
			checkTruncateReason(t, tt.in)
		})
	}
}

// TestCutReason: the same cut as TruncateReason, and nothing repaired.
func TestCutReason(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"short", "bye", "bye"},
		{"124 ASCII", strings.Repeat("a", 124), strings.Repeat("a", 123)},
		{"Japanese 126", fixture.Japanese123 + "い", fixture.Japanese123},
		{"combining mark kept with its base", "a" + strings.Repeat("e\u0301", 41), "a" + strings.Repeat("e\u0301", 40)},
		{"no boundary: cut between runes", "a" + strings.Repeat("\u0301", 62), "a" + strings.Repeat("\u0301", 61)},
		{"ill-formed short: not repaired", "ok\xff", "ok\xff"},
		{"ill-formed long: cut, not repaired", strings.Repeat("\xff", 130), strings.Repeat("\xff", 123)},
		{"continuation bytes only: one byte kept", strings.Repeat("\x80", 130), "\x80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CutReason(tt.in); got != tt.want {
				t.Errorf("CutReason(%q) = %q (%d bytes), want %q (%d bytes)", tt.in, got, len(got), tt.want, len(tt.want))
			}
			checkCutReason(t, tt.in)
		})
	}
}

func TestTruncateReasonAgainstReference(t *testing.T) {
	pieces := []string{"a", "é", "e\u0301", "\u0301", "\u1100", "\u1161", "日", "🔌", "\uFFFD", "\xff", "\xed\xa0\x80", "\u0915\u094d"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var b strings.Builder
		for n := rng.IntN(90); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkTruncateReason(t, b.String())
	}
}
