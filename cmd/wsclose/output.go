package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// A result is what a command found. It renders itself as text for people;
// as JSON it is marshalled as it stands, with the run's status added.
type result interface {
	writeText(w *bytes.Buffer)
	setStatus(err error, exit int)
}

// status is the part of every JSON object that wsclose prints: the error,
// if any, and the exit status. Every result embeds it.
type status struct {
	Error  string `json:"error,omitempty"`
	Offset *int   `json:"offset,omitempty"` // where in the input the first bad character is
	Exit   int    `json:"exit"`
}

func (s *status) setStatus(err error, exit int) {
	s.Exit = exit
	if err != nil {
		s.Error = err.Error()
		var f *failure
		if errors.As(err, &f) && f.offset >= 0 {
			s.Offset = &f.offset
		}
	}
}

// errorResult is the JSON object for an error that has no result to go
// with it: {"error": …, "exit": N}.
type errorResult struct{ status }

func (*errorResult) writeText(*bytes.Buffer) {}

// failure is an error with the exit status it causes and, for invalid
// input, the offset of the first bad character in the input as typed (-1
// when there is none to name).
type failure struct {
	exit   int
	offset int
	msg    string
	brief  string // for stderr when the result on stdout already shows the detail; "" to use msg
}

func (f *failure) Error() string { return f.msg }

// invalid reports invalid input: exit status 1.
func invalid(format string, a ...any) error {
	return &failure{exit: exitInvalid, offset: -1, msg: fmt.Sprintf(format, a...)}
}

// invalidAt reports invalid input whose first bad character is at offset.
func invalidAt(offset int, format string, a ...any) error {
	return &failure{exit: exitInvalid, offset: offset, msg: fmt.Sprintf(format, a...)}
}

// usageError reports a usage error: exit status 2.
func usageError(msg string) error {
	return &failure{exit: exitUsage, offset: -1, msg: msg}
}

// exitOf is the exit status that err causes: 0 for nil, the failure's
// status, or 1 for any other error.
func exitOf(err error) int {
	var f *failure
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &f):
		return f.exit
	}
	return exitInvalid
}

// writeJSON writes v as one line of JSON, with "<", ">" and "&" as they are.
func writeJSON(w *bytes.Buffer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Not reached: every result marshals.
		panic(err)
	}
}

// maxQuoted is the number of characters of bad input that a message quotes.
const maxQuoted = 40

// excerpt quotes the first 40 characters of s, as Go quotes them (printable
// text as it is, anything else escaped), with "..." after when s is longer.
func excerpt(s string) string {
	head, more := cut(s, maxQuoted)
	if more {
		return fmt.Sprintf("%q...", head)
	}
	return fmt.Sprintf("%q", head)
}

// clip cuts s, a name or a number as typed, after 40 characters, with
// "..." after when it was longer, for messages that show it unquoted.
func clip(s string) string { return clipN(s, maxQuoted) }

// clipN is clip after n characters.
func clipN(s string, n int) string {
	head, more := cut(s, n)
	head = strings.ToValidUTF8(head, "\uFFFD")
	if more {
		return head + "..."
	}
	return head
}

// cut returns the first n characters of s, and whether s is longer.
func cut(s string, n int) (string, bool) {
	i := 0
	for k := 0; i < len(s) && k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], i < len(s)
}

// A field is one line of a result's text: a label and a value.
type field struct{ label, value string }

// writeFields writes fields one a line, the values aligned after the
// longest label.
func writeFields(w *bytes.Buffer, fields []field) {
	width := 0
	for _, f := range fields {
		width = max(width, utf8.RuneCountInString(f.label))
	}
	width = max(width, 8) // the labels line up across results: "sendable" is the longest
	for _, f := range fields {
		fmt.Fprintf(w, "%s%s  %s\n", f.label, strings.Repeat(" ", width-utf8.RuneCountInString(f.label)), f.value)
	}
}

// byteCount spells out a length: "1 byte", "10 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// plain is the text of an error from package wsclose without its
// "wsclose: " prefix, for a message that already has one.
func plain(err error) string {
	return strings.TrimPrefix(err.Error(), "wsclose: ")
}

// quote shows a reason as Go quotes it, keeping printable non-ASCII text.
func quote(s string) string {
	return fmt.Sprintf("%q", s)
}
