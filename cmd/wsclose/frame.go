package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// frameInfo is a frame header (RFC 6455 §5.2), as decode shows it.
type frameInfo struct {
	Opcode     int    `json:"opcode"`
	Type       string `json:"type"` // "Close", "Text", …, "reserved"
	FIN        bool   `json:"fin"`
	RSV        int    `json:"rsv"` // the three RSV bits, RSV1 highest
	Masked     bool   `json:"masked"`
	MaskKey    string `json:"mask_key"`    // hex; "" when not masked
	PayloadLen uint64 `json:"payload_len"` // as the header says
	HeaderLen  int    `json:"header_len"`  // bytes before the payload
}

// opcodeType names an opcode as RFC 6455 §5.2 and §11.8 do.
func opcodeType(op byte) string {
	switch op {
	case 0x0:
		return "continuation"
	case 0x1:
		return "Text"
	case 0x2:
		return "Binary"
	case 0x8:
		return "Close"
	case 0x9:
		return "Ping"
	case 0xA:
		return "Pong"
	}
	return "reserved"
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
	}
	switch data[0] {
	case 0x00, 0x01, 0x02, 0x09, 0x0A:
		h, err := parseFrameHeader(data)
		return err == nil && uint64(len(data)-h.HeaderLen) == h.PayloadLen
	}
	return false
}

// frameError is a frame that breaks a rule of RFC 6455: the rule, and the
// offset in the frame of the byte that breaks it.
type frameError struct {
	at   int    // byte in the frame
	what string // what is wrong
	rule string // the rule it breaks, with its section; "" for input that is no whole frame
}

// parseFrameHeader reads a frame header (RFC 6455 §5.2) without judging it,
// except that it must be all there.
func parseFrameHeader(data []byte) (frameInfo, *frameError) {
	f := frameInfo{
		Opcode:    int(data[0] & 0x0F),
		FIN:       data[0]&0x80 != 0,
		RSV:       int(data[0]>>4) & 0x7,
		Masked:    data[1]&0x80 != 0,
		HeaderLen: 2,
	}
	f.Type = opcodeType(byte(f.Opcode))
	f.PayloadLen = uint64(data[1] & 0x7F)
	switch f.PayloadLen {
	case 126:
		if len(data) < 4 {
			return f, &frameError{at: len(data), what: "the frame header is cut short: the 16-bit payload length is missing"}
		}
		f.PayloadLen, f.HeaderLen = uint64(binary.BigEndian.Uint16(data[2:])), 4
	case 127:
		if len(data) < 10 {
			return f, &frameError{at: len(data), what: "the frame header is cut short: the 64-bit payload length is missing"}
		}
		f.PayloadLen, f.HeaderLen = binary.BigEndian.Uint64(data[2:]), 10
	}
	if f.Masked {
		if len(data) < f.HeaderLen+4 {
			return f, &frameError{at: len(data), what: "the frame header is cut short: the masking key is missing"}
		}
		f.MaskKey = hex.EncodeToString(data[f.HeaderLen : f.HeaderLen+4])
		f.HeaderLen += 4
	}
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
	lenField := data[1] & 0x7F // 126: a 16-bit length follows; 127: a 64-bit one
	form := "16-bit"
	if lenField == 127 {
		form = "64-bit"
	}
	switch {
	case f.Type == "reserved":
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("opcode 0x%X, which is reserved,", f.Opcode), rule: "a receiver fails the connection on an unknown opcode (RFC 6455 §5.2)"}
	case f.Opcode != 0x8:
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("this is %s frame (opcode 0x%X), not a Close frame", article(f.Type), f.Opcode)}
	case !f.FIN:
		return f, nil, &frameError{at: 0, what: "a Close frame without FIN", rule: "control frames MUST NOT be fragmented (RFC 6455 §5.5)"}
	case f.RSV != 0:
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("RSV bits %03b set on a Close frame", f.RSV), rule: "they MUST be 0 unless a negotiated extension defines them, and none does for control frames (RFC 6455 §5.2)"}
	case lenField == 127 && f.PayloadLen>>63 != 0:
		return f, nil, &frameError{at: 2, what: "a 64-bit payload length with its most significant bit set", rule: "that bit MUST be 0 (RFC 6455 §5.2)"}
	case lenField == 126 && f.PayloadLen < 126, lenField == 127 && f.PayloadLen < 1<<16:
		return f, nil, &frameError{at: 1, what: fmt.Sprintf("a %d-byte payload length written in the %s form", f.PayloadLen, form), rule: "the minimal number of bytes MUST be used to encode the length, and a control frame's fits in 7 bits (RFC 6455 §5.2, §5.5)"}
	case f.PayloadLen > 125:
		return f, nil, &frameError{at: 1, what: fmt.Sprintf("a Close frame with a %d-byte payload", f.PayloadLen), rule: "control frames MUST have a payload length of 125 bytes or less (RFC 6455 §5.5)"}
	}
	payload := data[f.HeaderLen:]
	if n := uint64(len(payload)); n != f.PayloadLen {
		return f, nil, &frameError{at: len(data), what: fmt.Sprintf("the frame header says the payload is %s, but %s follow", byteCount(int(f.PayloadLen)), byteCount(len(payload)))}
	}
	unmasked := make([]byte, len(payload))
	for i := range payload {
		unmasked[i] = payload[i]
		if f.Masked {
			unmasked[i] ^= data[f.HeaderLen-4+i%4]
		}
	}
	return f, unmasked, nil
}

// article puts "a" or "an" before a frame type.
func article(s string) string {
	if strings.ContainsAny(s[:1], "aeiouAEIOU") {
		return "an " + s
	}
	return "a " + s
}

// describe is the frame line of decode's text.
func (f *frameInfo) describe() string {
	parts := []string{fmt.Sprintf("%s (opcode 0x%X)", f.Type, f.Opcode)}
	if f.Opcode == 0x8 {
		parts[0] = "Close"
	}
	if f.FIN {
		parts = append(parts, "FIN")
	} else {
		parts = append(parts, "no FIN")
	}
	if f.RSV != 0 {
		parts = append(parts, fmt.Sprintf("RSV %03b", f.RSV))
	}
	if f.Masked {
		parts = append(parts, "masked with key "+f.MaskKey+" (client to server)")
	} else {
		parts = append(parts, "unmasked (server to client)")
	}
	parts = append(parts, fmt.Sprintf("%d-byte payload", f.PayloadLen))
	return strings.Join(parts, ", ")
}
