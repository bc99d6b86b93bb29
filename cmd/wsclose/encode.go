package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/wsclose/wsclose"
)

// encodeResult is encode's JSON output.
type encodeResult struct {
	Hex       string `json:"hex,omitempty"`
	Code      int    `json:"code"`
	Reason    string `json:"reason"`
	Truncated bool   `json:"truncated"`
	Error     string `json:"error,omitempty"`
}

func runEncode(c *invocation) int {
	code, err := strconv.ParseUint(c.args[0], 10, 16)
	if err != nil {
		return c.fail("CODE must be a whole number from 0 to 65535, not %q", c.args[0])
	}
	var reason string
	if len(c.args) == 2 {
		reason = c.args[1]
	}
	res := encodeResult{Code: int(code), Reason: reason}
	if c.truncate {
		reason = wsclose.TruncateReason(reason)
		res.Truncated = reason != res.Reason
		res.Reason = reason
	}
	body, err := wsclose.AppendPayload(nil, wsclose.Code(code), reason)
	if err != nil {
		if c.json {
			res.Error = err.Error()
			c.printJSON(res)
			return exitInvalid
		}
		fmt.Fprintln(c.stderr, err)
		if !c.truncate && errors.Is(err, wsclose.ErrReasonTooLong) {
			fmt.Fprintln(c.stderr, "wsclose encode: --truncate cuts the reason to fit")
		}
		return exitInvalid
	}
	res.Hex = hex.EncodeToString(body)
	if c.json {
		c.printJSON(res)
		return exitOK
	}
	fmt.Fprintln(c.stdout, res.Hex)
	return exitOK
}
