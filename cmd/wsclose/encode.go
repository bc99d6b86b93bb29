package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"io"
	"strconv"

	"github.com/wsclose/wsclose"
)

var cmdEncode = &command{
	name:      "encode",
	usageLine: "encode [--json] [--truncate] CODE [REASON]",
	short:     "print the Close body for CODE and REASON as hex",
	long: `Encode prints the body of a Close frame that carries CODE (a whole number)
and REASON (RFC 6455 §5.5.1): the code in two bytes, then the reason's UTF-8.
CODE must be one an endpoint may send (1000–1003, 1007–1014, 3000–4999); 1005
with no reason gives the empty body, which is how "no status" is sent. REASON
must be valid UTF-8 of at most 123 bytes.

JSON: {"code", "reason" (as sent; null on error), "reason_bytes",
"truncated", "hex" (the body; null on error), "error", "exit"}.

Examples:
  wsclose encode 1000 bye
  wsclose encode --truncate 4000 "$(cat long-reason.txt)"
  wsclose encode 1005
`,
	minArgs: 1,
	maxArgs: 2,
	setup: func(fs *flag.FlagSet) func([]string, io.Reader) (result, error) {
		truncate := fs.Bool("truncate", false, "cut a reason over 123 bytes at a character boundary")
		return func(args []string, _ io.Reader) (result, error) {
			return runEncode(args, *truncate)
		}
	},
}

// encodeResult is encode's output.
type encodeResult struct {
	Code        int     `json:"code"`
	Reason      *string `json:"reason"`
	ReasonBytes int     `json:"reason_bytes"`
	Truncated   bool    `json:"truncated"`
	Hex         *string `json:"hex"`

	status
}

func runEncode(args []string, truncate bool) (result, error) {
	code, err := strconv.Atoi(args[0])
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, invalid("CODE must be a whole number, not %s", excerpt(args[0]))
	}
	if err != nil || code < 0 || code > 65535 {
		return nil, invalid("code %s: a Close frame holds a 16-bit code, 0 to 65535 (RFC 6455 §5.5.1)", excerpt(args[0]))
	}
	var reason string
	if len(args) == 2 {
		reason = args[1]
	}
	res := &encodeResult{Code: code, ReasonBytes: len(reason)}
	if truncate {
		cut := wsclose.TruncateReason(reason)
		res.Truncated = cut != reason
		reason = cut
	}
	body, err := wsclose.AppendPayload(nil, wsclose.Code(code), reason)
	switch {
	case errors.Is(err, wsclose.ErrInvalidCode):
		return res, invalid("code %d may not be sent: %s", code, codeRule(wsclose.Code(code)))
	case errors.Is(err, wsclose.ErrReasonTooLong):
		return res, invalid("the reason is %s; a Close body holds at most 123 after the code (RFC 6455 §5.5); --truncate cuts it at a character boundary", byteCount(len(reason)))
	case err != nil:
		return res, invalid("the reason may not be sent: %s (RFC 6455 §5.5.1)", plain(err))
	}
	h := hex.EncodeToString(body)
	res.Hex, res.Reason, res.ReasonBytes = &h, &reason, len(reason)
	return res, nil
}

func (r *encodeResult) writeText(w *bytes.Buffer) {
	if r.Hex != nil {
		w.WriteString(*r.Hex + "\n")
	}
}
