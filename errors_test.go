package wsclose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
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
		{"ErrInvalidCode", ErrInvalidCode, mapping{StatusProtocolError, "InvalidAccessError"}},
		{"code error", ValidateCode(1005), mapping{StatusProtocolError, "InvalidAccessError"}},
		{"script code error", ValidateScriptCode(1001), mapping{StatusProtocolError, "InvalidAccessError"}},
		{"wrapped code error", fmt.Errorf("reading close frame: %w", ValidateCode(0)), mapping{StatusProtocolError, "InvalidAccessError"}},
		{"ErrReasonTooLong", ErrReasonTooLong, mapping{StatusProtocolError, "SyntaxError"}},
		{"ErrInvalidUTF8", ErrInvalidUTF8, mapping{StatusInvalidPayloadData, "SyntaxError"}},
		{"reason error", ValidateReason("\xff"), mapping{StatusInvalidPayloadData, "SyntaxError"}},
		{"ErrLoneSurrogate", ErrLoneSurrogate, mapping{StatusInvalidPayloadData, "SyntaxError"}},
		{"UTF-16 lone surrogate", ValidateReasonUTF16([]uint16{0xD800}), mapping{StatusInvalidPayloadData, "SyntaxError"}},
		{"ErrPayloadTooShort", short, mapping{StatusProtocolError, ""}},
		{"ErrPayloadTooLong", long, mapping{StatusProtocolError, ""}},
		{"Failure 1002", &Failure{Code: StatusProtocolError}, mapping{StatusProtocolError, ""}},
		{"Failure 1009 wrapped", fmt.Errorf("read: %w", &Failure{Code: StatusMessageTooBig}), mapping{StatusMessageTooBig, ""}},
		{"Failure 1005: may not be sent", &Failure{Code: StatusNoStatusReceived}, mapping{StatusInternalError, ""}},
		{"Failure wrapping a code error", &Failure{Code: StatusPolicyViolation, Err: ValidateCode(0)}, mapping{StatusPolicyViolation, "InvalidAccessError"}},
		{"joined: the first decides", errors.Join(ValidateReason("\xff"), ValidateCode(0)), mapping{StatusInvalidPayloadData, "InvalidAccessError"}},
		{"joined: the first decides, other order", errors.Join(ValidateCode(0), ValidateReason("\xff")), mapping{StatusProtocolError, "InvalidAccessError"}},
		{"ErrCloseSent", ErrCloseSent, mapping{0, ""}},
		{"DOMException", &DOMException{Name: "SyntaxError", Err: ValidateReason(strings.Repeat("a", 124))}, mapping{StatusProtocolError, "SyntaxError"}},
	}
	for _, tt := range tests {
		got := mapping{FailureCode(tt.err), DOMExceptionName(tt.err)}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestFailureReason: the reason AppendFailure sends, for an implementation
// to send under its own name.
func TestFailureReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"foreign", failingError{"hunter2"}, ""},
		{"sentinel", ErrInvalidUTF8, "close reason is not valid UTF-8"},
		{"ErrCloseSent", ErrCloseSent, "close frame already sent"},
		{"code error, wrapped", fmt.Errorf("websocket: %w", ValidateCode(1005)), "invalid close code 1005: reported only, never sent"},
		{"reason error", ValidateReason("ab\xff"), "close reason is not valid UTF-8 at offset 2"},
		{"payload error", &PayloadError{Err: ErrPayloadTooShort, Len: 1}, "close payload too short to hold a code: 1 byte"},
		{"Failure", &Failure{Code: StatusProtocolError, Reason: "reserved bit set"}, "reserved bit set"},
		{"Failure, bad reason", &Failure{Code: StatusProtocolError, Reason: "\xff"}, ""},
		{"Failure, no reason", &Failure{Code: StatusMessageTooBig, Err: failingError{"hunter2"}}, ""},
		{"typed nil Failure", (*Failure)(nil), ""},
	}
	for _, tt := range tests {
		got := FailureReason(tt.err)
		if got != tt.want {
			t.Errorf("%s: FailureReason(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
		checkFailure(t, tt.err)
	}
}

func TestSentinelTexts(t *testing.T) {
	for _, err := range sentinels {
		checkErrorText(t, err)
	}
}

// TestEveryErrorText checks the text of every error the package makes, over
// every code 0–65535 under both code rules (and ints beyond), every body
// length 0–200, and random reasons as Go strings and as UTF-16.
func TestEveryErrorText(t *testing.T) {
	codes := []int{math.MinInt, -1, 65536, 66536, math.MaxInt}
	for c := range 65536 {
		codes = append(codes, c)
	}
	n := 0
	check := func(err error) {
		if err != nil {
			checkErrorText(t, err)
			n++
		}
	}
	for _, c := range codes {
		check(ValidateCode(c))
		check(ValidateScriptCode(c))
		if c >= 0 && c <= 65535 {
			_, err := AppendPayload(nil, Code(c), "x")
			check(err)
			_, _, err = ParsePayload([]byte{byte(c >> 8), byte(c)})
			check(err)
			_, err = AppendScriptClose(nil, float64(c), true, nil)
			check(err)
		}
	}
	for length := range 201 {
		for _, fill := range []byte{'a', 0xff, 0xed} {
			p := append([]byte{0x03, 0xe8}, bytes.Repeat([]byte{fill}, length)...)[:length]
			_, _, err := ParsePayload(p)
			check(err)
			check(ValidateReason(string(p)))
			u := slices.Repeat([]uint16{uint16(fill) | 0xd800}, length)
			check(ValidateReasonUTF16(u))
			_, err = AppendScriptClose(nil, 1000, true, u)
			check(err)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomBytes(rng, 200)
		check(ValidateReason(s))
		_, err := AppendPayload(nil, StatusNormalClosure, s)
		check(err)
	}
	for _, err := range []error{
		&CodeError{Code: 1000}, &CodeError{Func: "ValidateScriptCode", Code: math.MinInt},
		&ReasonError{Err: io.EOF, Len: math.MaxInt, Offset: math.MinInt}, &ReasonError{Err: ErrReasonTooLong, Len: math.MaxInt}, &ReasonError{Err: ErrInvalidUTF8, Offset: math.MaxInt},
		&PayloadError{Err: io.EOF, Len: math.MinInt}, &PayloadError{Err: ErrPayloadTooLong, Len: math.MaxInt},
	} {
		check(err)
	}
	t.Logf("%d error texts checked", n)
}

func TestErrorTexts(t *testing.T) {
	tests := []struct {
		err  error
		want string
		is   error // the sentinel err matches
	}{
		{ValidateCode(0), "wsclose: invalid close code 0: not used (0-999)", ErrInvalidCode},
		{ValidateCode(1005), "wsclose: invalid close code 1005: reported only, never sent", ErrInvalidCode},
		{ValidateCode(1006), "wsclose: invalid close code 1006: reported only, never sent", ErrInvalidCode},
		{ValidateCode(1015), "wsclose: invalid close code 1015: reported only, never sent", ErrInvalidCode},
		{ValidateCode(1004), "wsclose: invalid close code 1004: reserved", ErrInvalidCode},
		{ValidateCode(999), "wsclose: invalid close code 999: not used (0-999)", ErrInvalidCode},
		{ValidateCode(2999), "wsclose: invalid close code 2999: unassigned (1016-2999)", ErrInvalidCode},
		{ValidateCode(5000), "wsclose: invalid close code 5000: out of range (5000 and above)", ErrInvalidCode},
		{ValidateCode(66536), "wsclose: invalid close code 66536: not a 16-bit code", ErrInvalidCode},
		{ValidateCode(-1), "wsclose: invalid close code -1: not a 16-bit code", ErrInvalidCode},
		{ValidateScriptCode(1001), "wsclose: invalid close code 1001: close() takes only 1000 or 3000-4999", ErrInvalidCode},
		{ValidateScriptCode(66536), "wsclose: invalid close code 66536: close() takes only 1000 or 3000-4999", ErrInvalidCode},
		{&CodeError{Code: 1000}, "wsclose: invalid close code 1000", ErrInvalidCode},
		{ValidateReason(strings.Repeat("a", 124)), "wsclose: close reason longer than 123 bytes: 124 bytes", ErrReasonTooLong},
		{scriptCloseErr(1000, true, slices.Repeat([]uint16{'é'}, 62)), "wsclose: close reason longer than 123 bytes: 124 bytes", ErrReasonTooLong},
		{scriptCloseErr(1001, true, nil), "wsclose: invalid close code 1001: close() takes only 1000 or 3000-4999", ErrInvalidCode},
		{scriptCloseErr(0, false, slices.Repeat([]uint16{0xD800}, 42)), "wsclose: close reason longer than 123 bytes: 126 bytes", ErrReasonTooLong},
		{ValidateReason("ab\xff"), "wsclose: close reason is not valid UTF-8 at offset 2", ErrInvalidUTF8},
		{ValidateReason("\xed\xa0\x80"), "wsclose: close reason contains a lone surrogate at offset 0", ErrLoneSurrogate},
		{ValidateReasonUTF16([]uint16{'a', 0xDC00}), "wsclose: close reason contains a lone surrogate at offset 1", ErrLoneSurrogate},
		{&ReasonError{Err: io.EOF, Len: 3, Offset: 2}, "wsclose: invalid close reason at offset 2", io.EOF},
		{&Failure{Code: StatusProtocolError, Reason: "secret", Err: failingError{"hunter2"}}, "wsclose: connection failed with 1002 (protocol error)", failingError{"hunter2"}},
		{&Failure{Code: 4999}, "wsclose: connection failed with 4999 (private use)", nil},
		{&Failure{Code: 5000}, "wsclose: connection failed with 1011 (internal error)", nil},
		{(*Failure)(nil), "wsclose: connection failed", nil},
		{ErrTransportClosed, "wsclose: transport closed", ErrTransportClosed},
		{&PayloadError{Err: ErrPayloadTooShort, Len: 1}, "wsclose: close payload too short to hold a code: 1 byte", ErrPayloadTooShort},
		{&PayloadError{Err: ErrPayloadTooLong, Len: 126}, "wsclose: close payload longer than 125 bytes: 126 bytes", ErrPayloadTooLong},
		{&PayloadError{Err: io.EOF, Len: 2}, "wsclose: invalid close payload: 2 bytes", io.EOF},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if tt.is != nil && !errors.Is(tt.err, tt.is) {
			t.Errorf("%q does not match %v", tt.err, tt.is)
		}
	}
}

// claimsUTF8 is an error from elsewhere that says, through its own Is
// method, that it is ErrInvalidUTF8.
type claimsUTF8 struct{ wrapped error }

func (e claimsUTF8) Error() string        { return "parser: " + fmt.Sprint(e.wrapped) }
func (e claimsUTF8) Is(target error) bool { return target == ErrInvalidUTF8 }
func (e claimsUTF8) Unwrap() error        { return e.wrapped }

// scriptCloseErr is the error of AppendScriptClose.
func scriptCloseErr(code float64, hasCode bool, reason []uint16) error {
	_, err := AppendScriptClose(nil, code, hasCode, reason)
	return err
}

// failingError is an error from elsewhere whose text must never reach the
// wire.
type failingError struct{ secret string }

func (e failingError) Error() string { return "db password " + e.secret }

func TestAppendFailure(t *testing.T) {
	_, _, short := ParsePayload([]byte{1})
	_, _, long := ParsePayload(make([]byte, 200))
	_, _, code := ParsePayload([]byte{0x03, 0xed})
	_, _, utf := ParsePayload([]byte("\x03\xe8a\xff"))
	_, _, surrogate := ParsePayload([]byte("\x03\xe8\xed\xa0\x80"))
	type body struct {
		Code   Code
		Reason string
	}
	tests := []struct {
		name string
		err  error
		want body
	}{
		{"ErrInvalidCode", ErrInvalidCode, body{StatusProtocolError, "invalid close code"}},
		{"ErrReasonTooLong", ErrReasonTooLong, body{StatusProtocolError, "close reason longer than 123 bytes"}},
		{"ErrInvalidUTF8", ErrInvalidUTF8, body{StatusInvalidPayloadData, "close reason is not valid UTF-8"}},
		{"ErrLoneSurrogate", ErrLoneSurrogate, body{StatusInvalidPayloadData, "close reason contains a lone surrogate"}},
		{"ErrPayloadTooShort", ErrPayloadTooShort, body{StatusProtocolError, "close payload too short to hold a code"}},
		{"ErrPayloadTooLong", ErrPayloadTooLong, body{StatusProtocolError, "close payload longer than 125 bytes"}},
		{"1-byte body", short, body{StatusProtocolError, "close payload too short to hold a code: 1 byte"}},
		{"200-byte body", long, body{StatusProtocolError, "close payload longer than 125 bytes: 200 bytes"}},
		{"1005 received", code, body{StatusProtocolError, "invalid close code 1005: reported only, never sent"}},
		{"bad UTF-8", utf, body{StatusInvalidPayloadData, "close reason is not valid UTF-8 at offset 1"}},
		{"encoded surrogate", surrogate, body{StatusInvalidPayloadData, "close reason contains a lone surrogate at offset 0"}},
		{"wrapped", fmt.Errorf("conn 7: reading close frame: %w", utf), body{StatusInvalidPayloadData, "close reason is not valid UTF-8 at offset 1"}},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", short)), body{StatusProtocolError, "close payload too short to hold a code: 1 byte"}},
		{"wrapped sentinel", fmt.Errorf("read: %w", ErrLoneSurrogate), body{StatusInvalidPayloadData, "close reason contains a lone surrogate"}},
		{"joined with a foreign error", errors.Join(failingError{"hunter2"}, code), body{StatusProtocolError, "invalid close code 1005: reported only, never sent"}},
		{"joined: code and reason speak of the first", errors.Join(ValidateCode(5000), ValidateReason("\xff")), body{StatusProtocolError, "invalid close code 5000: out of range (5000 and above)"}},
		{"foreign Is wrapping a code error", claimsUTF8{ValidateCode(1004)}, body{StatusProtocolError, "invalid close code 1004: reserved"}},
		{"foreign Is alone", claimsUTF8{}, body{StatusInvalidPayloadData, ""}},
		{"ErrCloseSent", ErrCloseSent, body{StatusInternalError, "close frame already sent"}},
		{"foreign", failingError{"hunter2"}, body{StatusInternalError, ""}},
		{"foreign wrapped", fmt.Errorf("x: %w", io.ErrUnexpectedEOF), body{StatusInternalError, ""}},
		{"nil", nil, body{StatusInternalError, ""}},
		{"typed nil *CodeError", (*CodeError)(nil), body{StatusProtocolError, ""}},
		{"typed nil *ReasonError", (*ReasonError)(nil), body{StatusInternalError, ""}},
		{"typed nil *PayloadError", fmt.Errorf("x: %w", (*PayloadError)(nil)), body{StatusInternalError, ""}},
		{"Failure: a frame fault", &Failure{Code: StatusProtocolError, Reason: "reserved bit set", Err: failingError{"hunter2"}}, body{StatusProtocolError, "reserved bit set"}},
		{"Failure: too big, wrapped", fmt.Errorf("conn 7: %w", &Failure{Code: StatusMessageTooBig, Err: io.ErrShortBuffer}), body{StatusMessageTooBig, ""}},
		{"Failure: policy, a CJK reason", &Failure{Code: StatusPolicyViolation, Reason: "禁止"}, body{StatusPolicyViolation, "禁止"}},
		{"Failure: reason not UTF-8, code alone", &Failure{Code: StatusInvalidPayloadData, Reason: "\xff"}, body{StatusInvalidPayloadData, ""}},
		{"Failure: reason too long, code alone", &Failure{Code: 4000, Reason: strings.Repeat("a", 124)}, body{4000, ""}},
		{"Failure: 1006 may not be sent", &Failure{Code: StatusAbnormalClosure, Reason: "gone"}, body{StatusInternalError, "gone"}},
		{"Failure: code 0", &Failure{Reason: "x"}, body{StatusInternalError, "x"}},
		{"Failure wrapping a wsclose error: the Failure first", &Failure{Code: StatusPolicyViolation, Err: ValidateCode(5000)}, body{StatusPolicyViolation, ""}},
		{"wsclose error joined before a Failure: it first", errors.Join(ValidateCode(5000), &Failure{Code: StatusPolicyViolation}), body{StatusProtocolError, "invalid close code 5000: out of range (5000 and above)"}},
		{"typed nil *Failure", (*Failure)(nil), body{StatusInternalError, ""}},
		{"a peer's error with an As method", fmt.Errorf("read: %w", peerFault{StatusProtocolError, "RSV1 set"}), body{StatusProtocolError, "RSV1 set"}},
		{"a peer's error with an As method, too big", peerFault{StatusMessageTooBig, ""}, body{StatusMessageTooBig, ""}},
		{"ErrTransportClosed", ErrTransportClosed, body{StatusInternalError, "transport closed"}},
		{"detail with a foreign Err", &ReasonError{Err: failingError{"hunter2"}, Len: 4, Offset: 0}, body{StatusInternalError, "invalid close reason at offset 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("hdr")
			out := AppendFailure(dst, tt.err)
			if string(out[:3]) != "hdr" {
				t.Fatalf("dst changed: %q", out)
			}
			c, reason, err := ParsePayload(out[3:])
			if err != nil {
				t.Fatalf("ParsePayload(AppendFailure(%v)) = %v, want it to parse", tt.err, err)
			}
			if diff := cmp.Diff(tt.want, body{c, string(reason)}); diff != "" {
				t.Errorf("AppendFailure(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
			if strings.Contains(string(reason), "hunter2") || strings.Contains(string(reason), "conn 7") {
				t.Errorf("AppendFailure(%v) put the caller's own text on the wire: %q", tt.err, reason)
			}
		})
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
	if err := ValidateCode(1005); !errors.As(err, &ce) || ce.Unwrap() != ErrInvalidCode || ce.Code != 1005 || ce.Func != "ValidateCode" {
		t.Errorf("ValidateCode error %#v is not a *CodeError for 1005", err)
	}
}
