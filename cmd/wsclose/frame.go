package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// frameInfo is a frame header (RFC 6455 §5.2), as decode shows it. What a
// header cut short does not hold is nil: it is never made up.
type frameInfo struct {
	Opcode     int     `json:"opcode"`
	Type       string  `json:"type"` // "close", "text", …, "reserved"
	FIN        bool    `json:"fin"`
	RSV        int     `json:"rsv"` // the three RSV bits, RSV1 highest
	Masked     bool    `json:"masked"`
	MaskKey    *string `json:"mask_key"`    // hex; nil when not masked or cut off
	PayloadLen *uint64 `json:"payload_len"` // as the header says; nil when cut off
	HeaderLen  *int    `json:"header_len"`  // bytes before the payload; nil when cut off
}

// opcodeTypes name the opcodes as RFC 6455 §5.2 and §11.8 do; the others
// are reserved.
var opcodeTypes = map[int]string{0x0: "continuation", 0x1: "text", 0x2: "binary", 0x8: "close", 0x9: "ping", 0xA: "pong"}

// frameError is a frame that breaks a rule of RFC 6455, or input that is no
// whole frame: the rule, and the offset in the frame of the byte at fault.
type frameError struct {
	at   int    // byte in the frame
	what string // what is wrong
	rule string // the rule it breaks, with its section; "" for input that is no whole frame
}

// parseFrameHeader is the one reader of a frame header (RFC 6455 §5.2):
// the first two bytes, the 16-bit or 64-bit payload length when the 7-bit
// one is 126 or 127, and the masking key when the mask bit is set. It judges
// nothing, but a header cut short is an error, and the fields it could not
// read stay nil. data must hold at least 2 bytes.
func parseFrameHeader(data []byte) (frameInfo, *frameError) {
	f := frameInfo{
		Opcode: int(data[0] & 0x0F),
		FIN:    data[0]&0x80 != 0,
		RSV:    int(data[0]>>4) & 0x7,
		Masked: data[1]&0x80 != 0,
	}
	f.Type = opcodeTypes[f.Opcode]
	if f.Type == "" {
		f.Type = "reserved"
	}
	n, size := uint64(data[1]&0x7F), 2
	switch n {
	case 126:
		size = 4
	case 127:
		size = 10
	}
	if len(data) < size {
		return f, &frameError{at: len(data), what: fmt.Sprintf("the frame header is cut short: the %d-bit payload length is missing", (size-2)*8)}
	}
	switch size {
	case 4:
		n = uint64(binary.BigEndian.Uint16(data[2:]))
	case 10:
		n = binary.BigEndian.Uint64(data[2:])
	}
	f.PayloadLen = &n
	if f.Masked {
		if len(data) < size+4 {
			return f, &frameError{at: len(data), what: "the frame header is cut short: the masking key is missing"}
		}
		f.MaskKey = ptr(hex.EncodeToString(data[size : size+4]))
		size += 4
	}
	f.HeaderLen = &size
	return f, nil
}

// parseFrame reads a whole frame and judges it as a receiver of a Close
// frame must: it returns the unmasked payload of a well-formed Close frame,
// or the rule the frame breaks. The checks, in order:
//
//   - the opcode: only 0x8 is a Close frame; a reserved opcode fails the
//     connection (§5.2: "If an unknown opcode is received, the receiving
//     endpoint MUST _Fail the WebSocket Connection_");
//   - FIN: "Control frames themselves MUST NOT be fragmented" (§5.5);
//   - RSV1–3: "MUST be 0 unless an extension is negotiated that defines
//     meanings for non-zero values" (§5.2), and none defines them for Close;
//   - the length: "the minimal number of bytes MUST be used to encode the
//     length" (§5.2), and "All control frames MUST have a payload length of
//     125 bytes or less" (§5.5), so a Close frame never uses the 16-bit or
//     64-bit form; and the 64-bit form's most significant bit MUST be 0;
//   - the payload present is as long as the header says.
func parseFrame(data []byte) (frameInfo, []byte, *frameError) {
	f, ferr := parseFrameHeader(data)
	if ferr != nil {
		return f, nil, ferr
	}
	lenField, n, hl := data[1]&0x7F, *f.PayloadLen, *f.HeaderLen
	form := map[byte]string{126: "16-bit", 127: "64-bit"}[lenField]
	switch {
	case f.Type == "reserved":
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("opcode 0x%X, which is reserved,", f.Opcode), rule: "a receiver fails the connection on an unknown opcode (RFC 6455 §5.2)"}
	case f.Opcode != 0x8:
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("this is a %s frame (opcode 0x%X), not a Close frame", f.name(), f.Opcode)}
	case !f.FIN:
		return f, nil, &frameError{at: 0, what: "a Close frame without FIN", rule: "control frames MUST NOT be fragmented (RFC 6455 §5.5)"}
	case f.RSV != 0:
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("RSV bits %03b set on a Close frame", f.RSV), rule: "they MUST be 0 unless a negotiated extension defines them, and none does for control frames (RFC 6455 §5.2)"}
	case lenField == 127 && n>>63 != 0:
		return f, nil, &frameError{at: 2, what: "a 64-bit payload length with its most significant bit set", rule: "that bit MUST be 0 (RFC 6455 §5.2)"}
	case lenField == 126 && n < 126, lenField == 127 && n < 1<<16:
		return f, nil, &frameError{at: 1, what: fmt.Sprintf("a %d-byte payload length written in the %s form", n, form), rule: "the minimal number of bytes MUST be used to encode the length, and a control frame's fits in 7 bits (RFC 6455 §5.2, §5.5)"}
	case n > 125:
		return f, nil, &frameError{at: 1, what: fmt.Sprintf("a Close frame with a %d-byte payload", n), rule: "control frames MUST have a payload length of 125 bytes or less (RFC 6455 §5.5)"}
	case uint64(len(data)-hl) != n:
		return f, nil, &frameError{at: len(data), what: fmt.Sprintf("the frame header says the payload is %s, but %s follow", byteCount(int(n)), byteCount(len(data)-hl))}
	}
	unmasked := make([]byte, n)
	for i := range unmasked {
		unmasked[i] = data[hl+i]
		if f.Masked {
			unmasked[i] ^= data[hl-4+i%4]
		}
	}
	return f, unmasked, nil
}

// frameLen is the length of the whole frame that data starts with, or -1
// when data does not hold all of it.
func frameLen(data []byte) int {
	if len(data) < 2 {
		return -1
	}
	f, ferr := parseFrameHeader(data)
	if ferr != nil || *f.PayloadLen > uint64(len(data)-*f.HeaderLen) {
		return -1
	}
	return *f.HeaderLen + int(*f.PayloadLen)
}

// looksLikeFrame reports whether data is better read as a frame than as a
// Close body. A first byte with FIN set would be a code of 32768 or more,
// which no Close body may hold, so any such input is a frame. Without FIN,
// 0x08 (a Close frame, cut in fragments) would be a code of 2048–2303,
// which no Close body may hold either. The other defined opcodes without
// FIN (continuation, Text, Binary, Ping, Pong) are taken as frames when the
// header's length matches the input exactly; reserved opcodes 0x3–0x7 and
// 0xB–0xF without FIN read as codes 768–2047 and 2816–4095, which include
// valid ones, so such input is a body.
func looksLikeFrame(data []byte) bool {
	switch {
	case len(data) < 2:
		return false
	case data[0]&0x80 != 0, data[0] == 0x08:
		return true
	case strings.IndexByte("\x00\x01\x02\x09\x0a", data[0]) >= 0:
		return frameLen(data) == len(data)
	}
	return false
}

// name is the frame's type as RFC 6455 writes it in prose: "Text", "Ping".
func (f *frameInfo) name() string {
	if f.Type == "continuation" || f.Type == "reserved" {
		return f.Type
	}
	return strings.ToUpper(f.Type[:1]) + f.Type[1:]
}

// describe is the frame line of decode's text.
func (f *frameInfo) describe() string {
	parts := []string{fmt.Sprintf("%s (opcode 0x%X)", f.name(), f.Opcode), "FIN"}
	if f.Opcode == 0x8 {
		parts[0] = "Close"
	}
	if !f.FIN {
		parts[1] = "no FIN"
	}
	if f.RSV != 0 {
		parts = append(parts, fmt.Sprintf("RSV %03b", f.RSV))
	}
	switch {
	case f.MaskKey != nil:
		parts = append(parts, "masked with key "+*f.MaskKey+" (client to server)")
	case f.Masked:
		parts = append(parts, "masked (client to server)")
	default:
		parts = append(parts, "unmasked (server to client)")
	}
	if f.PayloadLen != nil {
		parts = append(parts, fmt.Sprintf("%d-byte payload", *f.PayloadLen))
	}
	return strings.Join(parts, ", ")
}
