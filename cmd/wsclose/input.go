package main

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads the bytes that decode and event take, and only here:
// readText gets the text, readBytes turns it into bytes (hex, a hex dump,
// base64, or the word "empty"), and a packet's headers are stepped over by
// readPacket in capture.go.

// maxInput is the most text read, from the arguments or standard input: a
// Close frame is at most 14 + 125 bytes, and even a hex dump of a packet
// holding one is a few kilobytes. Longer input is refused, not cut.
const maxInput = 1 << 20

// readText returns the text a command that takes bytes works on: its
// arguments joined by spaces; or standard input, up to 1 MiB, when the only
// argument is "-" or when there is none and standard input is not a
// terminal. Empty text is refused: it is an empty variable or clipboard
// far more often than the empty Close body, which is written "empty".
func readText(args []string, inv *invocation) (string, error) {
	var text string
	switch {
	case len(args) == 0 && isTerminal(inv.stdin):
		return "", usageError(`missing input: give the bytes as arguments, or pipe them in`)
	case len(args) == 0, len(args) == 1 && args[0] == "-":
		b, err := io.ReadAll(io.LimitReader(inv.stdin, maxInput+1))
		if err != nil {
			return "", unreadable("reading standard input: %v", err)
		}
		text = string(b)
	case slices.Contains(args, "-"):
		return "", usageError(`"-" (standard input) must be the only argument`)
	default:
		text = strings.Join(args, " ")
	}
	if len(text) > maxInput {
		return "", unreadable("input longer than 1 MiB; a Close frame is at most %d bytes", maxFrameLen)
	}
	if strings.TrimSpace(text) == "" {
		return "", unreadable(`empty input; the empty Close body is written "empty"`)
	}
	return text, nil
}

// input is bytes read from text, with where each byte was written.
type input struct {
	data   []byte
	form   string // "hex", "hex dump", "base64" or "empty"
	offset []int  // offset[i]: where in the text data[i]'s first digit is; nil for base64
	text   string
	next   int    // a hex dump's offset column on the next line; -1 before the first
	odd    error  // the first run of hex digits of odd length, reported after any bad character
	packet string // the headers stepped over, when data[start:] is a packet's TCP payload
	start  int
}

// payload is what follows a packet's headers, or all the bytes read.
func (in *input) payload() []byte { return in.data[in.start:] }

// closeBody is the one reading of the bytes as a Close body: the payload of
// the frame they hold (a packet's bytes always hold one, and bytes that
// start with a frame header are one), or else the bytes themselves. f is
// nil for a bare body; bodyStart is where the body starts in the payload.
func (in *input) closeBody() (f *frameInfo, body []byte, bodyStart int, ferr *frameError) {
	if body = in.payload(); in.packet == "" && !looksLikeFrame(body) {
		return nil, body, 0, nil
	}
	h, body, ferr := parseFrame(body)
	if ferr != nil {
		return &h, nil, 0, ferr
	}
	return &h, body, *h.HeaderLen, nil
}

// describe says how the bytes were read, for decode's "input" line.
func (in *input) describe() string {
	if in.form == "empty" {
		return `the word "empty": the empty body`
	}
	return byteCount(len(in.data)) + map[string]string{"hex": " of hex", "base64": " of base64", "frame": ", a Close frame in the capture",
		"hex dump": ", from a hex dump (offset and ASCII columns skipped)"}[in.form]
}

// at returns where in the text byte i of the payload was written (-1 when
// the form keeps no such place), and says it for a message.
func (in *input) at(i int) (int, string) {
	i += in.start
	switch {
	case in.offset == nil:
		return -1, fmt.Sprintf("byte %d of the %s", i, map[string]string{"base64": "decoded base64", "frame": "frame"}[in.form])
	case i < len(in.offset):
		return in.offset[i], fmt.Sprintf("input offset %d", in.offset[i])
	}
	return len(in.text), fmt.Sprintf("input offset %d", len(in.text)) // past the last byte
}

// readBytes reads the bytes written in text, as people paste them:
//
//   - the word "empty", for the empty Close body;
//   - plain hex, with any whitespace between bytes or groups of bytes, over
//     any number of lines (xxd -p writes 60 digits a line): 03e8 4f4b;
//   - bytes separated by colons or commas, each perhaps with a 0x prefix:
//     03:e8:4f:4b, 0x03,0xe8, 0x03e84f4b; \x escapes: \x03\xe8\x4f\x4b;
//   - hex dumps with an offset column and an ASCII column, as xxd, hexdump
//     -C and Wireshark's "Copy as Hex Dump" write them, starting at any
//     offset: "00000002: 03e8 4f4b  ..OK" or "0040   88 82 37 fa   ..7.";
//   - base64, standard or URL-safe, padded or not, when the text is not hex
//     and holds + / or =, or letters of both cases with more than a quarter
//     of its characters no hex digits, so that a typo in hex, or a word, is
//     not read as base64.
//
// A line is a dump line when it starts with an offset of 4 to 8 hex digits
// followed by a colon (xxd) or by two spaces or a tab, and the characters
// after the hex match its bytes as an ASCII column (printable ASCII as
// itself, anything else as ".", xxd's colon form may omit it). Each dump
// line's offset must follow from the line before: a dump with lines missing
// is refused, not joined.
func readBytes(text string) (*input, error) {
	if strings.TrimSpace(text) == "empty" {
		return &input{data: []byte{}, form: "empty", offset: []int{}, text: text}, nil
	}
	in, err := parseHex(text)
	if err == nil {
		return in, in.stepOverPacket()
	}
	compact := strings.Join(strings.Fields(text), "")
	nonHex := 0 // bytes that are no hex digit
	for i := range len(compact) {
		nonHex += 1 - hexRun(compact[i:i+1])
	}
	mixedCase := strings.ToLower(compact) != compact && strings.ToUpper(compact) != compact
	if strings.ContainsAny(compact, "+/=") || mixedCase && 4*nonHex > len(compact) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, berr := enc.Strict().DecodeString(compact); berr == nil {
				in := &input{data: b, form: "base64", text: text}
				return in, in.stepOverPacket()
			}
		}
		err.(*failure).msg += "; nor is it base64"
	}
	return nil, err
}

// stepOverPacket reads the bytes as a packet, when their headers say they
// are one (readPacket), and then takes the first Close frame in its TCP
// payload, or else its first frame, so that decode names it. A payload
// that holds no whole frame is refused: it is not what decode reads.
func (in *input) stepOverPacket() error {
	s := readPacket(in.data)
	if s == nil {
		return nil
	}
	in.packet = s.describe()
	for k, n := 0, frameLen(s.payload); n > 0; k, n = k+n, frameLen(s.payload[k+n:]) {
		if isClose := s.payload[k]&0x0F == 0x8; k == 0 || isClose {
			in.start, in.data = s.start+k, in.data[:s.start+k+n]
			if isClose {
				return nil
			}
		}
	}
	if in.start > 0 { // the payload's first frame, which is no Close frame
		return nil
	}
	return unreadable("the bytes are a packet (%s) whose TCP payload holds no whole WebSocket frame (it starts %s); copy only the WebSocket frame (in Wireshark, select the WebSocket layer, then Copy, ...as Hex Dump), or save the capture for decode --pcap, which joins a frame split over segments", s.describe(), excerpt(string(s.payload[:min(len(s.payload), 16)])))
}

// parseHex reads text as hex, line by line; see readBytes.
func parseHex(text string) (*input, error) {
	in := &input{form: "hex", text: text, next: -1, offset: []int{}}
	base := 0
	for raw := range strings.Lines(text) {
		line := strings.TrimRight(raw, "\r\n")
		isDump, err := in.dumpLine(line, base)
		if err == nil && !isDump {
			err = in.hexLine(line, base)
		}
		if err != nil {
			return nil, err
		}
		base += len(raw)
	}
	if in.odd != nil {
		return nil, in.odd
	}
	return in, nil
}

// hexLine reads one line of plain hex, 0x and \x forms included, whose
// first character is at offset base in the text. A run of hex digits of
// odd length is kept in in.odd, so that bad characters on later lines are
// reported first.
func (in *input) hexLine(line string, base int) error {
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case isSeparator(c):
			i++
			continue
		case i+1 < len(line) && (line[i+1] == 'x' || line[i+1] == 'X') && (c == '\\' || c == '0' && (i == 0 || isSeparator(line[i-1]))):
			i += 2 // a \x, or a 0x that starts a group
		}
		j := i + hexRun(line[i:])
		if j < len(line) && !isSeparator(line[j]) && line[j] != '\\' || j == i {
			return in.notHex(base + j)
		}
		if (j-i)%2 == 1 {
			in.odd = cmp.Or(in.odd, unreadableAt(base+i, "odd number of hex digits (%d) at offset %d in %s", j-i, base+i, excerpt(in.text)))
		} else {
			in.add(line[i:j], base+i)
		}
		i = j
	}
	return nil
}

// add appends the bytes of digits, an even run of hex digits at offset at.
func (in *input) add(digits string, at int) {
	in.data, _ = hex.AppendDecode(in.data, []byte(digits))
	for k := 0; k < len(digits); k += 2 {
		in.offset = append(in.offset, at+k)
	}
}

// hexRun is the number of hex digits s starts with.
func hexRun(s string) int {
	n := 0
	for n < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[n]) >= 0 {
		n++
	}
	return n
}

// notHex is the error for the character at offset that is not hex.
func (in *input) notHex(offset int) error {
	what := "end of input"
	if offset < len(in.text) {
		r, size := utf8.DecodeRuneInString(in.text[offset:])
		switch {
		case r == utf8.RuneError && size == 1:
			what = fmt.Sprintf("byte 0x%02x", in.text[offset])
		case r < utf8.RuneSelf && strconv.IsPrint(r):
			what = strconv.QuoteRune(r)
		default:
			what = fmt.Sprintf("%s (%U)", strconv.QuoteRune(r), r)
		}
	}
	return unreadableAt(offset, "not hex: %s at offset %d in %s", what, offset, excerpt(in.text))
}

// isSeparator reports whether c may stand between bytes: ASCII whitespace,
// a colon or a comma.
func isSeparator(c byte) bool {
	return strings.IndexByte(" \t\r\n\v\f:,", c) >= 0
}

// maxDumpLine is the longest line taken for a hex dump line: xxd -c 256,
// its widest, writes lines of about 900 characters.
const maxDumpLine = 1024

// dumpLine reads line, at offset base in the text, as a line of a hex dump
// if it is one, and reports whether it was.
func (in *input) dumpLine(line string, base int) (bool, error) {
	n := hexRun(line)
	if len(line) > maxDumpLine || n < 4 || n > 8 {
		return false, nil
	}
	off, _ := strconv.ParseUint(line[:n], 16, 64)
	if in.next >= 0 && strings.TrimRight(line[n:], " \t:") == "" {
		return true, nil // the last line of hexdump -C, the offset at the end
	}
	colon := n < len(line) && line[n] == ':'
	i := n
	if colon {
		i++
	} else if !strings.HasPrefix(line[n:], "  ") && !strings.HasPrefix(line[n:], "\t") {
		return false, nil // one space: plain hex, such as "0000 03e8"
	}
	// The hex columns: groups of 2 to 8 digits, each followed by spaces;
	// the ASCII column is what follows the groups read so far.
	var row input
	for {
		i = len(line) - len(strings.TrimLeft(line[i:], " \t"))
		j := i + hexRun(line[i:])
		if j == i || (j-i)%2 == 1 || j-i > 8 || j < len(line) && line[j] != ' ' && line[j] != '\t' {
			return false, nil
		}
		row.add(line[i:j], base+i)
		if asciiColumn(line[j:], row.data) || colon && strings.TrimSpace(line[j:]) == "" {
			break
		}
		i = j
	}
	if in.next >= 0 && off != uint64(in.next) {
		return false, unreadableAt(base, "the hex dump goes from offset %x to %x at input offset %d: lines are missing", in.next, off, base)
	}
	in.data, in.offset = append(in.data, row.data...), append(in.offset, row.offset...)
	in.form, in.next = "hex dump", int(off)+len(row.data)
	return true, nil
}

// asciiColumn reports whether tail, the rest of a dump line after some hex
// groups, is a gap of spaces and then the ASCII column of b: each byte of
// 0x20 to 0x7e as itself, any other as ".". The column may stand between
// "|" bars (hexdump -C), and spaces at its end may have been lost in
// copying.
func asciiColumn(tail string, b []byte) bool {
	col := make([]byte, len(b))
	for i, c := range b {
		col[i] = '.'
		if c >= 0x20 && c <= 0x7e {
			col[i] = c
		}
	}
	if t, ok := strings.CutSuffix(tail, "|"); ok && len(t) > len(b) && t[len(t)-len(b)-1] == '|' {
		gap := t[:len(t)-len(b)-1]
		return gap != "" && strings.TrimLeft(gap, " \t") == "" && strings.HasSuffix(t, string(col))
	}
	// The column is the last n characters of tail, n = len(b) less the
	// spaces lost at its end, and all before it is the gap.
	visible := len(strings.TrimLeft(tail, " \t"))
	for n := len(col); n > 0 && (n == len(col) || col[n] == ' '); n-- {
		if n >= visible && n < len(tail) && strings.HasSuffix(tail, string(col[:n])) {
			return true
		}
	}
	return false
}
