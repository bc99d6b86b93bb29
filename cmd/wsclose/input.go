package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxInput is the most input decode reads, from its arguments or standard
// input: a Close frame is at most 14 + 125 bytes, so even a hex dump of one
// is a few hundred characters. Longer input is refused, not cut.
const maxInput = 1 << 20

// errInputTooLong is the message for input over maxInput.
const errInputTooLong = "input longer than 1 MiB; a Close frame is at most 139 bytes"

// readInput returns the text decode works on: its arguments joined by
// spaces, or standard input for "-". It reads at most maxInput bytes and
// refuses longer input rather than cutting it.
func readInput(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 && args[0] == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
		if err != nil {
			return "", invalid("reading standard input: %v", err)
		}
		if len(b) > maxInput {
			return "", invalid(errInputTooLong)
		}
		return string(b), nil
	}
	n := len(args) - 1
	for _, a := range args {
		n += len(a)
		if a == "-" {
			return "", usageError(`"-" (standard input) must be the only argument`)
		}
	}
	if n > maxInput {
		return "", invalid(errInputTooLong)
	}
	return strings.Join(args, " "), nil
}

// hexInput is bytes read from text, with where each byte was written.
type hexInput struct {
	data   []byte
	offset []int  // offset[i]: where in the text data[i]'s first digit is
	dump   bool   // some line was a hex dump line, with offset and ASCII columns
	text   string // the text as typed
}

// describe says how the bytes were read, for decode's "input" line.
func (in *hexInput) describe() string {
	if in.dump {
		return byteCount(len(in.data)) + ", from a hex dump (offset and ASCII columns skipped)"
	}
	return byteCount(len(in.data)) + " of hex"
}

// at returns the offset in the text of data[i], or of the end of the text
// when i is past the data.
func (in *hexInput) at(i int) int {
	if i < len(in.offset) {
		return in.offset[i]
	}
	return len(in.text)
}

// parseHex reads bytes written in hex as people paste them:
//
//   - plain hex, with any whitespace between bytes or groups of bytes, over
//     any number of lines (xxd -p writes 60 digits a line): 03e8 4f4b;
//   - bytes separated by colons or commas, each perhaps with a 0x prefix:
//     03:e8:4f:4b, 0x03,0xe8, 0x03e84f4b;
//   - \x escapes: \x03\xe8\x4f\x4b;
//   - hex dumps with an offset column and an ASCII column, as xxd, hexdump
//     -C and Wireshark's "Copy as Hex Dump" write them:
//     "00000000: 03e8 4f4b  ..OK" or "0000   03 e8 4f 4b   ..OK".
//
// A line is read as a dump line when it starts with an offset equal to the
// number of bytes read so far and either the offset ends in a colon (xxd)
// or the characters after the hex match its bytes as an ASCII column
// (printable ASCII as itself, anything else as "."). Every run of hex
// digits must have an even length; the characters are all checked first,
// so a bad character is reported before an odd count.
func parseHex(text string) (*hexInput, error) {
	in := &hexInput{text: text}
	var odd error
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := strings.TrimRight(text[start:end], "\r")
		if !in.dumpLine(line, start) {
			lineOdd, err := in.hexLine(line, start)
			if err != nil {
				return nil, err
			}
			if odd == nil {
				odd = lineOdd
			}
		}
		start = end + 1
	}
	if odd != nil {
		return nil, odd
	}
	return in, nil
}

// hexLine reads one line of plain hex, 0x and \x forms included, whose
// first character is at offset base in the text. It returns an error for
// a run of hex digits of odd length separately, so that the caller can
// report bad characters on later lines first.
func (in *hexInput) hexLine(line string, base int) (odd, err error) {
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case isSeparator(c):
			i++
			continue
		case c == '\\' && i+1 < len(line) && (line[i+1] == 'x' || line[i+1] == 'X'):
			i += 2
		case c == '0' && i+1 < len(line) && (line[i+1] == 'x' || line[i+1] == 'X') && (i == 0 || isSeparator(line[i-1])):
			i += 2
		}
		j := i
		for j < len(line) && isHexDigit(line[j]) {
			j++
		}
		if j < len(line) && !isSeparator(line[j]) && line[j] != '\\' || j == i {
			return nil, in.notHex(base + j)
		}
		if (j-i)%2 == 1 {
			if odd == nil {
				odd = invalidAt(base+i, "odd number of hex digits (%d) at offset %d in %s", j-i, base+i, excerpt(in.text))
			}
		} else {
			for k := i; k < j; k += 2 {
				b, _ := strconv.ParseUint(line[k:k+2], 16, 8)
				in.data = append(in.data, byte(b))
				in.offset = append(in.offset, base+k)
			}
		}
		i = j
	}
	return odd, nil
}

// notHex is the error for the character at offset that is not hex.
func (in *hexInput) notHex(offset int) error {
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
	return invalidAt(offset, "not hex: %s at offset %d in %s", what, offset, excerpt(in.text))
}

// isSeparator reports whether c may stand between bytes: ASCII whitespace,
// a colon or a comma.
func isSeparator(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\v', '\f', ':', ',':
		return true
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// maxDumpLine is the longest line taken for a hex dump line: xxd -c 256,
// its widest, writes lines of about 900 characters.
const maxDumpLine = 1024

// dumpLine reads line as a line of a hex dump, if it is one, and reports
// whether it was.
func (in *hexInput) dumpLine(line string, base int) bool {
	if len(line) > maxDumpLine {
		return false
	}
	// The offset column: 4 to 8 hex digits, equal to the bytes read so far.
	n := 0
	for n < len(line) && isHexDigit(line[n]) {
		n++
	}
	if n < 4 || n > 8 {
		return false
	}
	if off, _ := strconv.ParseUint(line[:n], 16, 64); off != uint64(len(in.data)) {
		return false
	}
	if in.dump && strings.TrimRight(line[n:], " \t:") == "" {
		return true // the last line of hexdump -C, the offset at the end
	}
	colon := n < len(line) && line[n] == ':'
	rest := n
	if colon {
		rest++
	} else if !strings.HasPrefix(line[n:], "  ") && !strings.HasPrefix(line[n:], "\t") {
		return false // one space: plain hex, such as "0000 03e8"
	}
	// The hex columns: groups of 2 to 8 digits, each followed by spaces.
	type group struct{ start, end int }
	var groups []group
	for i := rest; ; {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && isHexDigit(line[j]) {
			j++
		}
		if j == i || (j-i)%2 == 1 || j-i > 8 || j < len(line) && line[j] != ' ' && line[j] != '\t' {
			break
		}
		groups = append(groups, group{i, j})
		i = j
	}
	var data []byte
	var offset []int
	for k, g := range groups {
		for d := g.start; d < g.end; d += 2 {
			b, _ := strconv.ParseUint(line[d:d+2], 16, 8)
			data = append(data, byte(b))
			offset = append(offset, base+d)
		}
		// The ASCII column is what follows the groups read so far.
		if asciiColumn(line[g.end:], data) ||
			k == len(groups)-1 && colon && strings.TrimSpace(line[g.end:]) == "" { // an xxd line without its ASCII column
			in.data = append(in.data, data...)
			in.offset = append(in.offset, offset...)
			in.dump = true
			return true
		}
	}
	return false
}

// asciiColumn reports whether tail, the rest of a dump line after some hex
// groups, is a gap of spaces and then the ASCII column of b: each byte of
// 0x20 to 0x7e as itself, any other as ".". The column may stand between
// "|" bars (hexdump -C), and spaces at its end may have been lost in
// copying.
func asciiColumn(tail string, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if t, ok := strings.CutSuffix(tail, "|"); ok && len(t) > len(b) && t[len(t)-len(b)-1] == '|' {
		gap, col := t[:len(t)-len(b)-1], t[len(t)-len(b):]
		return gap != "" && strings.TrimLeft(gap, " \t") == "" && asciiMatches(col, b)
	}
	// The column is the last n characters of tail, n = len(b) less the
	// spaces lost at its end, and all before it is the gap: so it holds
	// everything from the first character that is not a space.
	visible := len(strings.TrimLeft(tail, " \t"))
	for lost := 0; lost < len(b); lost++ {
		if lost > 0 && b[len(b)-lost] != ' ' {
			break
		}
		n := len(b) - lost
		if n < visible || n >= len(tail) {
			continue
		}
		if asciiMatches(tail[len(tail)-n:], b[:n]) {
			return true
		}
	}
	return false
}

func asciiMatches(col string, b []byte) bool {
	for i := range b {
		want := byte('.')
		if b[i] >= 0x20 && b[i] <= 0x7e {
			want = b[i]
		}
		if col[i] != want {
			return false
		}
	}
	return true
}
