package wsclose

// Slow, obviously correct references for the fast code, written straight
// from the standards' text and sharing no code with the package. The tests
// compare the two over every close code and the fuzz targets over random
// input.

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ianaRegistry is the IANA WebSocket Close Code Number Registry's entries
// of their own, with the names String gives them.
var ianaRegistry = map[int]string{
	1000: "normal closure",
	1001: "going away",
	1002: "protocol error",
	1003: "unsupported data",
	1004: "reserved",
	1005: "no status received",
	1006: "abnormal closure",
	1007: "invalid frame payload data",
	1008: "policy violation",
	1009: "message too big",
	1010: "mandatory extension",
	1011: "internal error",
	1012: "service restart",
	1013: "try again later",
	1014: "bad gateway",
	1015: "TLS handshake",
	3000: "unauthorized",
	3003: "forbidden",
	3008: "timeout",
}

// slowValid lists the codes an endpoint may put in a Close frame.
func slowValid(code int) bool {
	for _, r := range [][2]int{{1000, 1003}, {1007, 1014}, {3000, 4999}} {
		if r[0] <= code && code <= r[1] {
			return true
		}
	}
	return false
}

// slowScriptValid is the WHATWG close() code rule.
func slowScriptValid(code int) bool {
	return code == 1000 || (3000 <= code && code <= 4999)
}

// slowClass is RFC 6455 §7.4.2's ranges.
func slowClass(code int) Class {
	bounds := []int{999, 2999, 3999, 4999}
	for k, hi := range bounds {
		if code <= hi {
			return Class(k)
		}
	}
	return ClassOutOfRange
}

// slowName is the IANA name, or the name of the range.
func slowName(code int) string {
	if name, ok := ianaRegistry[code]; ok {
		return name
	}
	return [...]string{"not used", "unassigned", "library range", "private use", "out of range"}[slowClass(code)]
}

func slowString(code int) string {
	return strconv.Itoa(code) + " (" + slowName(code) + ")"
}

// utf8Tail reports whether b is %x80-BF (RFC 3629 §4, UTF8-tail).
func utf8Tail(b byte) bool { return 0x80 <= b && b <= 0xBF }

// slowCharLen matches one UTF8-char of RFC 3629 §4's ABNF at the start of s
// and returns its length, or 0 where none matches:
//
//	UTF8-1 = %x00-7F
//	UTF8-2 = %xC2-DF UTF8-tail
//	UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//	         %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
//	UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//	         %xF4 %x80-8F 2( UTF8-tail )
func slowCharLen(s string) int {
	in := func(i int, lo, hi byte) bool { return i < len(s) && lo <= s[i] && s[i] <= hi }
	tails := func(from, n int) bool {
		for i := from; i < from+n; i++ {
			if i >= len(s) || !utf8Tail(s[i]) {
				return false
			}
		}
		return true
	}
	switch {
	case in(0, 0x00, 0x7F):
		return 1
	case in(0, 0xC2, 0xDF) && tails(1, 1):
		return 2
	case in(0, 0xE0, 0xE0) && in(1, 0xA0, 0xBF) && tails(2, 1),
		in(0, 0xE1, 0xEC) && tails(1, 2),
		in(0, 0xED, 0xED) && in(1, 0x80, 0x9F) && tails(2, 1),
		in(0, 0xEE, 0xEF) && tails(1, 2):
		return 3
	case in(0, 0xF0, 0xF0) && in(1, 0x90, 0xBF) && tails(2, 2),
		in(0, 0xF1, 0xF3) && tails(1, 3),
		in(0, 0xF4, 0xF4) && in(1, 0x80, 0x8F) && tails(2, 2):
		return 4
	}
	return 0
}

// slowValidateReason is ValidateReason from RFC 3629's grammar: the offset
// of the first byte that starts no UTF8-char, and the error.
func slowValidateReason(s string) (offset int, err error) {
	if len(s) > 123 {
		return 123, ErrReasonTooLong // the first byte past the limit
	}
	for i := 0; i < len(s); {
		n := slowCharLen(s[i:])
		if n == 0 {
			if len(s)-i >= 3 && s[i] == 0xED && 0xA0 <= s[i+1] && s[i+1] <= 0xBF && utf8Tail(s[i+2]) {
				return i, ErrLoneSurrogate
			}
			return i, ErrInvalidUTF8
		}
		i += n
	}
	return -1, nil
}

// slowParsePayload is ParsePayload from RFC 6455's text, one rule after the
// other in the order the documentation gives: an empty body has no status
// (§7.1.5), the code takes two bytes (§5.5.1), a control frame holds at most
// 125 (§5.5), the code must be one an endpoint may send (§7.4), and the
// reason must be UTF-8 (§5.5.1, §8.1). The code is returned whenever the
// body has two bytes; the reason only without error.
func slowParsePayload(p []byte) (code int, reason string, err error) {
	switch {
	case len(p) == 0:
		return 1005, "", nil
	case len(p) == 1:
		return 0, "", ErrPayloadTooShort
	}
	code = int(p[0])<<8 | int(p[1])
	switch {
	case len(p) > 125:
		return code, "", ErrPayloadTooLong
	case !slowValid(code):
		return code, "", ErrInvalidCode
	}
	if _, err := slowValidateReason(string(p[2:])); err != nil {
		return code, "", err
	}
	return code, string(p[2:]), nil
}

// slowFromUTF16 is the USVString conversion by the standard library's
// UTF-16 decoder, which replaces unpaired surrogates with U+FFFD.
func slowFromUTF16(u []uint16) string {
	return string(utf16.Decode(u))
}

// slowCutUTF16 returns the index of the first code unit of u (the high half
// of a pair) whose UTF-8, after the USVString conversion, ends past byte
// 123, or len(u).
func slowCutUTF16(u []uint16) int {
	paired := make([]bool, len(u))
	for i := 0; i+1 < len(u); i++ {
		if 0xD800 <= u[i] && u[i] <= 0xDBFF && 0xDC00 <= u[i+1] && u[i+1] <= 0xDFFF && !paired[i] {
			paired[i], paired[i+1] = true, true
		}
	}
	for i := range u {
		if i > 0 && paired[i] && paired[i-1] && u[i] >= 0xDC00 {
			continue // the low half of a pair
		}
		end := i + 1
		if paired[i] {
			end = i + 2
		}
		if len(slowFromUTF16(u[:end])) > 123 {
			return i
		}
	}
	return len(u)
}

// slowLoneSurrogate returns the index of the first surrogate code unit that
// is not half of a high-then-low pair, or -1.
func slowLoneSurrogate(u []uint16) int {
	paired := make([]bool, len(u))
	for i := 0; i+1 < len(u); i++ {
		if 0xD800 <= u[i] && u[i] <= 0xDBFF && 0xDC00 <= u[i+1] && u[i+1] <= 0xDFFF && !paired[i] {
			paired[i], paired[i+1] = true, true
		}
	}
	for i, c := range u {
		if 0xD800 <= c && c <= 0xDFFF && !paired[i] {
			return i
		}
	}
	return -1
}

// slowDecodeReason is the WHATWG Encoding Standard's UTF-8 decoder (§9.1.1),
// step by step, with replacement error mode; no BOM is stripped.
func slowDecodeReason(p []byte) string {
	var out []rune
	var codePoint rune
	bytesSeen, bytesNeeded := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i <= len(p); i++ {
		if i == len(p) { // end-of-queue
			if bytesNeeded != 0 {
				out = append(out, 0xFFFD)
			}
			break
		}
		b := p[i]
		if bytesNeeded == 0 {
			switch {
			case b <= 0x7F:
				out = append(out, rune(b))
			case 0xC2 <= b && b <= 0xDF:
				bytesNeeded, codePoint = 1, rune(b&0x1F)
			case 0xE0 <= b && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				}
				if b == 0xED {
					upper = 0x9F
				}
				bytesNeeded, codePoint = 2, rune(b&0xF)
			case 0xF0 <= b && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				}
				if b == 0xF4 {
					upper = 0x8F
				}
				bytesNeeded, codePoint = 3, rune(b&0x7)
			default:
				out = append(out, 0xFFFD)
			}
			continue
		}
		if b < lower || b > upper {
			codePoint, bytesNeeded, bytesSeen = 0, 0, 0
			lower, upper = 0x80, 0xBF
			out = append(out, 0xFFFD)
			i-- // restore the byte to the stream
			continue
		}
		lower, upper = 0x80, 0xBF
		codePoint = codePoint<<6 | rune(b&0x3F)
		bytesSeen++
		if bytesSeen != bytesNeeded {
			continue
		}
		out = append(out, codePoint)
		codePoint, bytesNeeded, bytesSeen = 0, 0, 0
	}
	return string(out)
}

// slowTruncate walks forward rune by rune and keeps the last cut of at most
// 123 bytes before a rune that starts an NFC segment, else the last cut
// between runes.
func slowTruncate(s string) string {
	s = slowDecodeReason([]byte(s))
	if len(s) <= 123 {
		return s
	}
	boundary, runeCut := 0, 0
	for i, r := range s {
		if i > 123 {
			break
		}
		if i == 0 {
			continue
		}
		runeCut = i
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		if norm.NFC.Properties(buf[:n]).BoundaryBefore() {
			boundary = i
		}
	}
	if boundary > 0 {
		return s[:boundary]
	}
	return s[:runeCut]
}

// slowHandshake is Handshake written as RFC 6455 §7.1 tells it: a log of
// what happened on the connection, and every answer found by reading the
// log. It shares no code with Handshake.
type slowHandshake struct {
	role Role
	log  []slowFact
}

// slowFact is one thing that happened: "sent" (Send recorded a Close
// body), "received" (a valid Close arrived, with its code and reason),
// "failed" (with its cause), "dropped" (TCP closed with no Close received
// and no failure) or "tcp closed".
type slowFact struct {
	what   string
	code   int
	reason string
	err    error
}

func (s *slowHandshake) happened(what string) bool {
	for _, f := range s.log {
		if f.what == what {
			return true
		}
	}
	return false
}

func (s *slowHandshake) note(what string) { s.log = append(s.log, slowFact{what: what}) }

// slowBody is the Close body for code and reason (RFC 6455 §5.5.1), or the
// error; 1005 with no reason is the empty body.
func slowBody(code int, reason string) ([]byte, error) {
	if code == 1005 && reason == "" {
		return []byte{}, nil
	}
	if !slowValid(code) {
		return nil, ErrInvalidCode
	}
	if _, err := slowValidateReason(reason); err != nil {
		return nil, err
	}
	return append([]byte{byte(code >> 8), byte(code)}, reason...), nil
}

// slowTree lists the errors of err's tree in the order errors.Is visits
// them: err, then depth first through Unwrap.
func slowTree(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch e := err.(type) {
	case *Failure:
		if e == nil {
			return out // a typed nil describes nothing, and errors.As skips nothing for it
		}
	case *CodeError:
		if e == nil {
			return out
		}
	case *ReasonError:
		if e == nil {
			return out
		}
	case *PayloadError:
		if e == nil {
			return out
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, slowTree(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, slowTree(e)...)
		}
	}
	return out
}

// slowFailure is the Close body that fails the connection after err,
// decided by the first error in err's tree that is a *Failure or the
// package's own (its type or a sentinel): a *Failure's code (1011 if it may
// not be sent) and its reason if valid; 1007 for a reason that is not UTF-8
// and 1002 for the package's other errors (RFC 6455 §7.1.7, §7.4.1), with
// the error's text less "wsclose: "; 1011 with no reason for anyone else's.
func slowFailure(err error) []byte {
	for _, e := range slowTree(err) {
		f, ok := e.(*Failure)
		if a, isAs := e.(interface{ As(any) bool }); isAs && !ok {
			ok = a.As(&f) // errors.As asks an error's As method before unwrapping it
		}
		if ok && f != nil {
			code := int(f.Code)
			if !slowValid(code) {
				code = 1011
			}
			body := []byte{byte(code >> 8), byte(code)}
			if _, err := slowValidateReason(f.Reason); err == nil {
				body = append(body, f.Reason...)
			}
			return body
		}
		if slowOwn(e) {
			return append(slowFailureCode(e), strings.TrimPrefix(e.Error(), "wsclose: ")...)
		}
	}
	return slowFailureCode(err)
}

// slowOwn reports whether e is one of the package's errors itself.
func slowOwn(e error) bool {
	switch e := e.(type) {
	case *CodeError:
		return e != nil
	case *ReasonError:
		return e != nil
	case *PayloadError:
		return e != nil
	}
	for _, s := range sentinels {
		if e == s {
			return true
		}
	}
	return false
}

// slowFailureCode is the 2-byte code of the failure for err, by the
// sentinels it matches.
func slowFailureCode(err error) []byte {
	code := 1011
	switch {
	case errors.Is(err, ErrInvalidUTF8), errors.Is(err, ErrLoneSurrogate):
		code = 1007
	case errors.Is(err, ErrInvalidCode), errors.Is(err, ErrPayloadTooShort),
		errors.Is(err, ErrPayloadTooLong), errors.Is(err, ErrReasonTooLong):
		code = 1002
	}
	return []byte{byte(code >> 8), byte(code)}
}

// closing is the WHATWG readyState CLOSING or CLOSED.
func (s *slowHandshake) closing() bool { return len(s.log) > 0 }

func (s *slowHandshake) Send(body []byte) error {
	if s.happened("sent") {
		return ErrCloseSent
	}
	if s.happened("tcp closed") {
		return ErrTransportClosed
	}
	if _, _, err := slowParsePayload(body); err != nil {
		return err
	}
	s.note("sent")
	return nil
}

func (s *slowHandshake) Close(code Code, reason string) ([]byte, error) {
	switch {
	case s.happened("sent"):
		return nil, ErrCloseSent
	case s.happened("tcp closed"):
		return nil, ErrTransportClosed
	case s.happened("failed"):
		return nil, ErrCloseSent
	}
	return slowBody(int(code), reason)
}

// ScriptClose is the WHATWG close() method, steps 1 to 6.
func (s *slowHandshake) ScriptClose(code float64, hasCode bool, reason string) ([]byte, error) {
	c := 1005
	if hasCode {
		c = int(slowClamp(code))
		if !slowScriptValid(c) {
			return nil, &DOMException{Name: "InvalidAccessError", Err: ErrInvalidCode}
		}
	}
	if len(reason) > 123 { // a surrogate in 3 bytes becomes U+FFFD, 3 bytes
		return nil, &DOMException{Name: "SyntaxError", Err: ErrReasonTooLong}
	}
	var usv []rune
	for i := 0; i < len(reason); {
		r, size := utf8.DecodeRuneInString(reason[i:])
		switch {
		case r != utf8.RuneError || size == 3:
			usv = append(usv, r)
		case len(reason)-i >= 3 && reason[i] == 0xED && reason[i+1] >= 0xA0 && utf8Tail(reason[i+1]) && utf8Tail(reason[i+2]):
			usv, size = append(usv, utf8.RuneError), 3
		default:
			return nil, ErrInvalidUTF8
		}
		i += size
	}
	if s.closing() {
		return nil, nil
	}
	switch {
	case c == 1005 && reason == "":
		return []byte{}, nil
	case c == 1005:
		c = 1000
	}
	return append([]byte{byte(c >> 8), byte(c)}, string(usv)...), nil
}

func (s *slowHandshake) Receive(body []byte) ([]byte, error) {
	if s.happened("received") || s.happened("failed") {
		return nil, nil // §7.1.5: the first Close counts; §7.1.7: nothing after a failure
	}
	code, reason, err := slowParsePayload(body)
	if err != nil {
		s.log = append(s.log, slowFact{what: "failed", err: err})
		if s.happened("sent") {
			return nil, err
		}
		return slowFailure(err), err
	}
	s.log = append(s.log, slowFact{what: "received", code: code, reason: reason})
	if s.happened("sent") {
		return nil, nil
	}
	return append([]byte{}, body[:min(len(body), 2)]...), nil // §5.5.1: echo the status code
}

func (s *slowHandshake) Fail(err error) []byte {
	if s.happened("tcp closed") {
		return nil
	}
	s.log = append(s.log, slowFact{what: "failed", err: err})
	if s.happened("sent") {
		return nil
	}
	return slowFailure(err)
}

func (s *slowHandshake) TransportClosed() {
	if s.happened("tcp closed") {
		return
	}
	if !s.happened("received") && !s.happened("failed") {
		s.note("failed") // §7.1.5: closed with no Close received is 1006
		s.note("dropped")
	}
	s.note("tcp closed")
}

func (s *slowHandshake) CloseTransport() bool {
	if s.happened("tcp closed") {
		return false
	}
	bothWays := s.happened("sent") && s.happened("received")
	return s.happened("failed") || (s.role == Server && bothWays)
}

func (s *slowHandshake) State() State {
	switch {
	case s.happened("tcp closed"):
		return StateClosed
	case len(s.log) > 0:
		return StateClosing
	}
	return StateOpen
}

func (s *slowHandshake) Event() Event {
	for _, f := range s.log {
		if f.what == "failed" {
			return Event{Code: 1006, Failed: true, Dropped: s.happened("dropped"), Err: f.err}
		}
	}
	for _, f := range s.log {
		if f.what == "received" {
			return Event{Code: Code(f.code), Reason: f.reason, WasClean: s.happened("sent")}
		}
	}
	return Event{Code: 1006, Failed: true, Dropped: true}
}

// slowClamp is Web IDL's [Clamp] unsigned short conversion as its steps say
// it: NaN is 0; clamp to 0–65535; round to the nearest integer, choosing the
// even one of two equally near.
func slowClamp(f float64) Code {
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	if f >= 65535 {
		return 65535
	}
	floor := math.Floor(f)
	n := int(floor)
	switch d := f - floor; {
	case d > 0.5, d == 0.5 && n%2 == 1:
		n++
	}
	return Code(n)
}
