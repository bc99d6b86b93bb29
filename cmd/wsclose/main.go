// Command wsclose decodes, encodes, explains and checks WebSocket close
// codes, Close frames and closing handshakes from the terminal, with the
// rules of RFC 6455, the IANA WebSocket Close Code Number Registry and the
// WHATWG WebSockets Standard as package github.com/wsclose/wsclose
// implements them.
//
// Each command reads its input (input.go and capture.go for bytes), decides
// (a function that returns a result and no text), and output.go renders the
// result as text or as one JSON object. Run "wsclose -h" for the usage, and
// "wsclose help COMMAND" for a command's arguments, flags and examples.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/wsclose/wsclose"
)

// Exit statuses, the same for every command; help.txt says them.
const (
	exitOK         = 0 // the input was read and everything in it is valid
	exitRule       = 1 // the input was read and breaks a rule
	exitUnreadable = 2 // the input could not be read, or the usage is wrong
	exitWrite      = 3 // writing the output failed
)

// A command is one of wsclose's subcommands.
type command struct {
	name      string
	usageLine string   // after "wsclose ", from help.txt
	short     string   // one line for the command list, from help.txt
	long      string   // the help text after the usage line, from help.txt
	flags     []string // the flags it takes besides --json
	fields    []string // its JSON object's fields, before "error", "offset" and "exit"
	minArgs   int
	maxArgs   int // -1: no limit

	// run decides: it returns what the command found, or an error that
	// decides the exit status. It prints nothing.
	run func(inv *invocation) (result, error)
}

// invocation is one run's arguments and flags, parsed once for every
// command.
type invocation struct {
	args            []string
	stdin           io.Reader
	json, help      bool
	truncate, lossy bool
	role            wsclose.Role
	pcap            string
	probe           probeFlags
	addr            string    // serve
	live            io.Writer // a long-running command's messages while it runs
}

// commands are wsclose's subcommands, in the order the usage lists them.
var commands = []*command{cmdDecode, cmdEncode, cmdExplain, cmdCheck, cmdEvent, cmdProbe, cmdServe, cmdVersion}

// newFlagSet defines every flag of every command on one set, so that flags
// are parsed one way and may stand anywhere, before the command included.
// Each usage is the flag's line in the help.
func newFlagSet(inv *invocation) *flag.FlagSet {
	fs := flag.NewFlagSet("wsclose", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&inv.json, "json", false, "print one JSON object for scripts")
	fs.BoolVar(&inv.truncate, "truncate", false, "cut a reason over 123 bytes at a character boundary (never repairs)")
	fs.BoolVar(&inv.lossy, "lossy", false, "replace each ill-formed UTF-8 sequence in the reason with U+FFFD, and say so")
	fs.StringVar(&inv.pcap, "pcap", "", "read the Close frames of the TCP streams in a .pcap or .pcapng FILE")
	inv.probe.define(fs)
	fs.StringVar(&inv.addr, "addr", "127.0.0.1:9001", "serve: the address to listen on (default 127.0.0.1:9001)")
	fs.BoolVar(&inv.help, "h", false, "")
	fs.BoolVar(&inv.help, "help", false, "")
	fs.Bool("version", false, "")
	inv.role = wsclose.Client
	fs.Func("role", "the end that receives the bodies: client or server", func(s string) error {
		switch s {
		case "client":
			inv.role = wsclose.Client
		case "server":
			inv.role = wsclose.Server
		default:
			return errors.New("is client or server")
		}
		return nil
	})
	return fs
}

func lookup(name string) *command {
	if i := slices.IndexFunc(commands, func(c *command) bool { return c.name == name }); i >= 0 {
		return commands[i]
	}
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program apart from the process: tests and the fuzz
// target call it directly. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	inv := &invocation{stdin: stdin}
	fs := newFlagSet(inv)
	out := &output{stdout: stdout, stderr: stderr}
	positional, err := parseInterspersed(fs, args)
	out.json = inv.json
	inv.live = stdout
	if inv.json {
		inv.live = stderr // standard output is the one JSON object
	}
	if err != nil {
		msg := strings.NewReplacer("flag -", "flag --", "defined: -", "defined: --").Replace(err.Error())
		if strings.HasPrefix(msg, "flag provided but not defined") {
			msg += `; put "--" before arguments that begin with "-"`
		}
		return out.finish(nil, nil, usageError(msg))
	}
	if v := fs.Lookup("version"); v.Value.String() == "true" {
		positional = append([]string{"version"}, positional...)
	}
	if len(positional) == 0 {
		if inv.help {
			return out.help(usageText())
		}
		if out.json {
			return out.finish(nil, nil, usageError(`no command; run "wsclose -h" for the usage`))
		}
		return out.write(stderr, usageText(), exitUnreadable)
	}
	name := positional[0]
	var helpCmd *command // cmdHelp when run as "wsclose help [COMMAND]"
	if name == "help" {
		switch len(positional) {
		case 1:
			return out.help(usageText())
		case 2:
			name, helpCmd, inv.help = positional[1], cmdHelp, true
		default:
			return out.finish(cmdHelp, nil, usageError("takes one command name"))
		}
	}
	c := lookup(name)
	if c == nil {
		return out.finish(helpCmd, nil, usageError("unknown command "+excerpt(name)+`; run "wsclose -h" for the usage`))
	}
	if inv.help {
		return out.help(helpText(c))
	}
	inv.args = positional[1:]
	var stray []string
	fs.Visit(func(f *flag.Flag) {
		if !slices.Contains(c.flags, f.Name) && f.Name != "json" && !(f.Name == "version" && c == cmdVersion) {
			stray = append(stray, "--"+f.Name)
		}
	})
	switch n := len(inv.args); {
	case len(stray) > 0:
		err = usageError(fmt.Sprintf("%s takes no %s", c.name, strings.Join(stray, ", ")))
	case c.maxArgs == 0 && n > 0:
		err = usageError("takes no arguments")
	case n < c.minArgs:
		err = usageError("missing arguments")
	case c.maxArgs >= 0 && n > c.maxArgs:
		err = usageError(fmt.Sprintf("too many arguments (at most %d)", c.maxArgs))
	}
	if err != nil {
		return out.finish(c, nil, err)
	}
	res, err := c.run(inv)
	if c == cmdDecode && inv.pcap != "" {
		c = cmdDecodePcap
	}
	return out.finish(c, res, err)
}

// isTerminal reports whether r is a terminal, from which wsclose reads
// nothing unasked.
func isTerminal(r io.Reader) bool {
	f, _ := r.(*os.File) // nil for another reader, whose Stat fails with os.ErrInvalid
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// parseInterspersed parses flags wherever they stand among the arguments,
// so that "wsclose --json decode 03e8" and "encode 1000 bye --json" work,
// and returns the other arguments. "-" alone is an argument, and so is
// anything that reads as a JavaScript number (-1, -Infinity, -1e999), since
// check takes one; "--" ends the flags. A flag that takes a value takes the
// next argument unless written --f=v.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			positional, i = append(positional, args[i+1:]...), len(args)
		case len(a) < 2 || a[0] != '-' || jsNumber.MatchString(a):
			positional = append(positional, a)
		default:
			flags = append(flags, a)
			if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil && i+1 < len(args) { // nil for --f=v and unknown flags
				if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
					i++
					flags = append(flags, args[i])
				}
			}
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}
