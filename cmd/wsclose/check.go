package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

// checkResult is check's JSON output.
type checkResult struct {
	OK        bool    `json:"ok"`
	Input     string  `json:"input"`
	Code      int     `json:"code"`
	Reason    *string `json:"reason"`
	Body      *string `json:"body"`
	Exception string  `json:"exception,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// runCheck does what the WHATWG close(code, reason) method does with a
// number and a string, through wsclose.AppendScriptClose: Web IDL's
// [Clamp] unsigned short conversion of the code, the code rule
// (InvalidAccessError), the 123-byte reason rule (SyntaxError), and the
// body sent.
func runCheck(c *invocation) int {
	f, err := strconv.ParseFloat(c.args[0], 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // 1e999 is Infinity, as in JavaScript
		return c.fail("CODE must be a number (JavaScript's close() takes a number), not %q", c.args[0])
	}
	code := wsclose.ClampCode(f)
	res := checkResult{Input: c.args[0], Code: int(code)}
	var reason string
	if len(c.args) == 2 {
		reason = c.args[1]
		if !utf8.ValidString(reason) {
			return c.fail("REASON is not valid UTF-8, so it is no JavaScript string")
		}
		res.Reason = &reason
	}
	body, err := wsclose.AppendScriptClose(nil, f, true, utf16.Encode([]rune(reason)))
	if err != nil {
		res.Exception = wsclose.DOMExceptionName(err)
		res.Error = err.Error()
		if c.json {
			c.printJSON(res)
		} else {
			fmt.Fprintf(c.stderr, "wsclose check: %s throws %s: %v\n", callText(f, res.Reason), res.Exception, err)
			if note := clampNote(f, code); note != "" {
				fmt.Fprintf(c.stderr, "wsclose check: close() saw code %d%s\n", code, note)
			}
		}
		return exitInvalid
	}
	h := hex.EncodeToString(body)
	res.OK, res.Body = true, &h
	if c.json {
		c.printJSON(res)
		return exitOK
	}
	fmt.Fprintf(c.stdout, "ok        %s sends a Close frame\n", callText(f, res.Reason))
	fmt.Fprintf(c.stdout, "code      %v%s\n", code, clampNote(f, code))
	fmt.Fprintf(c.stdout, "body      %s\n", h)
	return exitOK
}

// callText writes the call as a script would.
func callText(f float64, reason *string) string {
	num := strconv.FormatFloat(f, 'f', -1, 64)
	switch {
	case math.IsNaN(f):
		num = "NaN"
	case math.IsInf(f, 1):
		num = "Infinity"
	case math.IsInf(f, -1):
		num = "-Infinity"
	}
	if reason == nil {
		return "close(" + num + ")"
	}
	return "close(" + num + ", " + quote(*reason) + ")"
}

// clampNote explains the conversion of a script's number to the code
// close() sees, when it changed the number.
func clampNote(f float64, code wsclose.Code) string {
	if f == float64(code) {
		return ""
	}
	return " (from " + strconv.FormatFloat(f, 'g', -1, 64) + ": Web IDL [Clamp] clamps to 0–65535 and rounds half to even)"
}
