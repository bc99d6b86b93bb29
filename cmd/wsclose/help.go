package main

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// helpFile holds every help text of the command; see its head for the
// layout.
//
//go:embed help.txt
var helpFile string

// helpSections are help.txt's sections by name.
var helpSections = func() map[string]string {
	m := map[string]string{}
	for _, sec := range strings.Split(helpFile, "\n== ")[1:] {
		name, text, _ := strings.Cut(sec, "\n")
		m[name] = strings.TrimRight(text, "\n") + "\n"
	}
	return m
}()

// exitTable is the one statement of the exit statuses: the usage, every
// command's help and the README print it.
var exitTable = helpSections["exit"]

// commonHelp is what the usage and every command's help end with.
var commonHelp = helpSections["common"] + "\n" + exitTable

// cmdHelp is "wsclose help [COMMAND]", which run handles itself; its JSON
// object is {"help", …}.
var cmdHelp = &command{name: "help", usageLine: "help [COMMAND]", fields: []string{"help"}}

func init() {
	for _, c := range commands {
		head, long, _ := strings.Cut(helpSections[c.name], "\n\n")
		usage, short, _ := strings.Cut(head, "\nshort: ")
		c.usageLine, c.short, c.long = strings.TrimPrefix(usage, "usage: "), short, long
	}
	cmdDecodePcap.usageLine = cmdDecode.usageLine
}

// usageText is the one source of wsclose's usage: "wsclose -h" prints it,
// and the package doc and the README point to it.
func usageText() string {
	var b strings.Builder
	b.WriteString(helpSections["usage"])
	for _, c := range commands {
		fmt.Fprintf(&b, "\n  wsclose %s\n        %s\n", c.usageLine, c.short)
	}
	b.WriteString("\nRun \"wsclose help COMMAND\" for a command's details and examples.\n\n" + commonHelp)
	return b.String()
}

// helpText is "wsclose help CMD": the usage line, the help, the JSON
// fields, the flags.
func helpText(c *command) string {
	var b strings.Builder
	fields := strings.Join(append(slices.Clone(c.fields), "error", "offset", "exit"), `", "`)
	fmt.Fprintf(&b, "usage: wsclose %s\n\n%s\nJSON: {\"%s\"}\n\nFlags:\n", c.usageLine, c.long, fields)
	fs := newFlagSet(new(invocation))
	for _, f := range append([]string{"json"}, c.flags...) {
		name := "--" + f + map[string]string{"role": " ROLE", "pcap": " FILE", "junit": " FILE", "only": " ID,...", "timeout": " D", "addr": " HOST:PORT"}[f]
		fmt.Fprintf(&b, "  %-16s %s\n", name, fs.Lookup(f).Usage)
	}
	b.WriteString("\n" + commonHelp)
	return b.String()
}
