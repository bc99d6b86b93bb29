package wsclose

// The public conformance vectors in testdata/vectors.json: Autobahn
// TestSuite section 7, the Web Platform Tests' close() cases and the WHATWG
// and Web IDL rules. testdata/whatwg_close_args.json holds the arguments of
// each close() call as a JavaScript engine evaluates them (see
// testdata/whatwg_close_args.mjs).

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wsclose/wsclose/internal/fixture"
)

func loadVectors(t *testing.T) *fixture.Vectors {
	t.Helper()
	v, err := fixture.LoadVectors("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestVectorsWHATWGCloseAPI(t *testing.T) {
	v := loadVectors(t)
	var args []struct {
		JS     string    `json:"js"`
		Code   *string   `json:"code"`
		Reason *[]uint16 `json:"reason"`
	}
	readJSON(t, "testdata/whatwg_close_args.json", &args)
	if len(args) != len(v.WHATWGCloseAPI) || len(args) != 48 {
		t.Fatalf("%d argument lists for %d vectors, want 48 of each", len(args), len(v.WHATWGCloseAPI))
	}
	for i, vec := range v.WHATWGCloseAPI {
		a := args[i]
		if a.JS != vec.JS {
			t.Fatalf("argument list %d is for %s, want %s", i, a.JS, vec.JS)
		}
		t.Run(vec.JS, func(t *testing.T) {
			var code float64 // the script's number, when a.Code != nil
			if a.Code != nil {
				f, err := strconv.ParseFloat(*a.Code, 64)
				if err != nil && !errors.Is(err, strconv.ErrRange) { // 1e999 is Infinity, as in JavaScript
					t.Fatal(err)
				}
				code = f
				if vec.IDLCode == nil || int(ClampCode(f)) != *vec.IDLCode {
					t.Errorf("ClampCode(%v) = %d, want idl_code %v", f, ClampCode(f), vec.IDLCode)
				}
			} else if vec.IDLCode != nil {
				t.Errorf("code missing, but idl_code is %d", *vec.IDLCode)
			}
			var reason []uint16
			if a.Reason != nil {
				reason = *a.Reason
				if vec.ReasonUTF8Len != nil && ReasonLenUTF16(reason) != *vec.ReasonUTF8Len {
					t.Errorf("ReasonLenUTF16 = %d, want reason_utf8_len %d", ReasonLenUTF16(reason), *vec.ReasonUTF8Len)
				}
			}
			body, err := AppendScriptClose(nil, code, a.Code != nil, reason)
			type outcome struct {
				Throws string
				Body   string
			}
			want := outcome{vec.Throws, vec.ClosePayloadHex}
			if diff := cmp.Diff(want, outcome{DOMExceptionName(err), hex.EncodeToString(body)}); diff != "" {
				t.Fatalf("mismatch (-want +got):\n%s", diff)
			}
			if vec.EchoPeerEvent != nil {
				c, r, err := ParsePayload(body)
				if err != nil || c != Code(vec.EchoPeerEvent.Code) || string(r) != vec.EchoPeerEvent.Reason {
					t.Errorf("ParsePayload(%x) = %d, %q, %v; the peer sees %d, %q", body, c, r, err, vec.EchoPeerEvent.Code, vec.EchoPeerEvent.Reason)
				}
			}
		})
	}
}

func TestVectorsCodeMatrix(t *testing.T) {
	v := loadVectors(t)
	if len(v.CodeMatrix) != 31 {
		t.Fatalf("%d codes in code_matrix, want 31", len(v.CodeMatrix))
	}
	for _, m := range v.CodeMatrix {
		c := Code(m.Code)
		type verdict struct{ Wire, Script, NeverSent bool }
		want := verdict{m.WireValidStrict, m.WHATWGCloseAllowed, !m.WireValidStrict}
		got := verdict{c.Valid(), ValidateScriptCode(m.Code) == nil, ValidateCode(m.Code) != nil}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("code %d mismatch (-want +got):\n%s", m.Code, diff)
		}
		if m.RFCMustNotSend && c.Valid() {
			t.Errorf("code %d: RFC 6455 says MUST NOT send, but Valid() is true", m.Code)
		}
	}
}

func TestVectorsPayloadParse(t *testing.T) {
	v := loadVectors(t)
	if len(v.PayloadParse) != 37 {
		t.Fatalf("%d cases in payload_parse, want 37", len(v.PayloadParse))
	}
	for _, pp := range v.PayloadParse {
		t.Run(pp.PayloadHex[:min(len(pp.PayloadHex), 24)], func(t *testing.T) {
			p := mustHex(t, pp.PayloadHex)
			c, reason, err := ParsePayload(p)
			if pp.Expected.OK {
				if err != nil || c != Code(pp.Expected.Code) || string(reason) != pp.Expected.Reason {
					t.Errorf("ParsePayload = %d, %q, %v; want %d, %q (%s)", c, reason, err, pp.Expected.Code, pp.Expected.Reason, pp.Source)
				}
				return
			}
			// The codes the case allows; this package fails invalid reason
			// bytes with 1007.
			allowed, ferr := pp.FailCodes()
			if ferr != nil {
				t.Fatal(ferr)
			}
			got := FailureCode(err)
			if slices.Contains(allowed, uint16(got)) {
				return
			}
			t.Errorf("ParsePayload = %v, FailureCode %d; want one of %v (%s)", err, got, allowed, pp.Source)
		})
	}
}

func TestVectorsAutobahnSection7(t *testing.T) {
	v := loadVectors(t)
	if len(v.AutobahnSection7) != 37 {
		t.Fatalf("%d Autobahn cases, want 37", len(v.AutobahnSection7))
	}
	checked := 0
	for _, ab := range v.AutobahnSection7 {
		if ab.ClosePayloadHex == nil {
			continue // 7.1.x: the order of frames around a close, not its body
		}
		checked++
		t.Run(ab.Case, func(t *testing.T) {
			p := mustHex(t, *ab.ClosePayloadHex)
			c, _, err := ParsePayload(p)
			fail := FailureCode(err)
			switch group := ab.Case[:strings.LastIndexByte(ab.Case, '.')]; group {
			case "7.3", "7.7":
				// Valid bodies are answered with a clean close, except the
				// 1-byte and 126-byte bodies of 7.3.2 and 7.3.6.
				if strings.HasPrefix(ab.Expect, "reply 1002") {
					if fail != StatusProtocolError {
						t.Errorf("FailureCode = %d, want 1002: %s", fail, ab.Expect)
					}
				} else if err != nil {
					t.Errorf("ParsePayload = %d, %v; want accepted: %s", c, err, ab.Expect)
				}
			case "7.5":
				if fail != StatusInvalidPayloadData {
					t.Errorf("FailureCode = %d, want 1007: %s", fail, ab.Expect)
				}
			case "7.9", "7.13":
				// 7.13 is informational; 1002 is one of the answers it accepts.
				if fail != StatusProtocolError {
					t.Errorf("FailureCode = %d, want 1002: %s", fail, ab.Expect)
				}
			default:
				t.Fatalf("unknown case group %s", group)
			}
		})
	}
	if checked != 31 {
		t.Errorf("checked %d Autobahn close bodies, want 31", checked)
	}
}
