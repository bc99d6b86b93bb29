package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// A result is what a command found. As text it is rows of cells, which the
// renderer aligns with text/tabwriter; as JSON it is marshalled as it
// stands, every field present (null when unknown), with the run's status.
type result interface {
	rows() [][]string
	setStatus(s status)
}

// status is the part of every JSON object that wsclose prints. Every
// result embeds it.
type status struct {
	Error  *string `json:"error"`
	Offset *int    `json:"offset"` // where in the input the first bad character is
	Exit   int     `json:"exit"`
}

func (s *status) setStatus(t status) { *s = t }

// failure is an error with the exit status it causes and, for input that
// breaks a rule or cannot be read, the offset of the first bad character in
// the input as typed (-1 when there is none to name).
type failure struct {
	exit   int
	offset int
	msg    string
	usage  bool   // a usage error: stderr shows the usage line
	brief  string // for stderr when the text on stdout already shows the detail; "" to use msg
}

func (f *failure) Error() string { return f.msg }

// broken, unreadable and unreadableAt report input that breaks a rule
// (exit status 1) or could not be read (2, with the offset of the first bad
// character when there is one); usageError a usage error (2).
func broken(format string, a ...any) error {
	return &failure{exit: exitRule, offset: -1, msg: fmt.Sprintf(format, a...)}
}
func unreadable(format string, a ...any) error { return unreadableAt(-1, format, a...) }
func unreadableAt(offset int, format string, a ...any) error {
	return &failure{exit: exitUnreadable, offset: offset, msg: fmt.Sprintf(format, a...)}
}
func usageError(msg string) error {
	return &failure{exit: exitUnreadable, offset: -1, msg: msg, usage: true}
}

// asFailure is err as a failure; an error of another type breaks a rule.
func asFailure(err error) *failure {
	var f *failure
	if !errors.As(err, &f) {
		f = &failure{exit: exitRule, offset: -1, msg: err.Error()}
	}
	return f
}

// status is the JSON status of a run that failed with f.
func (f *failure) status() status {
	st := status{Error: &f.msg, Exit: f.exit}
	if f.offset >= 0 {
		st.Offset = &f.offset
	}
	return st
}

// note is a result's remark for standard error that is no error.
type note interface{ note() string }

// output is where a run's results and messages go.
type output struct {
	stdout, stderr io.Writer
	json           bool
}

// help prints help text on stdout, or as {"help": …} with --json.
func (o *output) help(text string) int {
	if o.json {
		var b bytes.Buffer
		writeJSON(&b, struct {
			Help string `json:"help"`
			status
		}{Help: text})
		text = b.String()
	}
	return o.write(o.stdout, text, exitOK)
}

// write writes s to w and returns exit, or exitWrite if the write failed.
func (o *output) write(w io.Writer, s string, exit int) int {
	if _, err := io.WriteString(w, s); err != nil {
		return exitWrite
	}
	return exit
}

// finish is the one renderer: it prints command c's result on stdout, as
// text or JSON, and the error as "wsclose CMD: message" on stderr, followed
// for a usage error by the command's usage line. A JSON error with no
// result is the command's fields, all null. It returns the exit status: the
// error's, or exitWrite if writing either failed.
func (o *output) finish(c *command, res result, err error) int {
	st := status{Exit: exitOK}
	var f *failure
	if err != nil {
		f = asFailure(err)
		st = f.status()
	}
	var stdout, stderr bytes.Buffer
	switch {
	case o.json && res == nil:
		writeNullObject(&stdout, c, st)
	case o.json:
		res.setStatus(st)
		writeJSON(&stdout, res)
	case res != nil:
		tw := tabwriter.NewWriter(&stdout, 0, 0, 2, ' ', 0)
		for _, row := range res.rows() {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	name := "wsclose"
	if c != nil {
		name += " " + c.name
	}
	if n, ok := res.(note); ok && n.note() != "" {
		fmt.Fprintf(&stderr, "%s: %s\n", name, n.note())
	}
	if f != nil {
		msg := f.msg
		if !o.json && stdout.Len() > 0 && f.brief != "" {
			msg = f.brief
		}
		fmt.Fprintf(&stderr, "%s: %s\n", name, msg)
		if f.usage && c != nil && !o.json {
			fmt.Fprintf(&stderr, "usage: wsclose %s\nRun \"wsclose help %s\" for details.\n", c.usageLine, c.name)
		}
	}
	exit := st.Exit // WriteTo writes nothing, and cannot fail, for an empty buffer
	if _, werr := stdout.WriteTo(o.stdout); werr != nil {
		exit = exitWrite
		fmt.Fprintf(&stderr, "%s: writing the output: %v\n", name, werr)
	}
	if _, werr := stderr.WriteTo(o.stderr); werr != nil {
		exit = exitWrite
	}
	return exit
}

// writeNullObject writes the JSON object of a run that has no result: each
// of c's fields null, then the status. Without a command it is the status.
func writeNullObject(w *bytes.Buffer, c *command, st status) {
	var b bytes.Buffer
	writeJSON(&b, st)
	w.WriteByte('{')
	if c != nil {
		for _, f := range c.fields {
			fmt.Fprintf(w, "%q:null,", f)
		}
	}
	w.Write(b.Bytes()[1:])
}

// writeJSON writes v as one line of JSON, with "<", ">" and "&" as they are.
func writeJSON(w *bytes.Buffer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // not reached: every result marshals
	}
}

// maxQuoted is the number of characters of bad input that a message quotes.
const maxQuoted = 40

// excerpt quotes the first 40 characters of s, as Go quotes them (printable
// text as it is, anything else escaped), with "..." after when s is longer.
func excerpt(s string) string {
	k := 0
	for i := range s { // i is where character k starts
		if k == maxQuoted {
			return fmt.Sprintf("%q...", s[:i])
		}
		k++
	}
	return fmt.Sprintf("%q", s)
}

// byteCount spells out a length: "1 byte", "10 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// quote shows a reason as Go quotes it, keeping printable non-ASCII text.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// ptr returns a pointer to v, for the JSON fields that are null when unknown.
func ptr[T any](v T) *T { return &v }
