package wsclose

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
		{"no status", NoStatusReceived, "", "", nil},
		{"no status with reason", NoStatusReceived, "x", "", ErrInvalidCode},
		{"normal", NormalClosure, "", "03e8", nil},
		{"going away", GoingAway, "going away", "03e9676f696e672061776179", nil},
		{"1014", BadGateway, "", "03f6", nil},
		{"3000 Japanese", Unauthorized, "接続", "0bb8e68ea5e7b69a", nil},
		{"4999", 4999, "x", "138778", nil},
		{"123-byte reason", NormalClosure, strings.Repeat("*", 123), "03e8" + strings.Repeat("2a", 123), nil},
		{"124-byte reason", NormalClosure, strings.Repeat("*", 124), "", ErrReasonTooLong},
		{"1006", AbnormalClosure, "", "", ErrInvalidCode},
		{"1015", TLSHandshake, "", "", ErrInvalidCode},
		{"1004", 1004, "", "", ErrInvalidCode},
		{"0", 0, "", "", ErrInvalidCode},
		{"5000", 5000, "", "", ErrInvalidCode},
		{"code checked first", 5000, strings.Repeat("a", 200), "", ErrInvalidCode},
		{"bad UTF-8", NormalClosure, "\xff", "", ErrInvalidUTF8},
		{"encoded surrogate", NormalClosure, "\xed\xa0\x80", "", ErrLoneSurrogate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("frame header:")
			dst := append(make([]byte, 0, 200), prefix...)
			got, err := AppendPayload(dst, tt.code, tt.reason)
			if diff := cmp.Diff(tt.wantErr, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("AppendPayload(%d, %q) error mismatch (-want +got):\n%s", tt.code, tt.reason, diff)
			}
			if !bytes.HasPrefix(got, prefix) {
				t.Fatalf("AppendPayload changed dst's contents: %q", got)
			}
			if diff := cmp.Diff(tt.wantHex, hex.EncodeToString(got[len(prefix):])); diff != "" {
				t.Errorf("AppendPayload(%d, %q) mismatch (-want +got):\n%s", tt.code, tt.reason, diff)
			}
			if err != nil && len(got) != len(dst) {
				t.Errorf("AppendPayload returned %d bytes on error, want dst unchanged (%d)", len(got), len(dst))
			}
		})
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
		{"empty", "", result{NoStatusReceived, "", nil, 0}},
		{"1 byte", "03", result{0, "", ErrPayloadTooShort, ProtocolError}},
		{"code only", "03e8", result{NormalClosure, "", nil, 0}},
		{"going away", "03e9676f696e672061776179", result{GoingAway, "going away", nil, 0}},
		{"1012", "03f4", result{ServiceRestart, "", nil, 0}},
		{"1013", "03f5", result{TryAgainLater, "", nil, 0}},
		{"1014", "03f6", result{BadGateway, "", nil, 0}},
		{"1015", "03f7", result{TLSHandshake, "", ErrInvalidCode, ProtocolError}},
		{"1016", "03f8", result{1016, "", ErrInvalidCode, ProtocolError}},
		{"2999", "0bb7", result{2999, "", ErrInvalidCode, ProtocolError}},
		{"5000", "1388", result{5000, "", ErrInvalidCode, ProtocolError}},
		{"65535", "ffff", result{65535, "", ErrInvalidCode, ProtocolError}},
		{"1005 on the wire", "03ed", result{NoStatusReceived, "", ErrInvalidCode, ProtocolError}},
		{"125 bytes", "03e8" + strings.Repeat("2a", 123), result{NormalClosure, strings.Repeat("*", 123), nil, 0}},
		{"126 bytes", "03e8" + strings.Repeat("2a", 124), result{NormalClosure, "", ErrPayloadTooLong, ProtocolError}},
		{"length checked before code", "0000" + strings.Repeat("2a", 124), result{0, "", ErrPayloadTooLong, ProtocolError}},
		{"code checked before reason", "03ecff", result{1004, "", ErrInvalidCode, ProtocolError}},
		{"bad UTF-8", "03e8ffff", result{NormalClosure, "", ErrInvalidUTF8, InvalidPayloadData}},
		{"encoded surrogate", "03e8eda080", result{NormalClosure, "", ErrLoneSurrogate, InvalidPayloadData}},
		{"truncated UTF-8 with 1007", "03efcebae1bd", result{InvalidPayloadData, "", ErrInvalidUTF8, InvalidPayloadData}},
		{"German 123", "03e8" + hex.EncodeToString([]byte(german123)), result{NormalClosure, german123, nil, 0}},
		{"Japanese 123", "0bb8" + hex.EncodeToString([]byte(japanese123)), result{Unauthorized, japanese123, nil, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustHex(t, tt.hex)
			c, reason, err := ParsePayload(p)
			got := result{c, reason, err, FailureCode(err)}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("ParsePayload(%s) mismatch (-want +got):\n%s", tt.hex, diff)
			}
			cb, rb, errb := ParsePayloadBytes(p)
			if cb != c || string(rb) != reason || !errors.Is(errb, tt.want.Err) {
				t.Errorf("ParsePayloadBytes(%s) = %d, %q, %v; ParsePayload gave %d, %q, %v", tt.hex, cb, rb, errb, c, reason, err)
			}
			if err == nil {
				checkRoundTrip(t, p)
			}
		})
	}
}

// checkRoundTrip checks that an accepted body encodes back to itself.
func checkRoundTrip(t *testing.T, p []byte) {
	t.Helper()
	c, reason, err := ParsePayload(p)
	if err != nil {
		t.Fatalf("ParsePayload(%x) = %v, want it accepted", p, err)
	}
	again, err := AppendPayload(nil, c, reason)
	if err != nil || !bytes.Equal(again, p) {
		t.Fatalf("AppendPayload(ParsePayload(%x)) = %x, %v; want the same bytes back", p, again, err)
	}
}

func TestParsePayloadBytesAliases(t *testing.T) {
	p := []byte("\x03\xe8bye")
	_, reason, err := ParsePayloadBytes(p)
	if err != nil {
		t.Fatal(err)
	}
	if &reason[0] != &p[2] {
		t.Errorf("ParsePayloadBytes copied the reason; want it to alias p")
	}
}

func TestPayloadErrorMessages(t *testing.T) {
	_, _, short := ParsePayload([]byte{3})
	_, _, long := ParsePayload(make([]byte, 126))
	tests := []struct {
		err  error
		want string
	}{
		{short, "wsclose: close payload too short to hold a code: 1 byte"},
		{long, "wsclose: close payload longer than 125 bytes: 126 bytes"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestParsePayloadAgainstReference checks ParsePayload over random bodies
// against a verdict assembled from the slow references.
func TestParsePayloadAgainstReference(t *testing.T) {
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
		c, _, err := ParsePayload(p)
		var wantErr error
		switch {
		case len(p) == 0:
		case len(p) == 1:
			wantErr = ErrPayloadTooShort
		case len(p) > 125:
			wantErr = ErrPayloadTooLong
		case !slowValid(int(p[0])<<8 | int(p[1])):
			wantErr = ErrInvalidCode
		default:
			_, wantErr = slowValidateReason(string(p[2:]))
		}
		if !errors.Is(err, wantErr) || (wantErr == nil) != (err == nil) {
			t.Fatalf("ParsePayload(%x) = %d, %v; want %v", p, c, err, wantErr)
		}
		if len(p) >= 2 && c != Code(int(p[0])<<8|int(p[1])) {
			t.Fatalf("ParsePayload(%x) code = %d, want the body's first two bytes", p, c)
		}
		if err == nil {
			checkRoundTrip(t, p)
		}
	}
}
