package wsclose

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// codeFacts is everything the package says about one code.
type codeFacts struct {
	Valid      bool
	AppValid   bool
	Registered bool
	Class      Class
	Name       string
	String     string
}

func factsOf(c Code) codeFacts {
	return codeFacts{
		Valid:      c.Valid(),
		AppValid:   ValidateScriptCode(int(c)) == nil,
		Registered: c.Registered(),
		Class:      c.Class(),
		Name:       c.Name(),
		String:     c.String(),
	}
}

func slowFactsOf(code int) codeFacts {
	_, registered := ianaRegistry[code]
	return codeFacts{
		Valid:      slowValid(code),
		AppValid:   slowScriptValid(code),
		Registered: registered,
		Class:      slowClass(code),
		Name:       slowName(code),
		String:     slowString(code),
	}
}

func TestEveryCodeAgainstReference(t *testing.T) {
	for code := 0; code <= math.MaxUint16; code++ {
		c := Code(code)
		if diff := cmp.Diff(slowFactsOf(code), factsOf(c)); diff != "" {
			t.Fatalf("code %d mismatch (-want +got):\n%s", code, diff)
		}
		if got, want := ValidateCode(code) == nil, slowValid(code); got != want {
			t.Fatalf("ValidateCode(%d) == nil is %v, want %v", code, got, want)
		}
	}
}

func TestCodeString(t *testing.T) {
	tests := []struct {
		c    Code
		want string
	}{
		{StatusNormalClosure, "1000 (normal closure)"},
		{StatusGoingAway, "1001 (going away)"},
		{StatusProtocolError, "1002 (protocol error)"},
		{StatusUnsupportedData, "1003 (unsupported data)"},
		{1004, "1004 (reserved)"},
		{StatusNoStatusReceived, "1005 (no status received)"},
		{StatusAbnormalClosure, "1006 (abnormal closure)"},
		{StatusInvalidPayloadData, "1007 (invalid frame payload data)"},
		{StatusPolicyViolation, "1008 (policy violation)"},
		{StatusMessageTooBig, "1009 (message too big)"},
		{StatusMandatoryExtension, "1010 (mandatory extension)"},
		{StatusInternalError, "1011 (internal error)"},
		{StatusServiceRestart, "1012 (service restart)"},
		{StatusTryAgainLater, "1013 (try again later)"},
		{StatusBadGateway, "1014 (bad gateway)"},
		{StatusTLSHandshake, "1015 (TLS handshake)"},
		{1016, "1016 (unassigned)"},
		{2999, "2999 (unassigned)"},
		{StatusUnauthorized, "3000 (unauthorized)"},
		{3001, "3001 (library range)"},
		{StatusForbidden, "3003 (forbidden)"},
		{StatusTimeout, "3008 (timeout)"},
		{3999, "3999 (library range)"},
		{4000, "4000 (private use)"},
		{4999, "4999 (private use)"},
		{0, "0 (not used)"},
		{999, "999 (not used)"},
		{5000, "5000 (out of range)"},
		{65535, "65535 (out of range)"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Code(%d).String() = %q, want %q", uint16(tt.c), got, tt.want)
		}
	}
}

func TestClassString(t *testing.T) {
	got := map[Class]string{}
	for k := ClassNotUsed; k <= ClassOutOfRange+1; k++ {
		got[k] = k.String()
	}
	want := map[Class]string{
		ClassNotUsed:        "0–999 not used",
		ClassProtocol:       "1000–2999 protocol",
		ClassLibrary:        "3000–3999 library",
		ClassPrivate:        "4000–4999 private use",
		ClassOutOfRange:     "5000–65535 out of range",
		ClassOutOfRange + 1: "Class(5)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Class.String mismatch (-want +got):\n%s", diff)
	}
}

func TestValidateScriptCode(t *testing.T) {
	tests := []struct {
		code int
		ok   bool
	}{
		{1000, true}, {3000, true}, {3999, true}, {4000, true}, {4999, true},
		{0, false}, {999, false}, {1001, false}, {1005, false}, {2999, false},
		{5000, false}, {65535, false},
		{65536 + 1000, false}, // would be 1000 if wrapped to 16 bits
		{-1, false}, {math.MinInt, false}, {math.MaxInt, false},
	}
	for _, tt := range tests {
		err := ValidateScriptCode(tt.code)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateScriptCode(%d) = %v, want ok=%v", tt.code, err, tt.ok)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidCode) {
				t.Errorf("ValidateScriptCode(%d) = %v, does not match ErrInvalidCode", tt.code, err)
			}
			var ce *CodeError
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Func != "ValidateScriptCode" {
				t.Errorf("ValidateScriptCode(%d) = %#v, want a *CodeError for the script rule with Code %d", tt.code, err, tt.code)
			}
		}
	}
}

func TestClampCode(t *testing.T) {
	tests := []struct {
		in   float64
		want Code
	}{
		{math.NaN(), 0},
		{math.Inf(-1), 0},
		{-1, 0},
		{-0.4, 0},
		{-0.5, 0},
		{math.Copysign(0, -1), 0},
		{0, 0},
		{0.5, 0}, // tie to even
		{1.5, 2}, // tie to even
		{2.5, 2}, // tie to even
		{999.5, 1000},
		{1000, 1000},
		{1000.4, 1000},
		{1000.5, 1000},
		{1000.6, 1001},
		{2999.4, 2999},
		{2999.5, 3000},
		{3000.5, 3000},
		{4999.5, 5000},
		{65534.5, 65534},
		{65535, 65535},
		{65535.5, 65535},
		{65536 + 1000, 65535}, // clamped, not wrapped
		{0x100000000 + 1000, 65535},
		{math.MaxFloat64, 65535},
		{math.Inf(1), 65535},
		{math.SmallestNonzeroFloat64, 0},
		{math.Nextafter(0.5, 1), 1},
		{math.Nextafter(2999.5, 0), 2999},
	}
	for _, tt := range tests {
		if got := ClampCode(tt.in); got != tt.want {
			t.Errorf("ClampCode(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestClampCodeAgainstMath checks ClampCode against math.RoundToEven over
// every half step of the range and its neighbours.
func TestClampCodeAgainstMath(t *testing.T) {
	for i := -4; i <= 2*65536+4; i++ {
		for _, f := range []float64{float64(i) / 2, math.Nextafter(float64(i)/2, math.Inf(-1)), math.Nextafter(float64(i)/2, math.Inf(1))} {
			want := math.RoundToEven(math.Min(math.Max(f, 0), 65535))
			if got := ClampCode(f); float64(got) != want {
				t.Fatalf("ClampCode(%v) = %d, want %v", f, got, want)
			}
		}
	}
}
