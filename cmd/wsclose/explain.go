package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/wsclose/wsclose"
)

var cmdExplain = &command{
	name:    "explain",
	fields:  []string{"codes"},
	maxArgs: -1,
	run:     runExplain,
}

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

// meaning is what the registry or RFC 6455 §7.4.2 says of c.
func meaning(c wsclose.Code) string {
	if m, ok := ianaMeaning[c]; ok {
		return m
	}
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

// codeRule says why c may not be in a Close frame: the package's own
// text, which is written once (CodeError), and the section of RFC 6455
// that makes the rule (§7.4.1 for the registered codes, §7.4.2 for the
// ranges). It is for codes that are not valid.
func codeRule(c wsclose.Code) string {
	section := "§7.4.2"
	if c.Registered() {
		section = "§7.4.1"
	}
	why := strings.TrimPrefix(wsclose.ValidateCode(int(c)).Error(), fmt.Sprintf("wsclose: invalid close code %d: ", c))
	return fmt.Sprintf("%s (RFC 6455 %s)", why, section)
}

// sender says who may put c in a Close frame.
func sender(c wsclose.Code) string {
	switch {
	case wsclose.ValidateScriptCode(int(c)) == nil:
		return "yes: any endpoint, and a browser script through close()"
	case c.Valid():
		return "yes, by an endpoint; a browser script's close() throws InvalidAccessError"
	}
	return "never: " + codeRule(c)
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

// explainRow is one code, or one range of codes, in explain's output.
type explainRow struct {
	First         int    `json:"first"`
	Last          int    `json:"last"`
	Name          string `json:"name"`
	Class         string `json:"class"`
	Registered    bool   `json:"registered"`
	Meaning       string `json:"meaning"`
	Sendable      bool   `json:"sendable"`
	ScriptAllowed bool   `json:"script_allowed"`
	CloseEvent    string `json:"close_event"`
}

// newExplainRow describes first–last by first: the rows of the registry
// cover codes that the rules treat alike.
func newExplainRow(first wsclose.Code) explainRow {
	return explainRow{
		First:         int(first),
		Last:          int(first),
		Name:          first.Name(),
		Class:         first.Class().String(),
		Registered:    first.Registered(),
		Meaning:       meaning(first),
		Sendable:      first.Valid(),
		ScriptAllowed: wsclose.ValidateScriptCode(int(first)) == nil,
		CloseEvent:    closeEvent(first),
	}
}

// registryRows are the rows of explain's table, in numeric order: each code
// with an IANA entry of its own, and each run of codes between them in one
// RFC 6455 §7.4.2 range.
var registryRows = sync.OnceValue(func() []explainRow {
	var rows []explainRow
	for n := 0; n <= 65535; n++ {
		c := wsclose.Code(n)
		if k := len(rows) - 1; k >= 0 && !c.Registered() && !rows[k].Registered && rows[k].Class == c.Class().String() {
			rows[k].Last = n
			continue
		}
		rows = append(rows, newExplainRow(c))
	}
	return rows
})

// explainResult is explain's output.
type explainResult struct {
	Codes []explainRow `json:"codes"`
	table bool         // the whole registry, shown as a table

	status
}

func runExplain(inv *invocation) (result, error) {
	if len(inv.args) == 0 {
		return &explainResult{Codes: registryRows(), table: true}, nil
	}
	res := &explainResult{}
	for _, a := range inv.args {
		n, err := strconv.ParseUint(a, 10, 16)
		if err != nil {
			return nil, unreadable("CODE must be a whole number from 0 to 65535, not %s", excerpt(a))
		}
		res.Codes = append(res.Codes, newExplainRow(wsclose.Code(n)))
	}
	return res, nil
}

func (r *explainResult) rows() [][]string {
	var rows [][]string
	if r.table {
		rows = append(rows, []string{"CODE", "NAME", "SENT BY", "MEANING"})
	}
	for i, row := range r.Codes {
		c := wsclose.Code(row.First)
		if r.table {
			label := strconv.Itoa(row.First)
			if row.Last != row.First {
				label += "–" + strconv.Itoa(row.Last)
			}
			who := map[bool]string{false: "endpoint", true: "endpoint, script"}[row.ScriptAllowed]
			if !row.Sendable {
				who = "never"
			}
			rows = append(rows, []string{label, row.Name, who, row.Meaning})
			continue
		}
		if i > 0 {
			rows = append(rows, []string{""})
		}
		rows = append(rows, []string{c.String()},
			[]string{"  range", row.Class + " (RFC 6455 §7.4.2)"},
			[]string{"  meaning", row.Meaning},
			[]string{"  sent", sender(c)},
			[]string{"  CloseEvent", row.CloseEvent})
	}
	return rows
}
