package main

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/wsclose/wsclose"
)

// maxInput bounds what decode reads from standard input: a Close frame is at
// most 14 + 125 bytes, and a hex dump of one a few hundred characters.
const maxInput = 1 << 20

// decodeResult is decode's JSON output. Code is null when the input had no
// room for one; Reason is null when the body was refused.
type decodeResult struct {
	Code          *int       `json:"code"`
	Reason        *string    `json:"reason"`
	ReasonBytes   int        `json:"reason_bytes"`
	Name          string     `json:"name,omitempty"`
	Class         string     `json:"class,omitempty"`
	Sendable      bool       `json:"sendable"`
	ScriptAllowed bool       `json:"script_allowed"`
	Frame         *frameInfo `json:"frame,omitempty"`
	Error         string     `json:"error,omitempty"`
	FailCode      int        `json:"fail_code,omitempty"`
}

// frameInfo describes the frame header when decode was given a whole frame.
type frameInfo struct {
	Masked     bool   `json:"masked"`
	MaskKey    string `json:"mask_key,omitempty"`
	PayloadLen int    `json:"payload_len"`
}

func runDecode(c *invocation) int {
	text := strings.Join(c.args, " ")
	if len(c.args) == 1 && c.args[0] == "-" {
		b, err := io.ReadAll(io.LimitReader(c.stdin, maxInput))
		if err != nil {
			return c.fail("reading standard input: %v", err)
		}
		text = string(b)
	}
	data, err := parseHex(text)
	if err != nil {
		return c.fail("%v", err)
	}

	var res decodeResult
	body := data
	if isCloseFrame(data) {
		var frame frameInfo
		body, frame, err = parseFrame(data)
		if err != nil {
			return c.fail("%v", err)
		}
		res.Frame = &frame
	}
	code, reason, err := wsclose.ParsePayload(body)
	res.ReasonBytes = max(len(body)-2, 0)
	if len(body) != 1 { // a 1-byte body holds no code
		n := int(code)
		res.Code = &n
		res.Name = code.Name()
		res.Class = code.Class().String()
		res.Sendable = code.Valid()
		res.ScriptAllowed = wsclose.ValidateScriptCode(n) == nil
	}
	if err != nil {
		res.Error = err.Error()
		res.FailCode = int(wsclose.FailureCode(err))
	} else {
		r := string(reason)
		res.Reason = &r
	}

	if c.json {
		c.printJSON(res)
	} else {
		printDecode(c.stdout, res, code, len(body))
	}
	if err != nil {
		if !c.json {
			fmt.Fprintln(c.stderr, err)
			fmt.Fprintf(c.stderr, "fail the connection with %v (RFC 6455 §7.1.7)\n", wsclose.Code(res.FailCode))
		}
		return exitInvalid
	}
	return exitOK
}

func printDecode(w io.Writer, res decodeResult, code wsclose.Code, bodyLen int) {
	if f := res.Frame; f != nil {
		mask := "unmasked (server to client)"
		if f.Masked {
			mask = "masked with key " + f.MaskKey + " (client to server)"
		}
		fmt.Fprintf(w, "frame     Close, FIN, %s, %d-byte payload\n", mask, f.PayloadLen)
	}
	if res.Code == nil {
		return
	}
	if bodyLen == 0 {
		fmt.Fprintf(w, "code      %v: the body is empty, which is how \"no status\" is sent (RFC 6455 §7.1.5)\n", code)
		return
	}
	fmt.Fprintf(w, "code      %v\n", code)
	fmt.Fprintf(w, "class     %s\n", res.Class)
	if res.Reason != nil {
		fmt.Fprintf(w, "reason    %s (%s)\n", quote(*res.Reason), byteCount(res.ReasonBytes))
	}
	fmt.Fprintf(w, "sendable  %s\n", sender(code))
}

// parseHex reads bytes written as hex: "03e8", "03 e8", "03:e8", "0x03e8",
// "0x03 0xe8", spread over any number of lines.
func parseHex(s string) ([]byte, error) {
	var digits strings.Builder
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ':' }) {
		field = strings.TrimPrefix(strings.TrimPrefix(field, "0x"), "0X")
		digits.WriteString(field)
	}
	if digits.Len()%2 == 1 {
		return nil, fmt.Errorf("odd number of hex digits (%d) in %q", digits.Len(), s)
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		var invalid hex.InvalidByteError
		if errors.As(err, &invalid) {
			return nil, fmt.Errorf("not hex: %q in %q", rune(invalid), s)
		}
		return nil, fmt.Errorf("not hex: %q: %v", s, err)
	}
	return b, nil
}

// isCloseFrame reports whether data starts with the header of an
// unfragmented Close frame: FIN set, opcode 0x8. No valid Close body starts
// so: its code would be 34816 or more.
func isCloseFrame(data []byte) bool {
	return len(data) >= 2 && data[0]&0x8F == 0x88
}

// parseFrame checks a whole Close frame's header (RFC 6455 §5.2) and returns
// its payload, unmasked.
func parseFrame(data []byte) ([]byte, frameInfo, error) {
	var f frameInfo
	if rsv := data[0] & 0x70; rsv != 0 {
		return nil, f, fmt.Errorf("frame has RSV bits %03b set: no extension defines them for Close frames; fail the connection with 1002 (RFC 6455 §5.2)", rsv>>4)
	}
	f.Masked = data[1]&0x80 != 0
	n, rest := uint64(data[1]&0x7F), data[2:]
	switch n {
	case 126:
		if len(rest) < 2 {
			return nil, f, errors.New("frame header cut short: the 16-bit length is missing")
		}
		n, rest = uint64(binary.BigEndian.Uint16(rest)), rest[2:]
	case 127:
		if len(rest) < 8 {
			return nil, f, errors.New("frame header cut short: the 64-bit length is missing")
		}
		n, rest = binary.BigEndian.Uint64(rest), rest[8:]
	}
	var key []byte
	if f.Masked {
		if len(rest) < 4 {
			return nil, f, errors.New("frame header cut short: the masking key is missing")
		}
		key, rest = rest[:4], rest[4:]
		f.MaskKey = hex.EncodeToString(key)
	}
	if uint64(len(rest)) != n {
		return nil, f, fmt.Errorf("frame says its payload is %d bytes, but %s follow", n, byteCount(len(rest)))
	}
	f.PayloadLen = len(rest)
	payload := make([]byte, len(rest))
	for i := range rest {
		payload[i] = rest[i]
		if f.Masked {
			payload[i] ^= key[i%4]
		}
	}
	return payload, f, nil
}

// byteCount spells out a length: "1 byte", "10 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
