package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

var cmdDecode = &command{
	name:      "decode",
	usageLine: "decode [--json] HEX...|-",
	short:     "decode a Close body or a whole frame, written as hex or pasted from a capture",
	long: `Decode reads a Close frame's body, or a whole frame, and judges it as a
receiver must (RFC 6455 §5.2, §5.5, §5.5.1, §7.4, §8.1): the code, the reason
as a browser shows it, and, when the receiver must refuse it, the rule it
breaks and the code to fail the connection with.

HEX is the bytes as people paste them; the arguments are joined by spaces, and
"-" reads standard input instead (at most 1 MiB; longer input is refused, not
cut):
  03e8 4f4b, 03:e8:4f:4b, 0x03e84f4b, 0x03,0xe8,0x4f,0x4b, \x03\xe8\x4f\x4b
  xxd -p output (plain hex, over several lines)
  xxd, hexdump -C and Wireshark "Copy as Hex Dump" lines, whose offset and
  ASCII columns are recognised and skipped:
    00000000: 8882 37fa 213d 3412                      ..7.!=4.
    0000   88 82 37 fa 21 3d 34 12                           ..7.!=4.

Input that starts with a frame header is read as a frame: a Close frame's
payload is unmasked and decoded; any other opcode, a Close frame without FIN,
with RSV bits, with a 16-bit or 64-bit length, or over 125 bytes is named
with the rule it breaks. Errors quote at most 40 characters of the input and
give the offset of the first bad character in it, counted in bytes from 0 as
typed.

JSON: {"input", "frame" (null for a body, else {"opcode", "type", "fin",
"rsv", "masked", "mask_key", "payload_len", "header_len"}), "code", "name",
"class", "reason" (as a browser shows it; null when there is none),
"reason_bytes", "valid" (a receiver accepts it), "script_allowed" (close()
may send the code), "fail_code" (null, or the code to fail with), "error",
"offset", "exit"}.

Examples:
  wsclose decode 03e9676f696e672061776179
  wsclose decode 88 82 37 fa 21 3d 34 12
  pbpaste | wsclose decode -
`,
	minArgs: 1,
	maxArgs: -1,
	setup: func(fs *flag.FlagSet) func([]string, io.Reader) (result, error) {
		return runDecode
	},
}

// decodeResult is decode's output.
type decodeResult struct {
	Input         string     `json:"input"`
	Frame         *frameInfo `json:"frame"`
	Code          *int       `json:"code"`
	Name          string     `json:"name,omitempty"`
	Class         string     `json:"class,omitempty"`
	Reason        *string    `json:"reason"`
	ReasonBytes   int        `json:"reason_bytes"`
	Valid         bool       `json:"valid"`
	ScriptAllowed bool       `json:"script_allowed"`
	FailCode      *int       `json:"fail_code"`

	bodyLen int    // the Close body's length, when there is one
	problem string // what is wrong, for the text's "refused" or "error" line

	status
}

func runDecode(args []string, stdin io.Reader) (result, error) {
	text, err := readInput(args, stdin)
	if err != nil {
		return nil, err
	}
	in, err := parseHex(text)
	if err != nil {
		return nil, err
	}
	res := &decodeResult{Input: in.describe(), bodyLen: -1}
	body, bodyStart := in.data, 0
	if looksLikeFrame(in.data) {
		f, payload, ferr := parseFrame(in.data)
		res.Frame = &f
		if ferr != nil {
			if ferr.rule == "" {
				res.problem = ferr.what
				return res, invalidAt(in.at(ferr.at), "%s", ferr.what)
			}
			return res, res.refuse(in.at(ferr.at), ferr.what, ferr.rule, wsclose.StatusProtocolError)
		}
		body, bodyStart = payload, f.HeaderLen
	}
	res.bodyLen = len(body)
	code, _, perr := wsclose.ParsePayload(body)
	if len(body) >= 2 {
		n := int(code)
		res.Code, res.Name, res.Class = &n, code.Name(), code.Class().String()
		res.ScriptAllowed = wsclose.ValidateScriptCode(n) == nil
		res.ReasonBytes = len(body) - 2
		if len(body) <= wsclose.MaxPayloadLen {
			r := wsclose.DecodeReason(body[2:])
			res.Reason = &r
		}
	} else if len(body) == 0 {
		n, r := int(code), ""
		res.Code, res.Name, res.Class, res.Reason = &n, code.Name(), code.Class().String(), &r
	}
	if perr == nil {
		res.Valid = true
		return res, nil
	}
	at, what, rule := bodyProblem(body, perr)
	return res, res.refuse(in.at(bodyStart+at), what, rule, wsclose.FailureCode(perr))
}

// refuse records that a receiver refuses the input, and returns the error
// that says so.
func (r *decodeResult) refuse(offset int, what, rule string, fail wsclose.Code) error {
	n := int(fail)
	r.problem, r.FailCode = fmt.Sprintf("%s at input offset %d: %s", what, offset, rule), &n
	return &failure{
		exit:   exitInvalid,
		offset: offset,
		msg:    fmt.Sprintf("refused: %s; fail the connection with %v", r.problem, fail),
		brief:  fmt.Sprintf("refused; fail the connection with %v", fail),
	}
}

// bodyProblem says what is wrong with a Close body that ParsePayload
// refused, and where in the body: the package's error names the fault, and
// the command explains it with the rule it breaks.
func bodyProblem(body []byte, err error) (at int, what, rule string) {
	switch {
	case errors.Is(err, wsclose.ErrPayloadTooShort):
		return 0, "a 1-byte body", "a body that is not empty begins with a 2-byte code (RFC 6455 §5.5.1)"
	case errors.Is(err, wsclose.ErrPayloadTooLong):
		return wsclose.MaxPayloadLen, fmt.Sprintf("a %d-byte body", len(body)), "control frames carry at most 125 bytes (RFC 6455 §5.5)"
	case errors.Is(err, wsclose.ErrInvalidCode):
		var ce *wsclose.CodeError
		errors.As(err, &ce)
		code := wsclose.Code(ce.Code)
		return 0, fmt.Sprintf("code %d", int(code)), codeRule(code)
	}
	var re *wsclose.ReasonError
	errors.As(err, &re)
	at = re.Offset
	tail := body[2+at:]
	switch {
	case errors.Is(err, wsclose.ErrLoneSurrogate):
		what, rule = fmt.Sprintf("a lone surrogate (% X) in the reason", tail[:min(3, len(tail))]), "UTF-8 has no surrogates, and the reason MUST be UTF-8 (RFC 3629 §3, RFC 6455 §5.5.1, §8.1)"
	case !utf8.FullRune(tail):
		what, rule = fmt.Sprintf("a reason cut mid-character (%s of a %d-byte sequence)", byteCount(len(tail)), sequenceLen(tail[0])), "the reason MUST be UTF-8 (RFC 6455 §5.5.1, §8.1); a sender cut it by bytes, not characters"
	default:
		what, rule = fmt.Sprintf("byte %02X in the reason", tail[0]), "the reason MUST be UTF-8, and this byte starts no UTF-8 sequence here (RFC 6455 §5.5.1, §8.1)"
	}
	return 2 + at, what, rule
}

// sequenceLen is the length of the UTF-8 sequence that lead byte b starts.
func sequenceLen(b byte) int {
	switch {
	case b >= 0xF0:
		return 4
	case b >= 0xE0:
		return 3
	}
	return 2
}

func (r *decodeResult) writeText(w *bytes.Buffer) {
	fields := []field{{"input", r.Input}}
	if r.Frame != nil {
		fields = append(fields, field{"frame", r.Frame.describe()})
	}
	if r.Code != nil {
		code := wsclose.Code(*r.Code)
		if r.bodyLen == 0 {
			fields = append(fields, field{"code", code.String() + `: the body is empty, which is how "no status" is sent (RFC 6455 §7.1.5)`})
		} else {
			fields = append(fields, field{"code", code.String()}, field{"class", r.Class})
		}
		if r.Reason != nil && r.bodyLen > 0 {
			shown := quote(*r.Reason) + " (" + byteCount(r.ReasonBytes) + ")"
			if !r.Valid {
				shown = quote(*r.Reason) + " as a browser shows it (" + byteCount(r.ReasonBytes) + ")"
			}
			fields = append(fields, field{"reason", shown})
		}
	}
	switch {
	case r.Valid && r.bodyLen == 0:
		fields = append(fields, field{"sendable", "yes: by any endpoint, and by a browser script's close() with no code"})
	case r.Valid:
		fields = append(fields, field{"sendable", sender(wsclose.Code(*r.Code))})
	case r.FailCode != nil:
		fields = append(fields,
			field{"refused", r.problem},
			field{"fail", fmt.Sprintf("the connection with %v (RFC 6455 §7.1.7)", wsclose.Code(*r.FailCode))})
	default:
		fields = append(fields, field{"error", r.problem})
	}
	writeFields(w, fields)
}
