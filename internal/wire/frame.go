package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Opcodes (RFC 6455 §5.2, registered in §11.8). 0x3–0x7 and 0xB–0xF are
// reserved.
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// MaxControlPayload is the longest payload of a control frame: "All
// control frames MUST have a payload length of 125 bytes or less" (RFC
// 6455 §5.5).
const MaxControlPayload = 125

// OpName names an opcode as RFC 6455 §5.2 and §11.8 do: "continuation",
// "Text", "Binary", "Close", "Ping", "Pong", or "reserved".
func OpName(op byte) string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "Text"
	case OpBinary:
		return "Binary"
	case OpClose:
		return "Close"
	case OpPing:
		return "Ping"
	case OpPong:
		return "Pong"
	}
	return "reserved"
}

// IsControl reports whether op is a control opcode: "Control frames are
// identified by opcodes where the most significant bit of the opcode is 1"
// (RFC 6455 §5.5).
func IsControl(op byte) bool { return op&0x8 != 0 }

// Header is a frame header as it is on the wire (RFC 6455 §5.2). It can
// describe frames that break the rules (a reserved bit, FIN=0 on a control
// frame, a length in a longer form than needed) so that they can be sent
// on purpose and seen exactly when received.
type Header struct {
	FIN    bool
	RSV    byte // RSV1, RSV2, RSV3 as bits 2, 1, 0
	Opcode byte // 4 bits
	Masked bool
	Key    [4]byte // the masking key, when Masked
	Length uint64  // the payload length the header states
	// Ext is the number of extended payload length bytes: 0 (the length
	// is in the 7-bit field), 2 (the field is 126) or 8 (the field is
	// 127). MinimalExt gives the form §5.2 requires.
	Ext int
}

// MinimalExt is the extended length size the rule "the minimal number of
// bytes MUST be used to encode the length" (RFC 6455 §5.2) gives a
// payload of n bytes: 0, 2 or 8.
func MinimalExt(n uint64) int {
	switch {
	case n <= 125:
		return 0
	case n <= 0xFFFF:
		return 2
	}
	return 8
}

// Size is the number of bytes of the header.
func (h Header) Size() int {
	n := 2 + h.Ext
	if h.Masked {
		n += 4
	}
	return n
}

// ErrLengthForm reports a Header whose Ext cannot hold its Length, or is
// not 0, 2 or 8.
var ErrLengthForm = errors.New("the length does not fit the length form")

// AppendHeader appends the header h to dst. Only the length's form is
// checked: h.Ext must be 0, 2 or 8 and hold h.Length (0–125 in 7 bits,
// 0–65535 in 16); everything else is written as given, and dst is
// returned unchanged with ErrLengthForm otherwise.
func AppendHeader(dst []byte, h Header) ([]byte, error) {
	b0 := h.Opcode&0x0F | (h.RSV&0x7)<<4
	if h.FIN {
		b0 |= 0x80
	}
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	switch {
	case h.Ext == 0 && h.Length <= 125:
		dst = append(dst, b0, b1|byte(h.Length))
	case h.Ext == 2 && h.Length <= 0xFFFF:
		dst = binary.BigEndian.AppendUint16(append(dst, b0, b1|126), uint16(h.Length))
	case h.Ext == 8:
		dst = binary.BigEndian.AppendUint64(append(dst, b0, b1|127), h.Length)
	default:
		return dst, ErrLengthForm
	}
	if h.Masked {
		dst = append(dst, h.Key[:]...)
	}
	return dst, nil
}

// AppendFrame appends a frame with header h and payload to dst, masking
// the payload with h.Key when h.Masked (RFC 6455 §5.3). h.Length is set to
// len(payload); the rest of h, the length form included, is written as
// given (see AppendHeader).
func AppendFrame(dst []byte, h Header, payload []byte) ([]byte, error) {
	h.Length = uint64(len(payload))
	dst, err := AppendHeader(dst, h)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	dst = append(dst, payload...)
	if h.Masked {
		Mask(h.Key, dst[start:])
	}
	return dst, nil
}

// Mask masks or unmasks p in place with key (RFC 6455 §5.3: octet i is
// XORed with octet i MOD 4 of the key).
func Mask(key [4]byte, p []byte) {
	for i := range p {
		p[i] ^= key[i%4]
	}
}

// ErrShortHeader reports input that ends inside a frame header.
var ErrShortHeader = errors.New("the frame header is cut short")

// ShortHeaderError is input that ends inside a frame header: Part is what
// is missing.
type ShortHeaderError struct {
	Part string // "the first two bytes", "the 16-bit payload length", "the 64-bit payload length", "the masking key"
	At   int    // the offset where the missing part starts
	Have int    // bytes there
	Need int    // bytes the header needs
}

func (e *ShortHeaderError) Error() string {
	return "the frame header is cut short: " + e.Part + " is missing"
}

func (e *ShortHeaderError) Unwrap() error { return ErrShortHeader }

// ParseHeader reads the frame header at the start of data without judging
// it (Check does). It returns a *ShortHeaderError when data ends inside the
// header.
func ParseHeader(data []byte) (Header, error) {
	if len(data) < 2 {
		return Header{}, &ShortHeaderError{Part: "the first two bytes", Have: len(data), Need: 2}
	}
	h := Header{
		FIN:    data[0]&0x80 != 0,
		RSV:    data[0] >> 4 & 0x7,
		Opcode: data[0] & 0x0F,
		Masked: data[1]&0x80 != 0,
		Length: uint64(data[1] & 0x7F),
	}
	switch h.Length {
	case 126:
		h.Ext = 2
		if len(data) < 4 {
			return h, &ShortHeaderError{Part: "the 16-bit payload length", At: 2, Have: len(data), Need: h.Size()}
		}
		h.Length = uint64(binary.BigEndian.Uint16(data[2:]))
	case 127:
		h.Ext = 8
		if len(data) < 10 {
			return h, &ShortHeaderError{Part: "the 64-bit payload length", At: 2, Have: len(data), Need: h.Size()}
		}
		h.Length = binary.BigEndian.Uint64(data[2:])
	}
	if h.Masked {
		if len(data) < h.Size() {
			return h, &ShortHeaderError{Part: "the masking key", At: 2 + h.Ext, Have: len(data), Need: h.Size()}
		}
		copy(h.Key[:], data[2+h.Ext:])
	}
	return h, nil
}

// Violation is a rule of RFC 6455 a frame header breaks: the offset in the
// frame of the byte that breaks it, what is wrong, and the rule with its
// section.
type Violation struct {
	At   int
	What string
	Rule string
}

func (v *Violation) Error() string { return "" + v.What + ": " + v.Rule }

// Check judges a header as a receiver must when no extension was
// negotiated, and returns the first rule it breaks, in this order, or nil:
//
//   - the opcode: "If an unknown opcode is received, the receiving
//     endpoint MUST _Fail the WebSocket Connection_" (§5.2);
//   - FIN on a control frame: "Control frames themselves MUST NOT be
//     fragmented" (§5.5);
//   - RSV1–3: "MUST be 0 unless an extension is negotiated that defines
//     meanings for non-zero values" (§5.2);
//   - the 64-bit length's most significant bit "MUST be 0" (§5.2);
//   - the length: "the minimal number of bytes MUST be used to encode the
//     length" (§5.2);
//   - a control frame's length: "All control frames MUST have a payload
//     length of 125 bytes or less" (§5.5).
//
// Masking is judged apart, by CheckMask, because it depends on the sender.
func (h Header) Check() *Violation {
	name := OpName(h.Opcode)
	control := IsControl(h.Opcode)
	form := "16-bit"
	if h.Ext == 8 {
		form = "64-bit"
	}
	switch {
	case name == "reserved":
		return &Violation{At: 0, What: fmt.Sprintf("opcode 0x%X, which is reserved,", h.Opcode), Rule: "a receiver fails the connection on an unknown opcode (RFC 6455 §5.2)"}
	case control && !h.FIN:
		return &Violation{At: 0, What: "a " + name + " frame without FIN", Rule: "control frames MUST NOT be fragmented (RFC 6455 §5.5)"}
	case h.RSV != 0 && control:
		return &Violation{At: 0, What: fmt.Sprintf("RSV bits %03b set on a %s frame", h.RSV, name), Rule: "they MUST be 0 unless a negotiated extension defines them, and none does for control frames (RFC 6455 §5.2)"}
	case h.RSV != 0:
		return &Violation{At: 0, What: fmt.Sprintf("RSV bits %03b set on a %s frame", h.RSV, name), Rule: "they MUST be 0 unless a negotiated extension defines them, and none was negotiated (RFC 6455 §5.2)"}
	case h.Ext == 8 && h.Length>>63 != 0:
		return &Violation{At: 2, What: "a 64-bit payload length with its most significant bit set", Rule: "that bit MUST be 0 (RFC 6455 §5.2)"}
	case h.Ext > MinimalExt(h.Length) && control:
		return &Violation{At: 1, What: fmt.Sprintf("a %d-byte payload length written in the %s form", h.Length, form), Rule: "the minimal number of bytes MUST be used to encode the length, and a control frame's fits in 7 bits (RFC 6455 §5.2, §5.5)"}
	case h.Ext > MinimalExt(h.Length):
		return &Violation{At: 1, What: fmt.Sprintf("a %d-byte payload length written in the %s form", h.Length, form), Rule: "the minimal number of bytes MUST be used to encode the length (RFC 6455 §5.2)"}
	case control && h.Length > MaxControlPayload:
		return &Violation{At: 1, What: fmt.Sprintf("a %s frame with a %d-byte payload", name, h.Length), Rule: "control frames MUST have a payload length of 125 bytes or less (RFC 6455 §5.5)"}
	}
	return nil
}

// CheckMask judges the mask bit of a frame sent by a client (fromClient)
// or a server: "a client MUST mask all frames that it sends to the server"
// and "A server MUST NOT mask any frames that it sends to the client"
// (RFC 6455 §5.1).
func (h Header) CheckMask(fromClient bool) *Violation {
	switch {
	case fromClient && !h.Masked:
		return &Violation{At: 1, What: "an unmasked frame from a client", Rule: "a client MUST mask all frames that it sends to the server (RFC 6455 §5.1)"}
	case !fromClient && h.Masked:
		return &Violation{At: 1, What: "a masked frame from a server", Rule: "a server MUST NOT mask any frames that it sends to the client (RFC 6455 §5.1)"}
	}
	return nil
}

// Frame is a frame read from the wire: its header, its payload unmasked,
// and the bytes as they came (header and payload, still masked).
type Frame struct {
	Header
	Payload []byte
	Raw     []byte
}

// ErrTooLarge reports a frame whose stated length is over the reader's
// limit; nothing of that size is allocated.
var ErrTooLarge = errors.New("frame too large")

// LengthError is a frame header stating a payload longer than the limit.
type LengthError struct {
	Length uint64 // as the header states
	Max    int    // the reader's limit
}

func (e *LengthError) Error() string {
	return fmt.Sprintf("frame of %d bytes, over the limit of %d", e.Length, e.Max)
}

func (e *LengthError) Unwrap() error { return ErrTooLarge }

// ReadFrame reads one frame from r and returns it with its payload
// unmasked. A header stating more than max payload bytes is a
// *LengthError, returned before anything of that size is allocated. It
// returns io.EOF when r ends before the frame's first byte and
// io.ErrUnexpectedEOF when r ends inside the frame; it does not judge the
// frame (Header.Check does). On an error inside a frame, the Frame's Raw
// holds the bytes read of it, and its Header the header when all of it
// was read.
func ReadFrame(r io.Reader, max int) (Frame, error) {
	raw := make([]byte, 2, 14)
	if _, err := io.ReadFull(r, raw); err != nil {
		return Frame{}, err
	}
	need := 2
	switch raw[1] & 0x7F {
	case 126:
		need += 2
	case 127:
		need += 8
	}
	if raw[1]&0x80 != 0 {
		need += 4
	}
	raw = raw[:need]
	if n, err := io.ReadFull(r, raw[2:]); err != nil {
		return Frame{Raw: raw[:2+n]}, unexpected(err)
	}
	h, err := ParseHeader(raw)
	if err != nil { // cannot happen: raw holds the whole header
		return Frame{}, err
	}
	f := Frame{Header: h}
	if h.Length > uint64(max) {
		f.Raw = raw
		return f, &LengthError{Length: h.Length, Max: max}
	}
	f.Raw = append(raw, make([]byte, h.Length)...)
	if n, err := io.ReadFull(r, f.Raw[need:]); err != nil {
		f.Raw = f.Raw[:need+n]
		return f, unexpected(err)
	}
	f.Payload = append([]byte(nil), f.Raw[need:]...)
	if h.Masked {
		Mask(h.Key, f.Payload)
	}
	return f, nil
}

// unexpected turns an EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
