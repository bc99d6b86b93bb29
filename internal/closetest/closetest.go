// Package closetest holds what the tests of wsclose and of its interop
// module share: reasons at the 123-byte edge, the benchmark input classes
// and the floor they are timed against, the timing helpers, and the loader
// of the conformance vectors in testdata/vectors.json. It is internal to the
// module and for tests only; it does not import wsclose, so that wsclose's
// own tests can import it.
package closetest

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Reasons of exactly 123 bytes of UTF-8, the longest a Close frame holds.
const (
	// German123 ends with ß, a 2-byte character, at the edge.
	German123 = "Wartungen: Der Server wird gestartet, bitte versuchen Sie es später erneut. Grüße aus Köln, Bonn und München. Tschüß"
	// Japanese123 is 41 characters of 3 bytes.
	Japanese123 = "サーバーは保守作業のため一時的に停止しています。しばらくしてから再度接続してくださ"
)

// InputClass is one kind of Close body the benchmarks measure.
type InputClass struct {
	Name   string
	Code   uint16
	Reason string
}

// InputClasses are the classes every benchmark runs: a short ASCII reason,
// 123 bytes of ASCII and 123 bytes of CJK.
var InputClasses = []InputClass{
	{"ShortASCII", 1001, "going away"},
	{"ASCII123", 1000, strings.Repeat("x", 123)},
	{"CJK123", 3000, Japanese123},
}

// Body is the class's Close frame body: the code in two bytes, then the
// reason.
func (c InputClass) Body() []byte {
	return append(binary.BigEndian.AppendUint16(nil, c.Code), c.Reason...)
}

// FloorParse is the least a receiver must do to accept a body: a 16-bit
// load, a range check and utf8.Valid on the same bytes.
func FloorParse(p []byte) bool {
	c := binary.BigEndian.Uint16(p)
	return c >= 1000 && c <= 4999 && utf8.Valid(p[2:])
}

// FloorAppend is the least a sender must do to append a body to dst: the
// same checks as FloorParse and the copy. It returns dst unchanged when the
// checks fail.
func FloorAppend(dst []byte, code uint16, reason string) []byte {
	if code < 1000 || code > 4999 || !utf8.ValidString(reason) {
		return dst
	}
	return append(binary.BigEndian.AppendUint16(dst, code), reason...)
}

// NsPerOp runs the benchmark f once with testing.Benchmark and returns its
// time per operation in nanoseconds.
func NsPerOp(f func(*testing.B)) float64 {
	r := testing.Benchmark(f)
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

// Median returns the middle value of xs (the upper one of an even count),
// leaving xs as it is.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Vectors is testdata/vectors.json; its README in the project's shared
// conformance folder explains the fields.
type Vectors struct {
	WHATWGCloseAPI []struct {
		JS              string `json:"js"`
		IDLCode         *int   `json:"idl_code"`
		ReasonUTF8Len   *int   `json:"reason_utf8_len"`
		Throws          string `json:"throws"`
		ClosePayloadHex string `json:"close_payload_hex"`
		EchoPeerEvent   *struct {
			Code   uint16 `json:"code"`
			Reason string `json:"reason"`
		} `json:"echo_peer_event"`
	} `json:"whatwg_close_api"`
	CodeMatrix []struct {
		Code               int  `json:"code"`
		RFCMustNotSend     bool `json:"rfc_must_not_send"`
		WHATWGCloseAllowed bool `json:"whatwg_close_allowed"`
		WireValidStrict    bool `json:"wire_valid_strict"`
	} `json:"code_matrix"`
	PayloadParse     []PayloadCase `json:"payload_parse"`
	AutobahnSection7 []struct {
		Case            string  `json:"case"`
		ClosePayloadHex *string `json:"close_payload_hex"`
		Expect          string  `json:"expect"`
	} `json:"autobahn_section7"`
}

// PayloadCase is one received Close body and what a receiver must do.
type PayloadCase struct {
	PayloadHex string `json:"payload_hex"`
	Expected   struct {
		OK       bool            `json:"ok"`
		Code     uint16          `json:"code"`
		Reason   string          `json:"reason"`
		FailCode json.RawMessage `json:"fail_code"`
	} `json:"expected"`
	Source string `json:"source"`
}

// FailCodes returns the status codes with which the case allows the
// connection to be failed: fail_code is one code, or a list where the case
// allows several. It is empty for a body to accept.
func (c PayloadCase) FailCodes() ([]uint16, error) {
	if len(c.Expected.FailCode) == 0 || string(c.Expected.FailCode) == "null" {
		return nil, nil
	}
	var list []uint16
	if json.Unmarshal(c.Expected.FailCode, &list) == nil {
		return list, nil
	}
	var one uint16
	if err := json.Unmarshal(c.Expected.FailCode, &one); err != nil {
		return nil, fmt.Errorf("fail_code of %s: %w", c.PayloadHex, err)
	}
	return []uint16{one}, nil
}

// LoadVectors reads and decodes the vectors file at path.
func LoadVectors(path string) (*Vectors, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v := new(Vectors)
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
