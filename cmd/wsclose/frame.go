package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/wsclose/wsclose/internal/wire"
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

// frameError is a frame that breaks a rule of RFC 6455, or input that is no
// whole frame: the rule, and the offset in the frame of the byte at fault.
type frameError struct {
	at   int    // byte in the frame
	what string // what is wrong
	rule string // the rule it breaks, with its section; "" for input that is no whole frame
}

// parseFrameHeader is the one reader of a frame header (RFC 6455 §5.2),
// wire.ParseHeader, seen as decode shows it: the type named as RFC 6455
// §5.2 and §11.8 do, in lower case. It judges nothing, but a header cut
// short is an error, and the fields it could not read stay nil. data must
// hold at least 2 bytes.
func parseFrameHeader(data []byte) (frameInfo, wire.Header, *frameError) {
	h, err := wire.ParseHeader(data)
	f := frameInfo{
		Opcode: int(h.Opcode),
		Type:   strings.ToLower(wire.OpName(h.Opcode)),
		FIN:    h.FIN,
		RSV:    int(h.RSV),
		Masked: h.Masked,
	}
	if len(data) >= 2+h.Ext {
		f.PayloadLen = &h.Length
	}
	var short *wire.ShortHeaderError
	if errors.As(err, &short) {
		return f, h, &frameError{at: len(data), what: "the frame header is cut short: " + short.Part + " is missing"}
	}
	if f.Masked {
		f.MaskKey = ptr(hex.EncodeToString(h.Key[:]))
	}
	f.HeaderLen = ptr(h.Size())
	return f, h, nil
}

// parseFrame reads a whole frame and judges it as a receiver of a Close
// frame must: it returns the unmasked payload of a well-formed Close frame,
// or the rule the frame breaks: an opcode other than Close, then the first
// rule of wire.Header.Check the header breaks (a reserved opcode, FIN,
// RSV1–3, the 64-bit length's top bit, the length's form and a control
// frame's 125 bytes), then a payload shorter or longer than the header
// says.
func parseFrame(data []byte) (frameInfo, []byte, *frameError) {
	f, h, ferr := parseFrameHeader(data)
	if ferr != nil {
		return f, nil, ferr
	}
	if f.Type != "reserved" && h.Opcode != wire.OpClose {
		return f, nil, &frameError{at: 0, what: fmt.Sprintf("this is a %s frame (opcode 0x%X), not a Close frame", f.name(), f.Opcode)}
	}
	if v := h.Check(); v != nil {
		return f, nil, &frameError{at: v.At, what: v.What, rule: v.Rule}
	}
	n, hl := h.Length, h.Size()
	if uint64(len(data)-hl) != n {
		return f, nil, &frameError{at: len(data), what: fmt.Sprintf("the frame header says the payload is %s, but %s follow", byteCount(int(n)), byteCount(len(data)-hl))}
	}
	unmasked := append([]byte{}, data[hl:]...)
	if f.Masked {
		wire.Mask(h.Key, unmasked)
	}
	return f, unmasked, nil
}

// frameLen is the length of the whole frame that data starts with, or -1
// when data does not hold all of it.
func frameLen(data []byte) int {
	if len(data) < 2 {
		return -1
	}
	f, _, ferr := parseFrameHeader(data)
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
