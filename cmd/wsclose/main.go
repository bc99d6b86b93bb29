// Command wsclose decodes, encodes, explains and checks WebSocket close
// codes, Close frames and closing handshakes from the terminal, with the
// rules of RFC 6455, the IANA WebSocket Close Code Number Registry and the
// WHATWG WebSockets Standard as package github.com/wsclose/wsclose
// implements them.
//
// Run "wsclose -h" for the usage, and "wsclose help COMMAND" for a
// command's arguments, flags and examples.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Exit statuses, the same for every command.
const (
	exitOK      = 0 // all is well
	exitInvalid = 1 // invalid input: anything typed that is not acceptable, arguments included
	exitUsage   = 2 // unknown command or flag, wrong number of arguments
	exitWrite   = 3 // writing the output failed
)

// A command is one of wsclose's subcommands, in the manner of cmd/go's
// base.Command: its usage line, short and long help, and its flags, which
// it defines on a flag.FlagSet of its own.
type command struct {
	name      string
	usageLine string // after "wsclose ", e.g. "decode [--json] HEX...|-"
	short     string // one line for the command list
	long      string // the help text after the usage line
	minArgs   int
	maxArgs   int // -1: no limit

	// setup defines the command's own flags on fs (--json is defined for
	// every command) and returns the function that runs it with its
	// arguments. A result goes to stdout, rendered as text or as JSON; a
	// non-nil error is reported on stderr and decides the exit status.
	setup func(fs *flag.FlagSet) func(args []string, stdin io.Reader) (result, error)
}

// commands are wsclose's subcommands, in the order the usage lists them.
// help and version are handled by run itself.
var commands = []*command{cmdDecode, cmdEncode, cmdExplain, cmdCheck, cmdEvent, cmdVersion}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usageText is the one source of wsclose's usage: "wsclose -h" prints it,
// and the package doc and the README point to it.
func usageText() string {
	var b strings.Builder
	b.WriteString(`wsclose decodes, encodes, explains and checks WebSocket close codes, Close
frames and closing handshakes (RFC 6455, the IANA registry, the WHATWG
WebSockets Standard).

Usage:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "\n  wsclose %s\n        %s\n", c.usageLine, c.short)
	}
	b.WriteString(`
Run "wsclose help COMMAND" for a command's details and examples.

` + commonHelp)
	return b.String()
}

// commonHelp is what every command's help ends with.
const commonHelp = `With --json, standard output is exactly one JSON object, errors included:
the command's fields, "error" when there is one, and "exit", the exit status.
Flags may stand anywhere among the arguments; after "--" nothing is a flag,
so that a reason may begin with "-": wsclose encode -- 1000 -x.

Exit status: 0 ok; 1 invalid input (anything typed that is not acceptable,
arguments included); 2 usage error (unknown command or flag, wrong number of
arguments); 3 writing the output failed.
`

// helpText is "wsclose help CMD": the usage line, the help, the flags.
func helpText(c *command, fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: wsclose %s\n\n%s\nFlags:\n", c.usageLine, c.long)
	fs.VisitAll(func(f *flag.Flag) {
		name := "--" + f.Name
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			name += " " + strings.ToUpper(f.Name)
		}
		fmt.Fprintf(&b, "  %-16s %s\n", name, f.Usage)
	})
	b.WriteString("\n" + commonHelp)
	return b.String()
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program apart from the process: tests and the fuzz
// target call it directly. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &output{stdout: stdout, stderr: stderr, json: jsonRequested(args)}
	if len(args) == 0 {
		if out.json {
			return out.fail("wsclose", usageError("no command; run \"wsclose -h\" for the usage"))
		}
		return out.textTo(stderr, usageText(), exitUsage)
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		return out.help(usageText())
	case "help":
		return runHelp(out, args[1:])
	case "-version", "--version":
		name, args = "version", append([]string{"version"}, args[1:]...)
	}
	c := lookup(name)
	if c == nil {
		return out.fail("wsclose "+clip(name), usageError("unknown command; run \"wsclose -h\" for the usage"))
	}
	cmdName := "wsclose " + c.name
	fs := flag.NewFlagSet(cmdName, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&out.json, "json", out.json, "print one JSON object for scripts")
	exec := c.setup(fs)
	positional, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return out.help(helpText(c, fs))
	}
	if err != nil {
		return out.fail(cmdName, usageError(clipN(err.Error(), 100)+hintDashes(err)), c)
	}
	if len(positional) < c.minArgs || (c.maxArgs >= 0 && len(positional) > c.maxArgs) {
		return out.fail(cmdName, usageError(argCountText(c, len(positional))), c)
	}
	res, err := exec(positional, stdin)
	return out.finish(cmdName, res, err, c)
}

// runHelp is "wsclose help [COMMAND]".
func runHelp(out *output, args []string) int {
	args = slices.DeleteFunc(slices.Clone(args), func(a string) bool { return strings.TrimLeft(a, "-") == "json" })
	switch {
	case len(args) == 0:
		return out.help(usageText())
	case len(args) > 1:
		return out.fail("wsclose help", usageError("takes one command name"))
	}
	c := lookup(args[0])
	if c == nil {
		return out.fail("wsclose help", usageError(fmt.Sprintf("unknown command %s; run \"wsclose -h\" for the usage", excerpt(args[0]))))
	}
	fs := flag.NewFlagSet("wsclose "+c.name, flag.ContinueOnError)
	fs.Bool("json", false, "print one JSON object for scripts")
	c.setup(fs)
	return out.help(helpText(c, fs))
}

// argCountText says what is wrong with the number of arguments.
func argCountText(c *command, n int) string {
	switch {
	case c.maxArgs == 0:
		return "takes no arguments"
	case n < c.minArgs:
		return "missing arguments"
	}
	return fmt.Sprintf("too many arguments (at most %d)", c.maxArgs)
}

// hintDashes adds, to the flag package's complaint about an undefined flag,
// how to pass an argument that begins with "-".
func hintDashes(err error) string {
	if strings.HasPrefix(err.Error(), "flag provided but not defined") {
		return `; put "--" before arguments that begin with "-"`
	}
	return ""
}

// jsonRequested reports whether --json is among args before any "--", so
// that a usage error found before or while the flags are parsed is still
// reported as JSON.
func jsonRequested(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "json" {
			continue
		}
		if !hasValue {
			return true
		}
		b, err := strconv.ParseBool(value)
		return err == nil && b
	}
	return false
}

// parseInterspersed parses flags wherever they stand among the arguments,
// so that "encode 1000 bye --json" works as "encode --json 1000 bye", and
// returns the other arguments. "-" alone is an argument, and so is anything
// that reads as a JavaScript number (-1, -Infinity, -1e999), since check
// takes one; "--" ends the flags, so that a reason may begin with "-". A
// flag that takes a value takes the next argument unless written --f=v.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' || isNumberLiteral(a) {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}

// output is where a run's results and messages go.
type output struct {
	stdout, stderr io.Writer
	json           bool
}

// help prints help text on stdout, or as {"help": …} with --json.
func (o *output) help(text string) int {
	if o.json {
		return o.jsonTo(struct {
			Help string `json:"help"`
			Exit int    `json:"exit"`
		}{text, exitOK}, exitOK)
	}
	return o.textTo(o.stdout, text, exitOK)
}

// jsonTo writes v as JSON on stdout and returns exit, or exitWrite if the
// write failed.
func (o *output) jsonTo(v any, exit int) int {
	var b bytes.Buffer
	writeJSON(&b, v)
	return o.textTo(o.stdout, b.String(), exit)
}

// textTo writes s to w and returns exit, or exitWrite if the write failed.
func (o *output) textTo(w io.Writer, s string, exit int) int {
	if _, err := io.WriteString(w, s); err != nil {
		return exitWrite
	}
	return exit
}

// fail reports err, which has no result to go with it.
func (o *output) fail(cmdName string, err error, c ...*command) int {
	return o.finish(cmdName, nil, err, c...)
}

// finish renders a command's result and error: the result on stdout, as
// text or JSON, and the error as "wsclose CMD: message" on stderr, followed
// for a usage error by the command's usage line. It returns the exit status:
// the error's, or exitWrite if writing either failed.
func (o *output) finish(cmdName string, res result, err error, c ...*command) int {
	exit := exitOf(err)
	var stdout bytes.Buffer
	switch {
	case o.json:
		r := res
		if r == nil {
			r = &errorResult{}
		}
		r.setStatus(err, exit)
		writeJSON(&stdout, r)
	case res != nil:
		res.writeText(&stdout)
	}
	var stderr bytes.Buffer
	if err != nil {
		msg := err.Error()
		var f *failure
		if !o.json && stdout.Len() > 0 && errors.As(err, &f) && f.brief != "" {
			msg = f.brief
		}
		fmt.Fprintf(&stderr, "%s: %s\n", cmdName, msg)
		if exit == exitUsage && len(c) == 1 && !o.json {
			fmt.Fprintf(&stderr, "usage: wsclose %s\nRun \"wsclose help %s\" for details.\n", c[0].usageLine, c[0].name)
		}
	}
	if stdout.Len() > 0 {
		if _, werr := o.stdout.Write(stdout.Bytes()); werr != nil {
			exit = exitWrite
			fmt.Fprintf(&stderr, "%s: writing the output: %v\n", cmdName, werr)
		}
	}
	if stderr.Len() > 0 {
		if _, werr := o.stderr.Write(stderr.Bytes()); werr != nil {
			exit = exitWrite
		}
	}
	return exit
}
