package wsclose

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The fuzz targets, and the check helpers that state each property once for
// the targets, the table tests and the reference tests alike, as net/netip's
// fuzz_test.go does.
//
// This is also the one test file that OSS-Fuzz's build of a target
// (go-118-fuzz-build, see .ci/libfuzzer) compiles, with its testing shim in
// place of "testing"; the package's other _test.go files are left out. So
// everything a target calls is in this file or in slow_test.go, whose slow
// references import no testing code and are built as a plain file there.
// Here, use only what the shim's T has: Helper, Fatal, Fatalf, Error,
// Errorf, Log, Logf, Skip (no Run, Parallel or Context, no testing.TB or B).

// FuzzParsePayload checks received bodies with checkParsePayload: the
// verdict agrees with the slow reference, an accepted body encodes back to
// itself, and a refused one has a sendable error text, 1002 or 1007, and a
// failure body that parses.
func FuzzParsePayload(f *testing.F) {
	f.Add([]byte{})                                                   // no status: 1005
	f.Add([]byte{0x03})                                               // 1 byte: protocol error
	f.Add([]byte("\x03\xe8"))                                         // 1000, no reason
	f.Add([]byte("\x03\xe9going away"))                               // 1001 with a reason
	f.Add([]byte("\x03\xe8\xed\xa0\x80"))                             // encoded surrogate
	f.Add([]byte("\x03\xe8\xff\xff"))                                 // invalid UTF-8
	f.Add([]byte("\x03\xf6"))                                         // 1014, IANA-registered
	f.Add([]byte("\x13\x88"))                                         // 5000, out of range
	f.Add(append([]byte{3, 0xe8}, bytes.Repeat([]byte("*"), 124)...)) // 126 bytes
	f.Fuzz(func(t *testing.T, p []byte) {
		checkParsePayload(t, p)
	})
}

// FuzzAppendPayload checks encoding: it fails exactly when the references
// reject the code or the reason, leaves dst alone then, and otherwise
// produces a body of at most 125 bytes that parses back to the same code and
// reason; AppendPayloadBytes and AppendPayloadInt do the same.
func FuzzAppendPayload(f *testing.F) {
	f.Add(uint16(1000), "")                       // code only
	f.Add(uint16(1005), "")                       // no status: empty body
	f.Add(uint16(1005), "x")                      // 1005 is never sent
	f.Add(uint16(3000), "接続")                     // 3-byte characters
	f.Add(uint16(1000), strings.Repeat("a", 123)) // longest reason
	f.Add(uint16(1000), strings.Repeat("é", 62))  // 124 bytes
	f.Add(uint16(4999), "\xed\xa0\x80")           // encoded surrogate
	f.Add(uint16(5000), "bye")                    // out of range
	f.Fuzz(func(t *testing.T, code uint16, reason string) {
		dst := []byte("hdr")
		out, err := AppendPayload(dst, Code(code), reason)
		if !bytes.Equal(out[:3], []byte("hdr")) {
			t.Fatalf("dst changed: %q", out)
		}
		// The []byte and int forms append the same bytes and refuse alike.
		outBytes, errBytes := AppendPayloadBytes([]byte("hdr"), Code(code), []byte(reason))
		outInt, errInt := AppendPayloadInt([]byte("hdr"), int(code), reason)
		if !bytes.Equal(outBytes, out) || !bytes.Equal(outInt, out) || !sameSentinel(errBytes, err) || !sameSentinel(errInt, err) {
			t.Fatalf("AppendPayload(%d, %q) = %x, %v; AppendPayloadBytes %x, %v; AppendPayloadInt %x, %v", code, reason, out, err, outBytes, errBytes, outInt, errInt)
		}
		body := out[3:]
		if code == 1005 && reason == "" {
			if err != nil || len(body) != 0 {
				t.Fatalf("AppendPayload(1005, \"\") = %x, %v; want an empty body", body, err)
			}
			return
		}
		_, reasonErr := slowValidateReason(reason)
		wantOK := slowValid(int(code)) && reasonErr == nil
		if (err == nil) != wantOK {
			t.Fatalf("AppendPayload(%d, %q) = %v, want ok=%v", code, reason, err, wantOK)
		}
		if err != nil {
			if len(body) != 0 {
				t.Fatalf("AppendPayload(%d, %q) appended %x with an error", code, reason, body)
			}
			return
		}
		if len(body) > MaxPayloadLen {
			t.Fatalf("body of %d bytes", len(body))
		}
		c, r, err := ParsePayload(body)
		if err != nil || c != Code(code) || string(r) != reason {
			t.Fatalf("ParsePayload(AppendPayload(%d, %q)) = %d, %q, %v", code, reason, c, r, err)
		}
	})
}

// FuzzReasonUTF8 checks ValidateReason against RFC 3629's grammar and
// DecodeReason against the WHATWG decoder's steps. (Not FuzzReason:
// OSS-Fuzz finds a target by grepping for "func <name>", which would also
// match FuzzReasonUTF16.)
func FuzzReasonUTF8(f *testing.F) {
	f.Add("going away")             // ASCII
	f.Add("Tschüß")                 // 2-byte letters
	f.Add("\uFEFFbye")              // a BOM is kept
	f.Add("ab\xed\xa0\x80")         // encoded surrogate
	f.Add("\xf0\x9f\x98")           // truncated emoji
	f.Add("\xc0\x80")               // overlong NUL
	f.Add(strings.Repeat("a", 124)) // too long
	f.Fuzz(func(t *testing.T, s string) {
		checkValidateReason(t, s)
		checkDecodeReason(t, []byte(s))
	})
}

// FuzzReasonUTF16 checks the UTF-16 functions, fed code units from pairs of
// bytes, against the standard library's decoder, and that a reason that
// passes the strict check converts without loss.
func FuzzReasonUTF16(f *testing.F) {
	f.Add([]byte("b\x00y\x00e\x00"))            // "bye"
	f.Add([]byte("\x3d\xd8\x00\xde"))           // U+1F600 as a pair
	f.Add([]byte("\x07\xd8"))                   // lone high surrogate
	f.Add([]byte("\x00\xdc\x00\xd8"))           // reversed pair
	f.Add(bytes.Repeat([]byte("\x07\xd8"), 42)) // 126 bytes once converted
	f.Fuzz(func(t *testing.T, b []byte) {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		checkUTF16(t, u)
		s := ReasonFromUTF16(u)
		if !utf8.ValidString(s) || len(s) != ReasonLenUTF16(u) {
			t.Fatalf("ReasonFromUTF16(%x) = %q: invalid, or not ReasonLenUTF16 long", u, s)
		}
		if ValidateReasonUTF16(u) == nil {
			if err := ValidateReason(s); err != nil {
				t.Fatalf("ValidateReasonUTF16(%x) passed, ValidateReason(%q) = %v", u, s, err)
			}
			if back := utf16.Encode([]rune(s)); !slices.Equal(back, u) {
				t.Fatalf("strictly valid %x converted to %q, which encodes back as %x", u, s, back)
			}
		}
	})
}

// FuzzTruncateReason checks that the result is always sendable, is a prefix
// of the repaired input, keeps valid short input unchanged, never empties a
// reason, and agrees with the forward-walking reference.
func FuzzTruncateReason(f *testing.F) {
	f.Add("bye")                               // unchanged
	f.Add(strings.Repeat("a", 124))            // one byte over
	f.Add(strings.Repeat("日", 42))             // 126 bytes of CJK
	f.Add("a" + strings.Repeat("e\u0301", 41)) // combining marks at the edge
	f.Add("a" + strings.Repeat("\u0301", 62))  // no NFC boundary at all
	f.Add(strings.Repeat("\xff", 50))          // ill-formed, grows when repaired
	f.Fuzz(func(t *testing.T, s string) {
		checkTruncateReason(t, s)
	})
}

// FuzzFailure checks AppendFailure, FailureCode and FailureReason with
// checkFailure on error trees built from the input: a *Failure with the
// input's code and reason, wrapped, joined with the package's own errors and
// with errors from elsewhere, and inside other Failures, in the order the
// shape bytes give. The first error of the package or *Failure in the tree
// decides; no text of an error from elsewhere is ever sent.
func FuzzFailure(f *testing.F) {
	f.Add(uint16(1002), "reserved bit set", []byte{})          // a frame fault
	f.Add(uint16(1009), "", []byte{0})                         // too big, wrapped
	f.Add(uint16(1006), "gone", []byte{})                      // may not be sent: 1011
	f.Add(uint16(1008), "\xff", []byte{1})                     // bad reason, beside a foreign error
	f.Add(uint16(4000), strings.Repeat("a", 124), []byte{2})   // too long a reason, a wsclose error after
	f.Add(uint16(1002), "framing", []byte{3, 8})               // a wsclose error first
	f.Add(uint16(1007), "text not UTF-8", []byte{4, 0, 9, 19}) // nested Failures
	f.Add(uint16(1002), "framing", []byte{0x7d})               // a peer's error with an As method first
	f.Fuzz(func(t *testing.T, code uint16, reason string, shape []byte) {
		var err error = &Failure{Code: Code(code), Reason: reason, Err: errors.New("secret cause")}
		for _, b := range shape[:min(len(shape), 8)] {
			own := failErrors[int(b/6)%len(failErrors)]
			switch b % 6 {
			case 5:
				err = errors.Join(peerFault{Code(b) << 3, reason}, err)
			case 0:
				err = fmt.Errorf("reading frame: %w", err)
			case 1:
				err = errors.Join(errors.New("secret foreign"), err)
			case 2:
				err = errors.Join(err, own)
			case 3:
				err = errors.Join(own, err)
			default:
				err = &Failure{Code: Code(b) << 4, Reason: reason, Err: err}
			}
		}
		checkFailure(t, err)
		if body := AppendFailure(nil, err); bytes.Contains(body, []byte("secret")) && !strings.Contains(reason, "secret") {
			t.Fatalf("AppendFailure(%v) = %q: an error's own text on the wire", err, body)
		}
	})
}

// peerFault is an implementation's own error type, with its own text, that
// gives its status through an As method yielding a *Failure, as a library
// whose errors users compare with == would.
type peerFault struct {
	code Code
	text string
}

func (e peerFault) Error() string { return "peer: " + e.text }

func (e peerFault) As(target any) bool {
	if f, ok := target.(**Failure); ok {
		*f = &Failure{Code: e.code, Reason: e.text, Err: e}
		return true
	}
	return false
}

// FuzzClampCode checks the Web IDL [Clamp] conversion against its
// definition: clamp to [0, 65535], then round half to even.
func FuzzClampCode(f *testing.F) {
	f.Add(2999.5)         // tie, rounds up to even 3000
	f.Add(4999.5)         // tie, rounds up to even 5000
	f.Add(-0.4)           // rounds to 0, not -0
	f.Add(65536 + 1000.0) // clamped, not wrapped
	f.Add(math.NaN())     // 0
	f.Fuzz(func(t *testing.T, x float64) {
		want := 0.0
		if !math.IsNaN(x) {
			want = math.RoundToEven(math.Min(math.Max(x, 0), 65535))
		}
		if got := ClampCode(x); float64(got) != want {
			t.Fatalf("ClampCode(%v) = %d, want %v", x, got, want)
		}
	})
}

// FuzzHandshake runs call sequences decoded from the input on a Handshake
// and the slow reference with checkHandshake: the answers agree, no call
// panics, Send records one body at most, every body to send parses, a
// Failure's code and reason are honoured and no foreign text is sent, the
// accessors agree with the Event (Dropped, Err), and the Event is final once
// TCP is closed. The first byte picks the role; then each op byte picks a
// call (Close, Receive, Fail, TCP closed, Send, Fail with a *Failure,
// ScriptClose) and whether its body is sent, and the bytes after it its
// arguments.
func FuzzHandshake(f *testing.F) {
	f.Add([]byte{1, 0, 0x03, 0xe8, 3, 'b', 'y', 'e', 1, 2, 0x03, 0xe8, 3})         // client closes, peer echoes, TCP closes
	f.Add([]byte{2, 1, 2, 0x03, 0xe9, 3})                                          // server: peer closes first
	f.Add([]byte{2, 0, 0x0f, 0xa0, 0, 1, 2, 0x0f, 0xa1, 3})                        // both close at once
	f.Add([]byte{1, 0, 0x03, 0xe8, 0, 1, 1, 0x03, 3})                              // the peer's reply is 1 byte
	f.Add([]byte{1, 3})                                                            // TCP drops while open
	f.Add([]byte{2, 2, 1, 0, 0x03, 0xe8, 0, 3, 2, 0})                              // Fail, then Close, TCP, Fail
	f.Add([]byte{0, 1, 0, 1, 0, 1, 1, 0xff})                                       // a role that is neither
	f.Add([]byte{1, 0x81, 2, 0x03, 0xe8, 3})                                       // the reply is never sent: not clean
	f.Add([]byte{1, 0x81, 2, 0x03, 0xe9, 4, 6, 0x0f, 0xa0, 'm', 'i', 'n', 'e', 3}) // the application's own reply
	f.Add([]byte{2, 5, 0x03, 0xea, 4, 'b', 'i', 't', 's', 3})                      // Failure 1002, a frame fault
	f.Add([]byte{2, 0x45, 0x03, 0xee, 1, 0xff, 3})                                 // wrapped Failure, 1006 and bad reason: 1011 alone
	f.Add([]byte{1, 14, 0x0b, 0xb8, 2, 'h', 'i', 1, 2, 0x0b, 0xb8, 3})             // close(3000, "hi") from a script
	f.Add([]byte{1, 6, 0, 0, 3, 0xed, 0xa0, 0x80, 3})                              // close(undefined, lone surrogate as WTF-8)
	f.Add([]byte{1, 0x1e, 0x0b, 0xb7, 0, 3})                                       // close(2999.25): InvalidAccessError
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		role := Role(in[0] % 3) // 0 is neither Client nor Server
		var ops []hsOp
		// take returns the next n bytes of in, fewer at its end.
		take := func(n int) []byte {
			n = min(n, len(in))
			b := in[:n]
			in = in[n:]
			return b
		}
		// takeN takes a length byte, then that many bytes.
		takeN := func() []byte {
			n := 0
			if b := take(1); len(b) == 1 {
				n = int(b[0])
			}
			return take(n)
		}
		take(1)
		for len(in) > 0 && len(ops) < 16 {
			// The op byte's low 3 bits pick the call, its high bits the
			// variant: whether the body returned is sent, which error.
			op := take(1)[0]
			send := op&0x80 == 0
			switch op % 8 {
			case 0:
				var code Code
				if b := take(2); len(b) == 2 {
					code = Code(b[0])<<8 | Code(b[1])
				}
				ops = append(ops, hsOp{kind: "close", code: code, reason: string(takeN()), send: send})
			case 1:
				ops = append(ops, hsOp{kind: "receive", body: bytes.Clone(takeN()), send: send})
			case 2:
				ops = append(ops, hsOp{kind: "fail", err: failErrors[int(op/8)%len(failErrors)], send: send})
			case 3:
				ops = append(ops, tcpClosed)
			case 4:
				ops = append(ops, hsOp{kind: "send", body: bytes.Clone(takeN())})
			case 5:
				var code Code
				if b := take(2); len(b) == 2 {
					code = Code(b[0])<<8 | Code(b[1])
				}
				// A Failure with a code from the input, a reason from the
				// input, and a cause whose text must never be sent.
				f := &Failure{Code: code, Reason: string(takeN()), Err: errors.New("secret cause")}
				var err error = f
				if op&0x40 != 0 {
					err = fmt.Errorf("reading frame: %w", f)
				}
				ops = append(ops, hsOp{kind: "fail", err: err, send: send})
			default: // 6, 7: close() from a script; op bit 3 says whether a code is given
				var code float64
				if b := take(2); len(b) == 2 {
					code = float64(int(b[0])<<8|int(b[1])) + float64(op>>4&3)/4 // ties and fractions too
				}
				ops = append(ops, hsOp{kind: "script", fcode: code, hasCode: op&8 != 0, reason: string(takeN()), send: send})
			}
		}
		checkHandshake(t, role, ops)
	})
}

// Error texts, and what a receiver does with an error.

// sentinels are the package's exported sentinel errors.
var sentinels = []error{ErrInvalidCode, ErrReasonTooLong, ErrInvalidUTF8, ErrLoneSurrogate, ErrPayloadTooShort, ErrPayloadTooLong, ErrCloseSent, ErrTransportClosed}

// checkErrorText checks that err's text may be sent as a close reason, as
// implementations send it: printable ASCII, at most MaxReasonLen bytes,
// beginning "wsclose: ".
func checkErrorText(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, "wsclose: ") || len(msg) > MaxReasonLen {
		t.Fatalf("error text %q (%d bytes): want at most %d bytes beginning %q", msg, len(msg), MaxReasonLen, "wsclose: ")
	}
	for i := range len(msg) {
		if msg[i] < 0x20 || msg[i] > 0x7e {
			t.Fatalf("error text %q has byte %#x at %d: want printable ASCII", msg, msg[i], i)
		}
	}
}

// checkFailure checks what a receiver does with err, any error: AppendFailure
// gives a body that parses, equals slowFailure's (a *Failure honoured, the
// first error of the package or *Failure in the tree decides, no foreign
// text), and whose code and reason are FailureCode's (1011 for 0) and
// FailureReason's. For an error of this package itself its text is sendable
// (checkErrorText), the code is 1002 or 1007 and the reason is its text
// without "wsclose: ".
func checkFailure(t *testing.T, err error) {
	t.Helper()
	body := AppendFailure(nil, err)
	c, reason, perr := ParsePayload(body)
	if perr != nil {
		t.Fatalf("ParsePayload(AppendFailure(%v)) = %v: a failure body must parse", err, perr)
	}
	if want := slowFailure(err); !bytes.Equal(body, want) {
		t.Fatalf("AppendFailure(%v) = %x, want %x (the reference)", err, body, want)
	}
	fc := FailureCode(err)
	if fc == 0 {
		fc = StatusInternalError
	}
	if c != fc || string(reason) != FailureReason(err) {
		t.Fatalf("AppendFailure(%v) = %d, %q; want FailureCode %d and FailureReason %q", err, c, reason, fc, FailureReason(err))
	}
	if !slowOwn(err) {
		return
	}
	checkErrorText(t, err)
	if c != StatusProtocolError && c != StatusInvalidPayloadData && !errors.Is(err, ErrCloseSent) && !errors.Is(err, ErrTransportClosed) {
		t.Fatalf("FailureCode(%v) = %d, want 1002 or 1007", err, c)
	}
	if "wsclose: "+string(reason) != err.Error() {
		t.Fatalf("AppendFailure(%v) reason %q, want the error's text without \"wsclose: \"", err, reason)
	}
}

// Received bodies.

// checkParsePayload checks every property of ParsePayload for one received
// body: the code, reason and error agree with slowParsePayload; a refused
// body's error is sendable and fails the connection with 1002 or 1007
// (checkFailure); an accepted body encodes back to the same bytes. The table
// test, the reference test and FuzzParsePayload all call it.
func checkParsePayload(t *testing.T, p []byte) {
	t.Helper()
	c, reason, err := ParsePayload(p)
	type verdict struct {
		Code   Code
		Reason string
		Err    error
	}
	wantCode, wantReason, wantErr := slowParsePayload(p)
	want := verdict{Code(wantCode), wantReason, wantErr}
	got := verdict{c, string(reason), err}
	// cmp.Diff only to report: the fuzz targets run this millions of times.
	if got.Code != want.Code || got.Reason != want.Reason || !sameSentinel(want.Err, got.Err) {
		t.Fatalf("ParsePayload(%x) mismatch (-want +got):\n%s", p, cmp.Diff(want, got, cmpopts.EquateErrors()))
	}
	checkSplitPayload(t, p, c)
	if err != nil {
		checkFailure(t, err)
		return
	}
	again, err := AppendPayload(nil, c, string(reason))
	if err != nil || !bytes.Equal(again, p) {
		t.Fatalf("AppendPayload(ParsePayload(%x)) = %x, %v; want the same bytes back", p, again, err)
	}
	again, err = AppendPayloadBytes(nil, c, reason)
	if err != nil || !bytes.Equal(again, p) {
		t.Fatalf("AppendPayloadBytes(ParsePayload(%x)) = %x, %v; want the same bytes back", p, again, err)
	}
}

// checkSplitPayload checks the lenient split of any body p against its
// definition, and against ParsePayload's code c: an empty body is 1005, a
// 1-byte body is not ok, any other gives its first two bytes and the rest,
// aliasing p, whatever ParsePayload says of them.
func checkSplitPayload(t *testing.T, p []byte, c Code) {
	t.Helper()
	sc, sr, ok := SplitPayload(p)
	switch {
	case len(p) == 0:
		ok = ok && sc == StatusNoStatusReceived && sr == nil
	case len(p) == 1:
		ok = !ok && sc == 0 && sr == nil
	default:
		ok = ok && sc == c && int(sc) == int(p[0])<<8|int(p[1]) && len(sr) == len(p)-2 && (len(sr) == 0 || &sr[0] == &p[2])
	}
	if !ok {
		t.Fatalf("SplitPayload(%x) = %d, %x, %v", p, sc, sr, ok)
	}
}

// Reasons.

// reasonResult is what ValidateReason said: the sentinel and the detail.
type reasonResult struct {
	Err    error
	Len    int
	Offset int
}

func reasonResultOf(err error) reasonResult {
	if err == nil {
		return reasonResult{Offset: -1}
	}
	var re *ReasonError
	if !errors.As(err, &re) {
		return reasonResult{Err: err}
	}
	return reasonResult{Err: re.Err, Len: re.Len, Offset: re.Offset}
}

// checkValidateReason checks ValidateReason for one reason against RFC
// 3629's grammar (slowValidateReason): the sentinel, the offset of the first
// ill-formed sequence and the length; and that the error's text is a
// sendable reason. The table test, the reference test and FuzzReasonUTF8 all
// call it.
func checkValidateReason(t *testing.T, s string) {
	t.Helper()
	err := ValidateReason(s)
	got := reasonResultOf(err)
	off, wantErr := slowValidateReason(s)
	want := reasonResult{Err: wantErr, Offset: off}
	if wantErr != nil {
		want.Len = len(s)
	}
	if got != want { // cmp.Diff only to report: this runs hundreds of thousands of times
		t.Fatalf("ValidateReason(%q) mismatch (-want +got):\n%s", s, cmp.Diff(want, got, cmpopts.EquateErrors()))
	}
	if gotBytes := reasonResultOf(ValidateReasonBytes([]byte(s))); gotBytes != want {
		t.Fatalf("ValidateReasonBytes(%q) mismatch (-want +got):\n%s", s, cmp.Diff(want, gotBytes, cmpopts.EquateErrors()))
	}
	if err != nil {
		checkErrorText(t, err)
		var re *ReasonError
		if !errors.As(err, &re) || re.Func != "ValidateReason" {
			t.Fatalf("ValidateReason(%q) = %#v, want a *ReasonError with Func ValidateReason", s, err)
		}
	}
}

// checkDecodeReason checks DecodeReason for received reason bytes p: it
// agrees with the WHATWG decoder's steps (slowDecodeReason), gives valid
// UTF-8, and gives valid input back unchanged.
func checkDecodeReason(t *testing.T, p []byte) {
	t.Helper()
	got := DecodeReason(p)
	if want := slowDecodeReason(p); got != want {
		t.Fatalf("DecodeReason(%x) = %q, want %q", p, got, want)
	}
	if !utf8.ValidString(got) {
		t.Fatalf("DecodeReason(%x) = %q is not valid UTF-8", p, got)
	}
	if utf8.Valid(p) && got != string(p) {
		t.Fatalf("DecodeReason changed valid %q to %q", p, got)
	}
}

// checkTruncateReason checks TruncateReason for one reason: the result is
// sendable, a prefix of the repaired input, the input itself when that was
// sendable, never empty for a non-empty input, and what the forward-walking
// reference (slowTruncate) cuts.
func checkTruncateReason(t *testing.T, s string) {
	t.Helper()
	got := TruncateReason(s)
	if err := ValidateReason(got); err != nil {
		t.Fatalf("TruncateReason(%q) = %q, which fails ValidateReason: %v", s, got, err)
	}
	if !strings.HasPrefix(DecodeReason([]byte(s)), got) {
		t.Fatalf("TruncateReason(%q) = %q is not a prefix of the repaired input", s, got)
	}
	if ValidateReason(s) == nil && got != s {
		t.Fatalf("TruncateReason changed sendable %q to %q", s, got)
	}
	if s != "" && got == "" {
		t.Fatalf("TruncateReason(%q) is empty", s)
	}
	if want := slowTruncate(s); got != want {
		t.Fatalf("TruncateReason(%q) = %q, want %q", s, got, want)
	}
	checkCutReason(t, s)
}

// checkCutReason checks CutReason and CutReasonBytes for one reason, valid
// or not: the result is a prefix of s (the same memory), at most 123 bytes,
// s itself when s is that short, never empty for a non-empty s, what
// TruncateReason gives when s is valid UTF-8 (the cut is the same, nothing
// to repair), and the []byte form gives the same cut.
func checkCutReason(t *testing.T, s string) {
	t.Helper()
	got := CutReason(s)
	switch {
	case !strings.HasPrefix(s, got) || len(got) > MaxReasonLen:
		t.Fatalf("CutReason(%q) = %q: not a prefix of at most 123 bytes", s, got)
	case len(s) <= MaxReasonLen && got != s:
		t.Fatalf("CutReason changed short %q to %q", s, got)
	case s != "" && got == "":
		t.Fatalf("CutReason(%q) is empty", s)
	case utf8.ValidString(s) && got != TruncateReason(s):
		t.Fatalf("CutReason(%q) = %q, TruncateReason gives %q", s, got, TruncateReason(s))
	}
	b := []byte(s)
	if gotBytes := CutReasonBytes(b); string(gotBytes) != got || (len(gotBytes) > 0 && &gotBytes[0] != &b[0]) {
		t.Fatalf("CutReasonBytes(%q) = %q, want %q, a prefix of its input", s, gotBytes, got)
	}
}

func checkUTF16(t *testing.T, u []uint16) {
	t.Helper()
	want := slowFromUTF16(u)
	if got := ReasonFromUTF16(u); got != want {
		t.Fatalf("ReasonFromUTF16(%x) = %q, want %q", u, got, want)
	}
	if got := ReasonLenUTF16(u); got != len(want) {
		t.Fatalf("ReasonLenUTF16(%x) = %d, want %d", u, got, len(want))
	}
	var wantErr reasonResult
	switch lone := slowLoneSurrogate(u); {
	case len(want) > MaxReasonLen:
		wantErr = reasonResult{ErrReasonTooLong, len(want), slowCutUTF16(u)}
	case lone >= 0:
		wantErr = reasonResult{ErrLoneSurrogate, len(want), lone}
	default:
		wantErr = reasonResult{Offset: -1}
	}
	if got := reasonResultOf(ValidateReasonUTF16(u)); got != wantErr {
		t.Fatalf("ValidateReasonUTF16(%x) mismatch (-want +got):\n%s", u, cmp.Diff(wantErr, got, cmpopts.EquateErrors()))
	}
	for _, code := range []float64{1000, 4999.5, 1001} {
		checkScriptClose(t, code, true, u)
	}
	checkScriptClose(t, 0, false, u)
}

// checkScriptClose checks that a Handshake's ScriptCloseUTF16 and, with the
// reason as a Go string, ScriptClose do what AppendScriptClose does with
// the same arguments: the same body, or its error wrapped in the
// *DOMException that close() throws, with DOMExceptionName's name; and that
// on a closing connection they return nothing, or the same exception.
func checkScriptClose(t *testing.T, code float64, hasCode bool, u []uint16) {
	t.Helper()
	want, wantErr := AppendScriptClose([]byte{}, code, hasCode, u)
	s := ReasonFromUTF16(u)
	for _, form := range []string{"ScriptCloseUTF16", "ScriptClose"} {
		for _, closing := range []bool{false, true} {
			h := NewHandshake(Client)
			if closing {
				h.Receive(nil)
			}
			var got []byte
			var err error
			if form == "ScriptClose" {
				got, err = h.ScriptClose(code, hasCode, s)
			} else {
				got, err = h.ScriptCloseUTF16(code, hasCode, u)
			}
			var dom *DOMException
			switch {
			case wantErr != nil:
				if !errors.As(err, &dom) || dom.Name != DOMExceptionName(wantErr) || !sameSentinel(dom.Err, wantErr) || got != nil {
					t.Fatalf("%s(%v, %v, %x), closing %v = %x, %v; want the DOMException for %v", form, code, hasCode, u, closing, got, err, wantErr)
				}
				checkErrorText(t, err)
			case closing:
				if got != nil || err != nil {
					t.Fatalf("%s(%v, %v, %x) on a closing connection = %x, %v; want nothing", form, code, hasCode, u, got, err)
				}
			case err != nil || got == nil || !bytes.Equal(got, want):
				t.Fatalf("%s(%v, %v, %x) = %x, %v; want %x", form, code, hasCode, u, got, err, want)
			}
		}
	}
}

// The closing handshake: the calls, their answers, and the run against the
// slow reference.

// hsOp is one call on a Handshake: what the caller's frame reader, its
// application or its socket tells it.
type hsOp struct {
	kind    string  // "close", "script", "receive", "fail", "send" or "tcp closed"
	code    Code    // close
	reason  string  // close, script
	fcode   float64 // script
	hasCode bool    // script
	body    []byte  // receive, send
	err     error   // fail
	send    bool    // close, script, receive, fail: then Send the body returned, if any
}

func (op hsOp) String() string {
	then := ""
	if op.send {
		then = ", then Send"
	}
	switch op.kind {
	case "close":
		return fmt.Sprintf("Close(%d, %q)%s", op.code, op.reason, then)
	case "script":
		return fmt.Sprintf("ScriptClose(%v, %v, %q)%s", op.fcode, op.hasCode, op.reason, then)
	case "receive":
		return fmt.Sprintf("Receive(%x)%s", op.body, then)
	case "fail":
		return fmt.Sprintf("Fail(%v)%s", op.err, then)
	case "send":
		return fmt.Sprintf("Send(%x)", op.body)
	}
	return "TransportClosed()"
}

// closeOp, failOp and receiveOp send the body the call returns, as a
// library's single write point does.
func closeOp(code Code, reason string) hsOp {
	return hsOp{kind: "close", code: code, reason: reason, send: true}
}

func failOp(err error) hsOp { return hsOp{kind: "fail", err: err, send: true} }

func scriptOp(code float64, hasCode bool, reason string) hsOp {
	return hsOp{kind: "script", fcode: code, hasCode: hasCode, reason: reason, send: true}
}

var tcpClosed = hsOp{kind: "tcp closed"}

// hsAnswer is what one call returned.
type hsAnswer struct {
	HasBody bool   // a body is returned to send
	Body    string // hex of the body when HasBody
	Err     error
	Sent    bool  // Send recorded the body (op.send, or a "send" op)
	SendErr error // what Send returned
}

// handshaker is a Handshake or the slow reference.
type handshaker interface {
	Send([]byte) error
	Close(Code, string) ([]byte, error)
	ScriptClose(float64, bool, string) ([]byte, error)
	Receive([]byte) ([]byte, error)
	Fail(error) []byte
	TransportClosed()
	CloseTransport() bool
	State() State
	Event() Event
}

func apply(h handshaker, op hsOp) hsAnswer {
	var body []byte
	var err error
	switch op.kind {
	case "close":
		body, err = h.Close(op.code, op.reason)
	case "script":
		body, err = h.ScriptClose(op.fcode, op.hasCode, op.reason)
	case "receive":
		body, err = h.Receive(op.body)
	case "fail":
		body = h.Fail(op.err)
	case "send":
		serr := h.Send(op.body)
		return hsAnswer{Sent: serr == nil, SendErr: serr}
	default:
		h.TransportClosed()
	}
	if body == nil {
		return hsAnswer{Err: err}
	}
	a := hsAnswer{HasBody: true, Body: hex.EncodeToString(body), Err: err}
	if op.send {
		a.SendErr = h.Send(body)
		a.Sent = a.SendErr == nil
	}
	return a
}

// hsSnapshot is what a Handshake answers when asked between calls.
type hsSnapshot struct {
	State          State
	CloseTransport bool
	Event          Event
}

func snapshot(h handshaker) hsSnapshot {
	return hsSnapshot{h.State(), h.CloseTransport(), h.Event()}
}

// sameSnapshot compares snapshots, the Event's Err by sameSentinel.
func sameSnapshot(a, b hsSnapshot) bool {
	ea, eb := a.Event, b.Event
	ea.Err, eb.Err = nil, nil
	return a.State == b.State && a.CloseTransport == b.CloseTransport && ea == eb &&
		sameSentinel(a.Event.Err, b.Event.Err)
}

// sameSentinel reports whether a and b match the same sentinels, so that a
// *ReasonError equals the ErrInvalidUTF8 of the reference.
func sameSentinel(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	for _, s := range sentinels {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	var da, db *DOMException
	if errors.As(a, &da) != errors.As(b, &db) || (da != nil && da.Name != db.Name) {
		return false
	}
	return true
}

var equateSentinels = cmp.Comparer(sameSentinel)

// checkHandshake runs ops on a Handshake of the given role and on the slow
// reference, and checks after every call that they answer alike, and the
// invariants of the closing handshake: Send records one body at most, every
// body handed out to send passes ParsePayload, a failure's body carries no
// foreign text (checkFailure), every error text is fit to send, the
// Handshake's own accessors agree with its Event, and once TCP is closed
// the Event does not change. The table tests, the model test and
// FuzzHandshake all call it.
func checkHandshake(t *testing.T, role Role, ops []hsOp) {
	t.Helper()
	h, ref := NewHandshake(role), &slowHandshake{role: role}
	if h.Role() != role {
		t.Fatalf("NewHandshake(%v).Role() = %v", role, h.Role())
	}
	sends := 0
	var final *Event
	for i, op := range ops {
		got, want := apply(h, op), apply(ref, op)
		if op.kind == "receive" && want.HasBody && want.Err != nil {
			// The reference's errors are bare sentinels; the reply must be
			// its failure body for the error Receive returned.
			want.Body = hex.EncodeToString(slowFailure(got.Err))
		}
		// cmp.Diff only to report: the fuzz target runs this millions of times.
		if want.HasBody != got.HasBody || want.Body != got.Body || want.Sent != got.Sent ||
			!sameSentinel(want.Err, got.Err) || !sameSentinel(want.SendErr, got.SendErr) {
			t.Fatalf("%v, step %d %v: mismatch (-reference +Handshake):\n%s", role, i, op, cmp.Diff(want, got, equateSentinels))
		}
		gotSnap, wantSnap := snapshot(h), snapshot(ref)
		if !sameSnapshot(gotSnap, wantSnap) {
			t.Fatalf("%v, after step %d %v: mismatch (-reference +Handshake):\n%s", role, i, op, cmp.Diff(wantSnap, gotSnap, equateSentinels))
		}
		if got.HasBody {
			body, _ := hex.DecodeString(got.Body)
			if _, _, err := ParsePayload(body); err != nil {
				t.Fatalf("%v, step %d %v: body %s to send does not parse: %v", role, i, op, got.Body, err)
			}
		}
		if op.kind == "fail" && got.HasBody {
			checkFailure(t, op.err)
		}
		if got.Sent {
			sends++
		}
		if sends > 1 {
			t.Fatalf("%v, step %d %v: Send recorded a second Close", role, i, op)
		}
		for _, err := range []error{got.Err, got.SendErr} {
			if err != nil && op.kind != "fail" {
				checkErrorText(t, err)
			}
		}
		ev := gotSnap.Event
		checkAccessors(t, h, gotSnap, sends == 1)
		if final != nil && !sameSnapshot(hsSnapshot{Event: ev}, hsSnapshot{Event: *final}) {
			t.Fatalf("%v, step %d %v: Event changed after TCP closed: %+v, was %+v", role, i, op, ev, *final)
		}
		if gotSnap.State == StateClosed && final == nil {
			final = &ev
		}
	}
	// Reset makes it a new connection again, whatever it went through.
	h.Reset(role)
	if fresh := NewHandshake(role); !sameSnapshot(snapshot(h), snapshot(fresh)) || h.Sent() || h.Received() || h.Failed() || h.Role() != role {
		t.Fatalf("%v: after Reset %+v, want %+v as NewHandshake gives", role, snapshot(h), snapshot(fresh))
	}
}

// checkAccessors checks that Sent, Received and Failed agree with the
// snapshot: sent is whether Send recorded a body.
func checkAccessors(t *testing.T, h *Handshake, snap hsSnapshot, sent bool) {
	t.Helper()
	ev := snap.Event
	closed := snap.State == StateClosed
	ok := h.Sent() == sent &&
		(!h.Failed() || (ev.Failed && ev.Code == StatusAbnormalClosure)) &&
		(!closed || h.Failed() == ev.Failed) &&
		(!h.Received() || h.Failed() || (ev.Code != StatusAbnormalClosure && ev.WasClean == sent)) &&
		(!ev.Dropped || (ev.Failed && ev.Err == nil && !h.Received())) &&
		(!ev.WasClean || (!ev.Failed && sent && h.Received())) &&
		(snap.State == StateOpen) == (!sent && !h.Received() && !h.Failed() && !closed)
	if !ok {
		t.Fatalf("%v: accessors Sent %v, Received %v, Failed %v disagree with %+v", h.Role(), h.Sent(), h.Received(), h.Failed(), snap)
	}
	code, reason, received := h.ReceivedClose()
	if received != h.Received() || (received && !h.Failed() && (code != ev.Code || string(reason) != ev.Reason)) ||
		(received && (!code.Valid() && code != StatusNoStatusReceived || ValidateReasonBytes(reason) != nil)) {
		t.Fatalf("%v: ReceivedClose() = %d, %q, %v; Received %v, Event %+v", h.Role(), code, reason, received, h.Received(), ev)
	}
}

// Errors for Fail: the package's own, wrapped, and from elsewhere.
var (
	_, _, errShort   = ParsePayload([]byte{3})
	_, _, errBadUTF8 = ParsePayload([]byte("\x03\xe8\xff"))
	failErrors       = []error{
		errShort,
		fmt.Errorf("reading frame: %w", errBadUTF8),
		ErrInvalidCode,
		io.ErrUnexpectedEOF,
		errors.New("message too big for this server"),
		nil,
	}
)
