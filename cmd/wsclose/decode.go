package main

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wsclose/wsclose"
)

var cmdDecode = &command{
	name:    "decode",
	flags:   []string{"pcap"},
	fields:  []string{"input", "packet", "frame", "code", "name", "class", "reason", "reason_bytes", "valid", "script_allowed", "fail_code"},
	maxArgs: -1,
	run:     runDecode,
}

// cmdDecodePcap is decode with --pcap: the same command, another JSON object.
var cmdDecodePcap = &command{name: "decode", fields: []string{"capture", "frames"}}

// decodeResult is decode's output.
type decodeResult struct {
	Input         string     `json:"input"`
	Packet        *string    `json:"packet"`
	Frame         *frameInfo `json:"frame"`
	Code          *int       `json:"code"`
	Name          *string    `json:"name"`
	Class         *string    `json:"class"`
	Reason        *string    `json:"reason"`
	ReasonBytes   *int       `json:"reason_bytes"`
	Valid         *bool      `json:"valid"`
	ScriptAllowed *bool      `json:"script_allowed"`
	FailCode      *int       `json:"fail_code"`

	bodyLen int    // the Close body's length, when there is one
	problem string // what is wrong, for the text's "refused" or "error" line

	status
}

func runDecode(inv *invocation) (result, error) {
	if inv.pcap != "" {
		return runDecodePcap(inv)
	}
	text, err := readText(inv.args, inv)
	if err != nil {
		return nil, err
	}
	in, err := readBytes(text)
	if err != nil {
		return nil, err
	}
	return decideDecode(in)
}

// decideDecode judges the bytes read as a receiver must.
func decideDecode(in *input) (*decodeResult, error) {
	res := &decodeResult{Input: in.describe(), bodyLen: -1}
	if in.packet != "" {
		res.Packet = &in.packet
	}
	f, body, bodyStart, ferr := in.closeBody()
	res.Frame = f
	if ferr != nil {
		off, where := in.at(ferr.at)
		res.problem = ferr.what
		if ferr.rule == "" {
			return res, &failure{exit: exitUnreadable, offset: off, msg: ferr.what}
		}
		return res, res.refuse(off, where, ferr.what, ferr.rule, wsclose.StatusProtocolError)
	}
	res.bodyLen = len(body)
	code, _, perr := wsclose.ParsePayload(body)
	res.Valid = ptr(perr == nil)
	if len(body) != 1 {
		res.Code, res.Name, res.Class = ptr(int(code)), ptr(code.Name()), ptr(code.Class().String())
		res.ScriptAllowed = ptr(len(body) >= 2 && code.ValidScript())
		res.ReasonBytes, res.Reason = ptr(max(0, len(body)-2)), ptr("")
		if len(body) > 2 && len(body) <= wsclose.MaxPayloadLen {
			res.Reason = ptr(wsclose.DecodeReason(body[2:]))
		}
	}
	if perr == nil {
		return res, nil
	}
	at, what, rule := bodyProblem(body, perr)
	off, where := in.at(bodyStart + at)
	return res, res.refuse(off, where, what, rule, wsclose.FailureCode(perr))
}

// refuse records that a receiver refuses the input, and returns the error
// that says so.
func (r *decodeResult) refuse(offset int, where, what, rule string, fail wsclose.Code) error {
	r.problem, r.FailCode, r.Valid = fmt.Sprintf("%s at %s: %s", what, where, rule), ptr(int(fail)), ptr(false)
	return &failure{
		exit:   exitRule,
		offset: offset,
		msg:    fmt.Sprintf("refused: %s; fail the connection with %v", r.problem, fail),
		brief:  fmt.Sprintf("refused; fail the connection with %v", fail),
	}
}

// bodyProblem says what is wrong with a Close body that ParsePayload
// refused, and where in the body: the package's error names the fault, and
// the command explains it with the rule it breaks.
func bodyProblem(body []byte, err error) (at int, what, rule string) {
	var ce *wsclose.CodeError
	switch {
	case errors.Is(err, wsclose.ErrPayloadTooShort):
		return 0, "a 1-byte body", "a body that is not empty begins with a 2-byte code (RFC 6455 §5.5.1)"
	case errors.Is(err, wsclose.ErrPayloadTooLong):
		return wsclose.MaxPayloadLen, fmt.Sprintf("a %d-byte body", len(body)), "control frames carry at most 125 bytes (RFC 6455 §5.5)"
	case errors.As(err, &ce):
		return 0, fmt.Sprintf("code %d", ce.Code), codeRule(wsclose.Code(ce.Code))
	}
	var re *wsclose.ReasonError
	errors.As(err, &re)
	tail := body[2+re.Offset:]
	switch {
	case errors.Is(err, wsclose.ErrLoneSurrogate):
		what, rule = fmt.Sprintf("a lone surrogate (% X) in the reason", tail[:min(3, len(tail))]), "UTF-8 has no surrogates, and the reason MUST be UTF-8 (RFC 3629 §3, RFC 6455 §5.5.1, §8.1)"
	case !utf8.FullRune(tail):
		seq := 4 // the length of the sequence that tail[0] starts
		if tail[0] < 0xE0 {
			seq = 2
		} else if tail[0] < 0xF0 {
			seq = 3
		}
		what, rule = fmt.Sprintf("a reason cut mid-character (%s of a %d-byte sequence)", byteCount(len(tail)), seq), "the reason MUST be UTF-8 (RFC 6455 §5.5.1, §8.1); a sender cut it by bytes, not characters"
	default:
		what, rule = fmt.Sprintf("byte %02X in the reason", tail[0]), "the reason MUST be UTF-8, and this byte starts no UTF-8 sequence here (RFC 6455 §5.5.1, §8.1)"
	}
	return 2 + re.Offset, what, rule
}

func (r *decodeResult) rows() [][]string {
	rows := [][]string{{"input", r.Input}}
	if r.Packet != nil {
		rows = append(rows, []string{"packet", *r.Packet})
	}
	if r.Frame != nil {
		rows = append(rows, []string{"frame", r.Frame.describe()})
	}
	if r.Code != nil {
		code := wsclose.Code(*r.Code)
		if r.bodyLen == 0 {
			rows = append(rows, []string{"code", code.String() + `: the body is empty, which is how "no status" is sent (RFC 6455 §7.1.5)`})
		} else {
			shown := " " // the reason as sent, or as a browser shows an invalid one
			if !*r.Valid {
				shown = " as a browser shows it "
			}
			rows = append(rows, []string{"code", code.String()}, []string{"class", *r.Class}, []string{"reason", quote(*r.Reason) + shown + "(" + byteCount(*r.ReasonBytes) + ")"})
		}
	}
	switch {
	case r.Valid != nil && *r.Valid && r.bodyLen == 0:
		rows = append(rows, []string{"sendable", "yes: by any endpoint, and by a browser script's close() with no code"})
	case r.Valid != nil && *r.Valid:
		rows = append(rows, []string{"sendable", sender(wsclose.Code(*r.Code))})
	case r.FailCode != nil:
		rows = append(rows, []string{"refused", r.problem}, []string{"fail", fmt.Sprintf("the connection with %v (RFC 6455 §7.1.7)", wsclose.Code(*r.FailCode))})
	default:
		rows = append(rows, []string{"error", r.problem})
	}
	return rows
}

// pcapFrame is one Close frame found in a capture: decode's object, with
// the stream and the direction it was sent in.
type pcapFrame struct {
	*decodeResult
	Stream    string  `json:"stream"`
	Direction *string `json:"direction"`
}

// pcapResult is decode --pcap's output.
type pcapResult struct {
	Capture string      `json:"capture"`
	Frames  []pcapFrame `json:"frames"`

	status
}

// runDecodePcap decodes every Close frame in the TCP streams of a capture.
// It exits 1 when a receiver refuses any of them.
func runDecodePcap(inv *invocation) (result, error) {
	if len(inv.args) > 0 {
		return nil, usageError("--pcap takes no other arguments")
	}
	c, err := readCapture(inv.pcap, inv.stdin)
	if err != nil {
		return nil, err
	}
	streams := c.streams()
	res := &pcapResult{Capture: fmt.Sprintf("%s, %d packets, %d TCP streams (one each way per connection)", c.format, len(c.packets), len(streams)), Frames: []pcapFrame{}}
	refused, gaps := 0, 0
	for _, st := range streams {
		if st.gap {
			gaps++
		}
		for _, frame := range st.closeFrames() {
			d, err := decideDecode(&input{data: frame, form: "frame"})
			if err != nil {
				refused++
				d.setStatus(asFailure(err).status())
			}
			f := pcapFrame{decodeResult: d, Stream: st.src.String() + " → " + st.dst.String()}
			if st.direction != "" {
				f.Direction = &st.direction
			}
			res.Frames = append(res.Frames, f)
		}
	}
	if gaps > 0 {
		res.Capture += fmt.Sprintf("; %d of them stop at a segment missing from the capture, and what follows it is not read", gaps)
	}
	if refused > 0 {
		return res, broken("%d of the %d Close frames refused", refused, len(res.Frames))
	}
	return res, nil
}

func (r *pcapResult) rows() [][]string {
	rows := [][]string{{"capture", r.Capture}}
	if len(r.Frames) == 0 {
		rows = append(rows, []string{"frames", "none: no WebSocket Close frame in the capture's TCP streams (a wss:// stream is encrypted, and cannot be read)"})
	}
	for _, f := range r.Frames {
		dir := "direction unknown"
		if f.Direction != nil {
			dir = strings.ReplaceAll(*f.Direction, "_", " ")
		}
		rows = append(rows, []string{""}, []string{"stream", f.Stream + " (" + dir + ")"})
		rows = append(rows, f.rows()[1:]...)
	}
	return rows
}
