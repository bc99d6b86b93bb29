package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

var cmdCheck = &command{
	name:      "check",
	usageLine: "check [--json] [CODE|undefined [REASON]]",
	short:     "what a browser's close(), close(CODE) or close(CODE, REASON) does",
	long: `Check runs the WHATWG WebSocket close(code, reason) method's steps on a
script's arguments, as a browser does: Web IDL's [Clamp] unsigned short
conversion of the code, the code check (1000 or 3000–4999, else it throws
InvalidAccessError), the USVString conversion of the reason (a lone surrogate
becomes U+FFFD), the 123-byte check (else SyntaxError), and the body sent.

  wsclose check                     close()
  wsclose check CODE                close(CODE)
  wsclose check CODE REASON         close(CODE, REASON)
  wsclose check undefined REASON    close(undefined, REASON)

CODE is a JavaScript number literal, signed or not: 1000, 2999.5, 1e3, 0x3e8,
0o1750, 0b1111101000, Infinity, -1e999, NaN. REASON is text; in it \uXXXX
and \u{X...} stand for UTF-16 code units and code points, so that a lone
surrogate can be passed (\uD800), and \\ for a backslash. A REASON that
begins with "-" needs "--" before the arguments.

"code" is what close() sees (null without one), "reason" the reason as sent,
UTF-8 (null when none or when over 123 bytes), "exception" null when close()
returns, else InvalidAccessError or SyntaxError, "hex" the Close body sent
(null when it throws).

Examples:
  wsclose check 2999.5
  wsclose check undefined bye
  wsclose check 1000 '\uD800'
`,
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
		code, hasCode, literal = f, true, clipN(args[0], maxQuoted)
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
		if !utf16Valid(units) {
			res.reasonNote = "; each lone surrogate became U+FFFD, as Web IDL's USVString conversion does"
		}
	}
	res.Call = callText(literal, hasCode, args, units)

	switch {
	case hasCode:
		c := wsclose.ClampCode(code)
		n := int(c)
		res.Code = &n
		if math.IsNaN(code) {
			res.codeNote = ", from NaN: Web IDL [Clamp] converts NaN to 0"
		} else if code != float64(c) {
			res.codeNote = fmt.Sprintf(", from %s: Web IDL [Clamp] clamps to 0–65535 and rounds half to even", literal)
		}
	case len(units) > 0:
		n := 1000
		res.Code = &n
		res.codeNote = ": close() with a reason and no code sends 1000 (WHATWG close(), whatwg/websockets PR #48)"
	}

	body, err := wsclose.AppendScriptClose(nil, code, hasCode, units)
	if err != nil {
		res.Exception = ptr(wsclose.DOMExceptionName(err))
		switch {
		case errors.Is(err, wsclose.ErrInvalidCode):
			res.why = fmt.Sprintf("close() takes only 1000 or 3000–4999, not %d (WHATWG WebSockets Standard, close() step 1)", *res.Code)
		default: // ErrReasonTooLong: AppendScriptClose returns no other error
			res.why = fmt.Sprintf("the reason is %s of UTF-8; close() takes at most 123 (WHATWG WebSockets Standard, close() step 2)", byteCount(res.ReasonBytes))
		}
		return res, &failure{
			exit:   exitRule,
			offset: -1,
			msg:    fmt.Sprintf("%s throws %s: %s", res.Call, *res.Exception, res.why),
			brief:  fmt.Sprintf("%s throws %s", res.Call, *res.Exception),
		}
	}
	h := hex.EncodeToString(body)
	res.Hex = &h
	return res, nil
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

// callText writes the call as a script would: the code as typed, and the
// reason as a JavaScript string literal, cut after 40 code units.
func callText(literal string, hasCode bool, args []string, units []uint16) string {
	switch {
	case len(args) == 2:
		return "close(" + literal + ", " + jsQuote(units) + ")"
	case hasCode:
		return "close(" + literal + ")"
	}
	return "close()"
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
			b.WriteByte('\\')
			b.WriteRune(r)
		case utf16.IsSurrogate(r) || !unicode.IsPrint(r):
			if r > 0xFFFF {
				fmt.Fprintf(&b, `\u{%X}`, r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// utf16Valid reports whether units hold no lone surrogate.
func utf16Valid(units []uint16) bool {
	for i := 0; i < len(units); i++ {
		switch r := rune(units[i]); {
		case !utf16.IsSurrogate(r):
		case i+1 < len(units) && utf16.DecodeRune(r, rune(units[i+1])) != utf8.RuneError:
			i++ // a high surrogate and its low one
		default:
			return false
		}
	}
	return true
}

// parseReason converts REASON to UTF-16 code units, as a script's string
// holds them: \uXXXX is one code unit (a lone surrogate included),
// \u{X...} a code point, \\ a backslash; any other backslash is an error,
// and so is text that is not UTF-8.
func parseReason(s string) ([]uint16, error) {
	var units []uint16
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, unreadableAt(i, `REASON is not valid UTF-8 at offset %d; write a lone surrogate as \uD800`, i)
		case r != '\\':
			units = utf16.AppendRune(units, r)
			i += size
			continue
		}
		rest := s[i+1:]
		switch {
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
			if len(rest) < 5 || err != nil || strings.ContainsAny(rest[1:5], "+-_") {
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

// isNumberLiteral reports whether s is a JavaScript number as check takes
// it, so that the flag parser leaves -1 or -Infinity alone.
func isNumberLiteral(s string) bool {
	_, ok := parseNumber(s)
	return ok
}

// parseNumber parses a JavaScript numeric literal (ECMA-262 §12.9.3), with
// an optional sign as the unary operators give it, and the names Infinity
// and NaN: decimal with fraction and exponent, 0x hex, 0o octal, 0b binary.
// The value is the nearest float64, ties to even, as in JavaScript: 1e999
// is Infinity. Numeric separators and legacy octal (010) are not taken.
func parseNumber(s string) (float64, bool) {
	sign := 1.0
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	switch s {
	case "Infinity":
		return sign * math.Inf(1), true
	case "NaN":
		return math.NaN(), true
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			digits := s[2:]
			if strings.ContainsAny(digits, "+-_") {
				return 0, false
			}
			n, ok := new(big.Int).SetString(digits, base)
			if !ok {
				return 0, false
			}
			f, _ := new(big.Float).SetInt(n).Float64()
			return sign * f, true
		}
	}
	if !isDecimalLiteral(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return sign * f, true
}

// isDecimalLiteral reports whether s is a DecimalLiteral of ECMA-262:
// digits with an optional fraction, or a fraction alone, then an optional
// exponent; a leading 0 is followed by no other digit.
func isDecimalLiteral(s string) bool {
	i := 0
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	intDigits := digits()
	if intDigits > 1 && s[0] == '0' {
		return false
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracDigits = digits()
	}
	if intDigits == 0 && fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
