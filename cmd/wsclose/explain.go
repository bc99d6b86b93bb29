package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/wsclose/wsclose"
)

// ianaMeaning is each registered code's meaning, after the IANA WebSocket
// Close Code Number Registry and RFC 6455 §7.4.1.
var ianaMeaning = map[wsclose.Code]string{
	1000: "the purpose for which the connection was established has been fulfilled",
	1001: "an endpoint is going away: a server going down, or a browser leaving the page",
	1002: "an endpoint is terminating the connection because of a protocol error",
	1003: "an endpoint received a type of data it cannot accept (e.g. binary where it takes only text)",
	1004: "reserved; a meaning might be defined in the future",
	1005: "no status code was present; reported by an endpoint, never sent",
	1006: "the connection closed without a Close frame; reported by an endpoint, never sent",
	1007: "a message's data was not consistent with its type (e.g. text that is not UTF-8)",
	1008: "a message violated the endpoint's policy",
	1009: "a message was too big to process",
	1010: "the client expected the server to negotiate an extension, and it did not",
	1011: "the server met an unexpected condition that kept it from fulfilling the request",
	1012: "the service is restarting",
	1013: "the service is overloaded; try again later",
	1014: "the server was acting as a gateway or proxy and received an invalid response from the upstream server (like HTTP 502)",
	1015: "the TLS handshake failed (e.g. the certificate could not be verified); reported by an endpoint, never sent",
	3000: "the endpoint is not authorized (like HTTP 401)",
	3003: "the endpoint is authenticated but not allowed (like HTTP 403)",
	3008: "the endpoint timed out (like HTTP 408)",
}

// rangeMeaning is what RFC 6455 §7.4.2 and the IANA registry say of a
// code without an entry of its own.
func rangeMeaning(c wsclose.Code) string {
	switch c.Class() {
	case wsclose.ClassNotUsed:
		return "not used (RFC 6455 §7.4.2)"
	case wsclose.ClassProtocol:
		return "unassigned: reserved for this protocol and published extensions (RFC 6455 §7.4.2)"
	case wsclose.ClassLibrary:
		return "for libraries, frameworks and applications, registered with IANA first come, first served; not registered yet"
	case wsclose.ClassPrivate:
		return "private use: agreed between the two ends, never registered (RFC 6455 §7.4.2)"
	}
	return "not defined by RFC 6455"
}

func meaning(c wsclose.Code) string {
	if m, ok := ianaMeaning[c]; ok {
		return m
	}
	return rangeMeaning(c)
}

// sender says who may put c in a Close frame.
func sender(c wsclose.Code) string {
	switch {
	case wsclose.ValidateScriptCode(int(c)) == nil:
		return "yes: any endpoint, and a browser script through close()"
	case c.Valid():
		return "yes, by an endpoint; a browser script's close() throws InvalidAccessError"
	}
	return "never: " + neverSent(c)
}

// neverSent explains, with the rule's source, why no endpoint may send c:
// the explanation that wsclose's short error texts leave to this command.
func neverSent(c wsclose.Code) string {
	switch {
	case c == 1004:
		return "1004 is reserved (RFC 6455 §7.4.1)"
	case c == wsclose.StatusNoStatusReceived, c == wsclose.StatusAbnormalClosure, c == wsclose.StatusTLSHandshake:
		return c.String() + " must not be set in a Close frame; it is only reported (RFC 6455 §7.4.1)"
	case c.Class() == wsclose.ClassNotUsed:
		return "0–999 are not used (RFC 6455 §7.4.2)"
	case c.Class() == wsclose.ClassProtocol:
		return "1016–2999 are unassigned; only a published extension may define them (RFC 6455 §7.4.2, IANA registry)"
	}
	return "codes of 5000 and above are not defined (RFC 6455 §7.4.2)"
}

// closeEvent says what a page's CloseEvent shows for c.
func closeEvent(c wsclose.Code) string {
	switch {
	case c == wsclose.StatusNoStatusReceived:
		return "code 1005 when the peer's Close frame had an empty body, as after close() with no code"
	case c == wsclose.StatusAbnormalClosure:
		return "code 1006, wasClean false, when the connection was lost or failed without a closing handshake"
	case c == wsclose.StatusTLSHandshake:
		return "reserved for reporting a failed TLS handshake; it never arrives in a Close frame"
	case c.Valid():
		return "code " + strconv.Itoa(int(c)) + " with the peer's reason, wasClean true, after a clean closing handshake"
	}
	return "not a code a peer may send: receivers that follow RFC 6455 (Autobahn TestSuite case 7.9) fail the connection with 1002"
}

// explainResult is one code in explain's JSON output.
type explainResult struct {
	Code          int    `json:"code"`
	Name          string `json:"name"`
	Class         string `json:"class"`
	Registered    bool   `json:"registered"`
	Meaning       string `json:"meaning"`
	Sendable      bool   `json:"sendable"`
	ScriptAllowed bool   `json:"script_allowed"`
	CloseEvent    string `json:"close_event"`
}

func explainOne(c wsclose.Code) explainResult {
	return explainResult{
		Code:          int(c),
		Name:          c.Name(),
		Class:         c.Class().String(),
		Registered:    c.Registered(),
		Meaning:       meaning(c),
		Sendable:      c.Valid(),
		ScriptAllowed: wsclose.ValidateScriptCode(int(c)) == nil,
		CloseEvent:    closeEvent(c),
	}
}

func runExplain(c *invocation) int {
	if len(c.args) == 0 {
		return explainRegistry(c)
	}
	var results []explainResult
	for _, a := range c.args {
		n, err := strconv.ParseUint(a, 10, 16)
		if err != nil {
			return c.fail("CODE must be a whole number from 0 to 65535, not %q", a)
		}
		results = append(results, explainOne(wsclose.Code(n)))
	}
	if c.json {
		c.printJSON(results)
		return exitOK
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		code := wsclose.Code(r.Code)
		fmt.Fprintf(c.stdout, "%v\n", code)
		fmt.Fprintf(c.stdout, "  range       %s (RFC 6455 §7.4.2)\n", r.Class)
		fmt.Fprintf(c.stdout, "  meaning     %s\n", r.Meaning)
		fmt.Fprintf(c.stdout, "  sent        %s\n", sender(code))
		fmt.Fprintf(c.stdout, "  CloseEvent  %s\n", r.CloseEvent)
	}
	return exitOK
}

// registryRows are the rows of explain's table: each registered code, and
// the ranges between them.
var registryRows = []struct {
	label string
	code  wsclose.Code // a code that stands for the row
}{
	{"0–999", 0},
	{"1000", 1000}, {"1001", 1001}, {"1002", 1002}, {"1003", 1003}, {"1004", 1004},
	{"1005", 1005}, {"1006", 1006}, {"1007", 1007}, {"1008", 1008}, {"1009", 1009},
	{"1010", 1010}, {"1011", 1011}, {"1012", 1012}, {"1013", 1013}, {"1014", 1014},
	{"1015", 1015},
	{"1016–2999", 1016},
	{"3000", 3000}, {"3003", 3003}, {"3008", 3008},
	{"3001–3999 others", 3001},
	{"4000–4999", 4000},
	{"5000–65535", 5000},
}

func explainRegistry(c *invocation) int {
	if c.json {
		var results []explainResult
		for _, row := range registryRows {
			results = append(results, explainOne(row.code))
		}
		c.printJSON(results)
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSENT BY\tMEANING")
	for _, row := range registryRows {
		who := "never"
		switch {
		case wsclose.ValidateScriptCode(int(row.code)) == nil:
			who = "endpoint, script"
		case row.code.Valid():
			who = "endpoint"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", row.label, row.code.Name(), who, meaning(row.code))
	}
	if err := tw.Flush(); err != nil {
		return c.fail("%v", err)
	}
	return exitOK
}
