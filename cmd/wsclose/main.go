// Command wsclose decodes, encodes, explains and checks WebSocket close
// codes and Close frames from the terminal.
//
// Usage:
//
//	wsclose decode [--json] HEX|-        decode a Close body or a whole Close frame
//	wsclose encode [--json] [--truncate] CODE [REASON]
//	                                     print the Close body for CODE and REASON as hex
//	wsclose explain [--json] [CODE...]   what a code means and who may send it
//	wsclose check [--json] CODE [REASON] what a browser's close(CODE, REASON) does
//	wsclose version                      the module and Go versions (also --version)
//
// HEX may be written 03e8…, 03 e8 …, 03:e8:… or 0x03e8…; "-" reads it from
// standard input. Exit status: 0 when all is well, 1 when the input is
// invalid (a bad body, a code or reason that may not be sent, an exception
// from close()), 2 for a usage error.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Exit statuses.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

const usage = `wsclose decodes, encodes, explains and checks WebSocket close codes and
Close frames (RFC 6455, the IANA registry, the WHATWG close() method).

Usage:
  wsclose decode [--json] HEX|-          decode a Close body, or a whole Close frame
  wsclose encode [--json] [--truncate] CODE [REASON]
                                         print the Close body as hex
  wsclose explain [--json] [CODE...]     what a code means and who may send it;
                                         with no CODE, the whole registry
  wsclose check [--json] CODE [REASON]   what a browser's close(CODE, REASON) does
  wsclose version                        the module and Go versions (also --version)

HEX may be written 03e8..., "03 e8 ...", 03:e8:... or 0x03e8...; "-" reads it
from standard input. A whole frame (first byte 0x88, masked or not), as a
capture shows it, is decoded too. CODE for check may be fractional: Web IDL
[Clamp] rounds it half to even.

Flags:
  --json       print JSON for scripts
  --truncate   (encode) cut an over-long reason to 123 bytes at a character boundary

Examples:
  wsclose decode 03e9676f696e672061776179
  wsclose decode 88 82 37 fa 21 3d 34 12
  wsclose encode 3000 接続
  wsclose explain 1014
  wsclose check 2999.5

Exit status: 0 ok, 1 invalid input, 2 usage error.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand: it gets its flags and arguments parsed and
// returns an exit status.
type command struct {
	minArgs, maxArgs int // maxArgs < 0: no limit
	truncateFlag     bool
	run              func(c *invocation) int
}

var commands = map[string]command{
	"decode":  {minArgs: 1, maxArgs: -1, run: runDecode},
	"encode":  {minArgs: 1, maxArgs: 2, truncateFlag: true, run: runEncode},
	"explain": {minArgs: 0, maxArgs: -1, run: runExplain},
	"check":   {minArgs: 1, maxArgs: 2, run: runCheck},
}

// invocation is what a subcommand works with.
type invocation struct {
	name     string
	args     []string
	json     bool
	truncate bool
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
}

// run is the whole program, apart from the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version", "-version", "--version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "wsclose version: takes no arguments\n\n%s", usage)
			return exitUsage
		}
		fmt.Fprint(stdout, versionLine())
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wsclose: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	inv := &invocation{name: args[0], stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("wsclose "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&inv.json, "json", false, "print JSON")
	if cmd.truncateFlag {
		fs.BoolVar(&inv.truncate, "truncate", false, "cut an over-long reason")
	}
	positional, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "wsclose %s: %v\n\n%s", inv.name, err, usage)
		return exitUsage
	}
	if len(positional) < cmd.minArgs || (cmd.maxArgs >= 0 && len(positional) > cmd.maxArgs) {
		fmt.Fprintf(stderr, "wsclose %s: wrong number of arguments\n\n%s", inv.name, usage)
		return exitUsage
	}
	inv.args = positional
	return cmd.run(inv)
}

// parseInterspersed parses flags wherever they stand among the arguments,
// so that "encode 1000 bye --json" works as "encode --json 1000 bye". A
// number such as -1 or -Inf is an argument, not a flag, since check takes
// any number; "-" alone is an argument; "--" ends the flags, so that a
// reason may begin with "-". The flags are all boolean, so each is parsed
// on its own.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for i, a := range args {
		if a == "--" {
			return append(positional, args[i+1:]...), nil
		}
		if _, err := strconv.ParseFloat(a, 64); len(a) > 1 && a[0] == '-' && err != nil {
			if err := fs.Parse([]string{a}); err != nil {
				return nil, err
			}
			continue
		}
		positional = append(positional, a)
	}
	return positional, nil
}

// fail reports invalid input on stderr and returns exitInvalid.
func (c *invocation) fail(format string, a ...any) int {
	fmt.Fprintf(c.stderr, "wsclose %s: %s\n", c.name, fmt.Sprintf(format, a...))
	return exitInvalid
}

// printJSON writes v as one line of JSON.
func (c *invocation) printJSON(v any) {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.stderr, "wsclose %s: %v\n", c.name, err)
	}
}

// quote shows a reason as Go quotes it, keeping printable non-ASCII text.
func quote(s string) string {
	return fmt.Sprintf("%q", s)
}
