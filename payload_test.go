package wsclose

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wsclose/wsclose/internal/fixture"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestAppendPayload(t *testing.T) {
	tests := []struct {
		name    string
		code    Code
		reason  string
		wantHex string
		wantErr error
	}{
		{"no status", StatusNoStatusReceived, "", "", nil},
		{"no status with reason", StatusNoStatusReceived, "x", "", ErrInvalidCode},
		{"normal", StatusNormalClosure, "", "03e8", nil},
		{"going away", StatusGoingAway, "going away", "03e9676f696e672061776179", nil},
		{"1014", StatusBadGateway, "", "03f6", nil},
		{"3000 Japanese", StatusUnauthorized, "接続", "0bb8e68ea5e7b69a", nil},
		{"4999", 4999, "x", "138778", nil},
		{"123-byte reason", StatusNormalClosure, strings.Repeat("*", 123), "03e8" + strings.Repeat("2a", 123), nil},
		{"124-byte reason", StatusNormalClosure, strings.Repeat("*", 124), "", ErrReasonTooLong},
		{"1006", StatusAbnormalClosure, "", "", ErrInvalidCode},
		{"1015", StatusTLSHandshake, "", "", ErrInvalidCode},
		{"1004", 1004, "", "", ErrInvalidCode},
		{"0", 0, "", "", ErrInvalidCode},
		{"5000", 5000, "", "", ErrInvalidCode},
		{"code checked first", 5000, strings.Repeat("a", 200), "", ErrInvalidCode},
		{"bad UTF-8", StatusNormalClosure, "\xff", "", ErrInvalidUTF8},
		{"encoded surrogate", StatusNormalClosure, "\xed\xa0\x80", "", ErrLoneSurrogate},
	}
	// Every form appends the same body and refuses the same input.
	forms := []struct {
		name string
		f    func(dst []byte, c Code, reason string) ([]byte, error)
	}{
		{"AppendPayload", AppendPayload},
		{"AppendPayloadBytes", func(dst []byte, c Code, reason string) ([]byte, error) {
			return AppendPayloadBytes(dst, c, []byte(reason))
		}},
		{"AppendPayloadInt", func(dst []byte, c Code, reason string) ([]byte, error) {
			return AppendPayloadInt(dst, int(c), reason)
		}},
	}
	for _, tt := range tests {
		for _, form := range forms {
			t.Run(tt.name+"/"+form.name, func(t *testing.T) {
				prefix := []byte("frame header:")
				dst := append(make([]byte, 0, 200), prefix...)
				got, err := form.f(dst, tt.code, tt.reason)
				if diff := cmp.Diff(tt.wantErr, err, cmpopts.EquateErrors()); diff != "" {
					t.Fatalf("%s(%d, %q) error mismatch (-want +got):\n%s", form.name, tt.code, tt.reason, diff)
				}
				if !bytes.HasPrefix(got, prefix) {
					t.Fatalf("%s changed dst's contents: %q", form.name, got)
				}
				if diff := cmp.Diff(tt.wantHex, hex.EncodeToString(got[len(prefix):])); diff != "" {
					t.Errorf("%s(%d, %q) mismatch (-want +got):\n%s", form.name, tt.code, tt.reason, diff)
				}
				if err != nil && len(got) != len(dst) {
					t.Errorf("%s returned %d bytes on error, want dst unchanged (%d)", form.name, len(got), len(dst))
				}
			})
		}
	}
}

// TestAppendPayloadInt: an int code outside 0–65535 is refused as given,
// never wrapped to a 16-bit Code.
func TestAppendPayloadInt(t *testing.T) {
	for _, code := range []int{-1, 65536, 65536 + 1000, math.MinInt, math.MaxInt} {
		dst := []byte("hdr")
		got, err := AppendPayloadInt(dst, code, "")
		var ce *CodeError
		if !errors.As(err, &ce) || ce.Code != code || ce.Func != "ValidateCode" || string(got) != "hdr" {
			t.Errorf("AppendPayloadInt(%d) = %q, %#v; want dst unchanged and a *CodeError for %d", code, got, err, code)
		}
	}
}

func TestSplitPayload(t *testing.T) {
	type split struct {
		Code   Code
		Reason string
		OK     bool
	}
	tests := []struct {
		name string
		hex  string
		want split
	}{
		{"empty: no status", "", split{StatusNoStatusReceived, "", true}},
		{"1 byte: no code", "03", split{0, "", false}},
		{"code alone", "03e8", split{1000, "", true}},
		{"code and reason", "03e9627965", split{1001, "bye", true}},
		{"refused code kept", "03ed", split{1005, "", true}},
		{"bad UTF-8 kept", "03e8ff", split{1000, "\xff", true}},
		{"too long kept", "03e8" + strings.Repeat("2a", 124), split{1000, strings.Repeat("*", 124), true}},
	}
	for _, tt := range tests {
		p := mustHex(t, tt.hex)
		c, reason, ok := SplitPayload(p)
		if diff := cmp.Diff(tt.want, split{c, string(reason), ok}); diff != "" {
			t.Errorf("%s: SplitPayload(%s) mismatch (-want +got):\n%s", tt.name, tt.hex, diff)
		}
		pc, _, _ := ParsePayload(p)
		checkSplitPayload(t, p, pc)
	}
}

func TestParsePayload(t *testing.T) {
	type result struct {
		Code   Code
		Reason string
		Err    error
		Fail   Code
	}
	tests := []struct {
		name string
		hex  string
		want result
	}{
		{"empty", "", result{StatusNoStatusReceived, "", nil, 0}},
		{"1 byte", "03", result{0, "", ErrPayloadTooShort, StatusProtocolError}},
		{"code only", "03e8", result{StatusNormalClosure, "", nil, 0}},
		{"going away", "03e9676f696e672061776179", result{StatusGoingAway, "going away", nil, 0}},
		{"1012", "03f4", result{StatusServiceRestart, "", nil, 0}},
		{"1013", "03f5", result{StatusTryAgainLater, "", nil, 0}},
		{"1014", "03f6", result{StatusBadGateway, "", nil, 0}},
		{"1015", "03f7", result{StatusTLSHandshake, "", ErrInvalidCode, StatusProtocolError}},
		{"1016", "03f8", result{1016, "", ErrInvalidCode, StatusProtocolError}},
		{"2999", "0bb7", result{2999, "", ErrInvalidCode, StatusProtocolError}},
		{"5000", "1388", result{5000, "", ErrInvalidCode, StatusProtocolError}},
		{"65535", "ffff", result{65535, "", ErrInvalidCode, StatusProtocolError}},
		{"1005 on the wire", "03ed", result{StatusNoStatusReceived, "", ErrInvalidCode, StatusProtocolError}},
		{"125 bytes", "03e8" + strings.Repeat("2a", 123), result{StatusNormalClosure, strings.Repeat("*", 123), nil, 0}},
		{"126 bytes", "03e8" + strings.Repeat("2a", 124), result{StatusNormalClosure, "", ErrPayloadTooLong, StatusProtocolError}},
		{"length checked before code", "0000" + strings.Repeat("2a", 124), result{0, "", ErrPayloadTooLong, StatusProtocolError}},
		{"code checked before reason", "03ecff", result{1004, "", ErrInvalidCode, StatusProtocolError}},
		{"bad UTF-8", "03e8ffff", result{StatusNormalClosure, "", ErrInvalidUTF8, StatusInvalidPayloadData}},
		{"encoded surrogate", "03e8eda080", result{StatusNormalClosure, "", ErrLoneSurrogate, StatusInvalidPayloadData}},
		{"truncated UTF-8 with 1007", "03efcebae1bd", result{StatusInvalidPayloadData, "", ErrInvalidUTF8, StatusInvalidPayloadData}},
		{"German 123", "03e8" + hex.EncodeToString([]byte(fixture.German123)), result{StatusNormalClosure, fixture.German123, nil, 0}},
		{"Japanese 123", "0bb8" + hex.EncodeToString([]byte(fixture.Japanese123)), result{StatusUnauthorized, fixture.Japanese123, nil, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustHex(t, tt.hex)
			c, reason, err := ParsePayload(p)
			got := result{c, string(reason), err, FailureCode(err)}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("ParsePayload(%s) mismatch (-want +got):\n%s", tt.hex, diff)
			}
			checkParsePayload(t, p)
		})
	}
}

func TestParsePayloadAliases(t *testing.T) {
	p := []byte("\x03\xe8bye")
	_, reason, err := ParsePayload(p)
	if err != nil {
		t.Fatal(err)
	}
	if &reason[0] != &p[2] {
		t.Errorf("ParsePayload copied the reason; want it to alias p")
	}
}

// TestParsePayloadAgainstReference checks ParsePayload over random bodies
// against slowParsePayload, and every body length from 0 to 200.
func TestParsePayloadAgainstReference(t *testing.T) {
	for n := range 201 {
		checkParsePayload(t, append([]byte{0x03, 0xe8}, bytes.Repeat([]byte("a"), n)...)[:n])
		checkParsePayload(t, append([]byte{0x13, 0x88}, bytes.Repeat([]byte("\xff"), n)...)[:n])
	}
	rng := rand.New(rand.NewPCG(9, 10))
	codes := []uint16{0, 999, 1000, 1003, 1004, 1005, 1006, 1007, 1014, 1015, 1016, 2999, 3000, 4999, 5000, 65535}
	for range 50000 {
		var p []byte
		switch rng.IntN(10) {
		case 0:
			p = []byte(randomBytes(rng, 2))
		case 1:
			c := codes[rng.IntN(len(codes))]
			p = append([]byte{byte(c >> 8), byte(c)}, strings.Repeat("a", 120+rng.IntN(6))...)
		default:
			c := codes[rng.IntN(len(codes))]
			p = append([]byte{byte(c >> 8), byte(c)}, randomBytes(rng, 10)...)
		}
		checkParsePayload(t, p)
	}
}
