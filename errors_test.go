package wsclose

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorMappings(t *testing.T) {
	_, _, short := ParsePayload([]byte{1})
	_, _, long := ParsePayload(make([]byte, 200))
	type mapping struct {
		Failure Code
		DOM     string
	}
	tests := []struct {
		name string
		err  error
		want mapping
	}{
		{"nil", nil, mapping{0, ""}},
		{"foreign", io.EOF, mapping{0, ""}},
		{"ErrInvalidCode", ErrInvalidCode, mapping{ProtocolError, "InvalidAccessError"}},
		{"code error", ValidateCode(1005), mapping{ProtocolError, "InvalidAccessError"}},
		{"script code error", ValidateAppCode(1001), mapping{ProtocolError, "InvalidAccessError"}},
		{"wrapped code error", fmt.Errorf("reading close frame: %w", ValidateCode(0)), mapping{ProtocolError, "InvalidAccessError"}},
		{"ErrReasonTooLong", ErrReasonTooLong, mapping{ProtocolError, "SyntaxError"}},
		{"ErrInvalidUTF8", ErrInvalidUTF8, mapping{InvalidPayloadData, "SyntaxError"}},
		{"reason error", ValidateReason("\xff"), mapping{InvalidPayloadData, "SyntaxError"}},
		{"ErrLoneSurrogate", ErrLoneSurrogate, mapping{InvalidPayloadData, "SyntaxError"}},
		{"UTF-16 lone surrogate", ValidateReasonUTF16([]uint16{0xD800}), mapping{InvalidPayloadData, "SyntaxError"}},
		{"ErrPayloadTooShort", short, mapping{ProtocolError, ""}},
		{"ErrPayloadTooLong", long, mapping{ProtocolError, ""}},
	}
	for _, tt := range tests {
		got := mapping{FailureCode(tt.err), DOMExceptionName(tt.err)}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestSentinelsArePrefixed(t *testing.T) {
	for _, err := range []error{ErrInvalidCode, ErrReasonTooLong, ErrInvalidUTF8, ErrLoneSurrogate, ErrPayloadTooShort, ErrPayloadTooLong} {
		if msg := err.Error(); len(msg) < 9 || msg[:9] != "wsclose: " {
			t.Errorf("%q does not start with %q", msg, "wsclose: ")
		}
	}
}

func TestDetailUnwrapsToSentinel(t *testing.T) {
	var re *ReasonError
	if err := ValidateReason("\xff"); !errors.As(err, &re) || re.Unwrap() != ErrInvalidUTF8 {
		t.Errorf("ValidateReason error %#v does not unwrap to ErrInvalidUTF8", err)
	}
	var pe *PayloadError
	if _, _, err := ParsePayload([]byte{1}); !errors.As(err, &pe) || pe.Unwrap() != ErrPayloadTooShort || pe.Len != 1 {
		t.Errorf("ParsePayload error %#v is not a *PayloadError of 1 byte", err)
	}
	var ce *CodeError
	if err := ValidateCode(1005); !errors.As(err, &ce) || ce.Unwrap() != ErrInvalidCode || ce.Code != 1005 || ce.Script {
		t.Errorf("ValidateCode error %#v is not a *CodeError for 1005", err)
	}
}
