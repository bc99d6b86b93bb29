package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

var cmdCheck = &command{
	name:    "check",
	fields:  []string{"call", "code", "reason", "reason_bytes", "exception", "hex"},
	maxArgs: 2,
	run:     runCheck,
}

// checkResult is check's output.
type checkResult struct {
	Call        string  `json:"call"`
	Code        *int    `json:"code"`
	Reason      *string `json:"reason"`
	ReasonBytes int     `json:"reason_bytes"`
	Exception   *string `json:"exception"`
	Hex         *string `json:"hex"`

	codeNote   string // how close() came to the code
	reasonNote string // how close() changed the reason
	why        string // why close() throws

	status
}

func runCheck(inv *invocation) (result, error) {
	args := inv.args
	var (
		code    float64
		hasCode bool
		units   []uint16
		literal = "undefined"
	)
	if len(args) > 0 && args[0] != "undefined" {
		f, ok := parseNumber(args[0])
		if !ok {
			return nil, unreadable("CODE must be a JavaScript number, such as 1000, 2999.5, 0x3e8 or -1e999, or undefined; not %s", excerpt(args[0]))
		}
		code, hasCode, literal = f, true, args[0]
	}
	res := &checkResult{}
	if len(args) == 2 {
		var err error
		if units, err = parseReason(args[1]); err != nil {
			return nil, err
		}
		sent := wsclose.ReasonFromUTF16(units)
		res.ReasonBytes = len(sent)
		if len(sent) <= wsclose.MaxReasonLen {
			res.Reason = &sent
		}
		if !slices.Equal(utf16.Encode(utf16.Decode(units)), units) { // a lone surrogate became U+FFFD
			res.reasonNote = "; each lone surrogate became U+FFFD, as Web IDL's USVString conversion does"
		}
	}
	// The call as a script would write it: the code as typed, and the
	// reason as a JavaScript string literal, cut after 40 code units.
	switch res.Call = "close()"; {
	case len(args) == 2:
		res.Call = "close(" + literal + ", " + jsQuote(units) + ")"
	case hasCode:
		res.Call = "close(" + literal + ")"
	}

	switch c := wsclose.ClampCode(code); {
	case hasCode:
		res.Code = ptr(int(c))
		if math.IsNaN(code) {
			res.codeNote = ", from NaN: Web IDL [Clamp] converts NaN to 0"
		} else if code != float64(c) {
			res.codeNote = fmt.Sprintf(", from %s: Web IDL [Clamp] clamps to 0–65535 and rounds half to even", literal)
		}
	case len(units) > 0:
		res.Code = ptr(1000)
		res.codeNote = ": close() with a reason and no code sends 1000 (WHATWG close(), whatwg/websockets PR #48)"
	}

	body, err := wsclose.AppendScriptClose(nil, code, hasCode, units)
	if err == nil {
		res.Hex = ptr(hex.EncodeToString(body))
		return res, nil
	}
	res.Exception = ptr(wsclose.DOMExceptionName(err))
	res.why = fmt.Sprintf("the reason is %s of UTF-8; close() takes at most 123 (WHATWG WebSockets Standard, close() step 2)", byteCount(res.ReasonBytes))
	if errors.Is(err, wsclose.ErrInvalidCode) { // or else ErrReasonTooLong: AppendScriptClose returns no other error
		res.why = fmt.Sprintf("close() takes only 1000 or 3000–4999, not %d (WHATWG WebSockets Standard, close() step 1)", *res.Code)
	}
	return res, &failure{exit: exitRule, offset: -1, msg: fmt.Sprintf("%s throws %s: %s", res.Call, *res.Exception, res.why),
		brief: fmt.Sprintf("%s throws %s", res.Call, *res.Exception)}
}

func (r *checkResult) rows() [][]string {
	fields := [][]string{{"ok", r.Call + " sends a Close frame"}}
	if r.Exception != nil {
		fields = [][]string{{"throws", r.Call + " throws " + *r.Exception}}
	}
	switch {
	case r.Code != nil:
		fields = append(fields, []string{"code", wsclose.Code(*r.Code).String() + r.codeNote})
	default:
		fields = append(fields, []string{"code", "none: the body is empty, and the peer reports 1005 (no status received)"})
	}
	if r.Reason != nil {
		fields = append(fields, []string{"reason", quote(*r.Reason) + " (" + byteCount(r.ReasonBytes) + r.reasonNote + ")"})
	} else if r.ReasonBytes > 0 {
		fields = append(fields, []string{"reason", byteCount(r.ReasonBytes) + r.reasonNote})
	}
	if r.Hex != nil {
		fields = append(fields, []string{"hex", *r.Hex})
	} else {
		fields = append(fields, []string{"why", r.why})
	}
	return fields
}

// jsQuote writes a JavaScript string literal for units: printable text as
// it is, quotes and backslashes escaped, anything else (lone surrogates
// included) as \uXXXX. After 40 code units it stops with "...".
func jsQuote(units []uint16) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(units); i++ {
		if i >= maxQuoted {
			b.WriteString("...")
			break
		}
		r := rune(units[i])
		if utf16.IsSurrogate(r) && i+1 < len(units) {
			if pair := utf16.DecodeRune(r, rune(units[i+1])); pair != utf8.RuneError {
				r = pair
				i++
			}
		}
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case unicode.IsPrint(r): // never a lone surrogate, which is no character
			b.WriteRune(r)
		case r > 0xFFFF:
			fmt.Fprintf(&b, `\u{%X}`, r)
		default:
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// parseReason converts REASON to UTF-16 code units, as a script's string
// holds them: \uXXXX is one code unit (a lone surrogate included),
// \u{X...} a code point, \\ a backslash; any other backslash is an error,
// and so is text that is not UTF-8.
func parseReason(s string) ([]uint16, error) {
	var units []uint16
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch rest := s[i+size:]; {
		case r == utf8.RuneError && size == 1:
			return nil, unreadableAt(i, `REASON is not valid UTF-8 at offset %d; write a lone surrogate as \uD800`, i)
		case r != '\\':
			units = utf16.AppendRune(units, r)
			i += size
		case strings.HasPrefix(rest, `\`):
			units = append(units, '\\')
			i += 2
		case strings.HasPrefix(rest, "u{"):
			end := strings.IndexByte(rest, '}')
			v, err := strconv.ParseUint(rest[2:max(end, 2)], 16, 32)
			if end < 3 || end > 8 || err != nil || v > unicode.MaxRune {
				return nil, unreadableAt(i, `REASON has a bad \u{...} escape at offset %d: it takes 1 to 6 hex digits, at most 10FFFF`, i)
			}
			if utf16.IsSurrogate(rune(v)) {
				units = append(units, uint16(v))
			} else {
				units = utf16.AppendRune(units, rune(v))
			}
			i += 1 + end + 1
		case strings.HasPrefix(rest, "u"):
			v, err := strconv.ParseUint(rest[1:min(len(rest), 5)], 16, 16)
			if len(rest) < 5 || err != nil { // ParseUint takes no sign or "_" in base 16
				return nil, unreadableAt(i, `REASON has a bad \u escape at offset %d: it takes 4 hex digits, as in \uD800`, i)
			}
			units = append(units, uint16(v))
			i += 6
		default:
			return nil, unreadableAt(i, `REASON has a backslash at offset %d that starts no escape: write \\ for a backslash, \uXXXX for a code unit`, i)
		}
	}
	return units, nil
}

// jsNumber matches the JavaScript numeric literals (ECMA-262 §12.9.3) that
// check takes (and that the flag parser leaves alone, such as -1), with an optional sign as the unary operators give it:
// decimal with fraction and exponent, 0x hex, 0o octal and 0b binary
// integers, and the names Infinity and NaN. Numeric separators and legacy
// octal (010) are not taken.
var jsNumber = regexp.MustCompile(`^[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|Infinity|NaN)$`)

// parseNumber parses a JavaScript numeric literal that jsNumber matches. The
// value is the nearest float64, ties to even, as in JavaScript: 1e999 is
// Infinity.
func parseNumber(s string) (float64, bool) {
	if !jsNumber.MatchString(s) {
		return 0, false
	}
	sign := 1.0
	if s[0] == '-' {
		sign = -1
	}
	s = strings.TrimLeft(s, "+-")
	if len(s) > 2 && s[0] == '0' && strings.ContainsAny(s[1:2], "xXoObB") {
		n, _ := new(big.Int).SetString(s, 0) // base 0 reads the 0x, 0o and 0b prefixes
		f, _ := new(big.Float).SetInt(n).Float64()
		return sign * f, true
	}
	f, _ := strconv.ParseFloat(s, 64) // Infinity and NaN too; out of range: ±Inf or 0, as in JavaScript
	return sign * f, true
}
