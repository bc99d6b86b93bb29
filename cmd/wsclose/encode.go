package main

import (
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

var cmdEncode = &command{
	name:    "encode",
	flags:   []string{"truncate", "lossy"},
	fields:  []string{"code", "reason", "reason_bytes", "truncated", "repaired", "hex"},
	minArgs: 1,
	maxArgs: 2,
	run:     runEncode,
}

// encodeResult is encode's output.
type encodeResult struct {
	Code        int     `json:"code"`
	Reason      *string `json:"reason"` // as sent; nil when none is sent
	ReasonBytes *int    `json:"reason_bytes"`
	Truncated   bool    `json:"truncated"`
	Repaired    bool    `json:"repaired"`
	Hex         *string `json:"hex"`

	status
}

func runEncode(inv *invocation) (result, error) {
	code, err := strconv.Atoi(inv.args[0])
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, unreadable("CODE must be a whole number, not %s", excerpt(inv.args[0]))
	}
	reason := strings.Join(inv.args[1:], "") // REASON, or none
	return decideEncode(code, reason, inv.truncate, inv.lossy)
}

// decideEncode builds the Close body: the UTF-8 check first, then the
// repair if asked, then the cut if asked, then AppendPayload's rules.
func decideEncode(code int, reason string, truncate, lossy bool) (*encodeResult, error) {
	res := &encodeResult{Code: code}
	if !utf8.ValidString(reason) {
		if !lossy {
			i := 0
			for r, size := utf8.DecodeRuneInString(reason); r != utf8.RuneError || size != 1; r, size = utf8.DecodeRuneInString(reason[i:]) {
				i += size
			}
			return res, broken("the reason is not valid UTF-8 at byte %d, and a reason MUST be (RFC 6455 §5.5.1); --lossy replaces each bad sequence with U+FFFD and says so", i)
		}
		reason, res.Repaired = wsclose.DecodeReason([]byte(reason)), true
	}
	if truncate {
		cut := wsclose.CutReason(reason) // cut only: the reason is UTF-8 by now
		reason, res.Truncated = cut, cut != reason
	}
	if code < 0 || code > 65535 {
		return res, broken("code %d: a Close frame holds a 16-bit code, 0 to 65535 (RFC 6455 §5.5.1)", code)
	}
	body, err := wsclose.AppendPayload(nil, wsclose.Code(code), reason)
	switch {
	case errors.Is(err, wsclose.ErrInvalidCode):
		return res, broken("code %d may not be sent: %s", code, codeRule(wsclose.Code(code)))
	case errors.Is(err, wsclose.ErrReasonTooLong):
		return res, broken("the reason is %s; a Close body holds at most 123 after the code (RFC 6455 §5.5); --truncate cuts it at a character boundary", byteCount(len(reason)))
	case err != nil:
		return res, broken("the reason may not be sent: %s (RFC 6455 §5.5.1)", wsclose.FailureReason(err))
	}
	res.Hex, res.Reason, res.ReasonBytes = ptr(hex.EncodeToString(body)), &reason, ptr(len(reason))
	return res, nil
}

func (r *encodeResult) rows() [][]string {
	if r.Hex == nil || *r.Hex == "" {
		return nil
	}
	return [][]string{{*r.Hex}}
}

// note says, for the empty body, what the empty output means.
func (r *encodeResult) note() string {
	switch {
	case r.Hex != nil && *r.Hex == "":
		return `the body is empty: 1005 is sent as no body at all, which the peer reports as 1005, "no status" (RFC 6455 §7.1.5)`
	case r.Repaired:
		return "the reason was not UTF-8: each bad sequence became U+FFFD (--lossy)"
	}
	return ""
}
