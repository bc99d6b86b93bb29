package wsclosetest

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/wsclose/wsclose"
	"github.com/wsclose/wsclose/internal/wire"
)

// ending is how the probe's reading of a connection ended.
type ending int

const (
	endEOF     ending = iota // the server closed TCP (a FIN)
	endReset                 // the server reset TCP
	endTimeout               // the case's deadline passed with TCP open
	endError                 // a frame the probe could not read (too large, cut short) or too much
)

// observation is what the probe saw on one connection after the opening
// handshake.
type observation struct {
	sent   []byte          // the bytes the probe wrote
	frames []wire.Frame    // the frames the server sent, in order
	at     []time.Duration // when each arrived, since the probe's first write
	end    ending
	endAt  time.Duration // when reading ended, since the probe's first write
	err    error         // the read error, for endError
	// partial is the start of a frame that reading ended inside: its
	// bytes, and its header when all of it came.
	partial wire.Frame
}

// Limits of what the probe reads from one connection.
const (
	maxFrames        = 256
	maxReceivedBytes = 2 << 20
	maxPayload       = 1 << 20
)

// frameReader is where the probe reads frames: a wire.Conn, or bytes in
// the fuzz test.
type frameReader interface {
	ReadFrame() (wire.Frame, error)
}

// observe reads frames from r until the server closes TCP, the deadline
// passes, a frame cannot be read, or the server sent too much. It calls
// onClose, if not nil, when the server's first Close arrives.
func observe(r frameReader, start time.Time, o *observation, onClose func()) {
	total := 0
	for {
		f, err := r.ReadFrame()
		if err != nil {
			o.endAt = time.Since(start)
			if len(f.Raw) > 0 {
				o.partial = f
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					err = fmt.Errorf("%w, inside a frame that began % x", err, f.Raw[:min(len(f.Raw), 16)])
				}
			}
			switch {
			case errors.Is(err, io.EOF):
				o.end = endEOF
			case errors.Is(err, io.ErrUnexpectedEOF):
				o.end, o.err = endError, fmt.Errorf("TCP closed inside a frame: %w", err)
			case errors.Is(err, syscall.ECONNRESET):
				o.end = endReset
			case wire.IsTimeout(err) && len(f.Raw) == 0:
				o.end = endTimeout
			default:
				o.end, o.err = endError, err
			}
			return
		}
		if f.Opcode == wire.OpClose && onClose != nil && o.closeIndex() < 0 {
			onClose()
		}
		o.frames = append(o.frames, f)
		o.at = append(o.at, time.Since(start))
		total += len(f.Raw)
		if len(o.frames) >= maxFrames || total >= maxReceivedBytes {
			o.endAt = time.Since(start)
			o.end, o.err = endError, fmt.Errorf("the server sent %d frames, %d bytes, without closing: the probe stopped reading", len(o.frames), total)
			return
		}
	}
}

// closeIndex returns the index of the server's first Close frame, or -1.
func (o *observation) closeIndex() int {
	return slices.IndexFunc(o.frames, func(f wire.Frame) bool { return f.Opcode == wire.OpClose })
}

// outcome is a case's verdict with what was wanted, what was seen and
// the rule that decides.
type outcome struct {
	verdict   Verdict
	want, got string
	rule      string
}

// grade judges what the probe saw in case s.
func grade(s *spec, o *observation) outcome {
	first := s.send[slices.IndexFunc(s.send, func(x out) bool { return x.h.Opcode == wire.OpClose })]
	e := expect(first.h, first.payload)
	res := outcome{verdict: Pass, want: s.Expects, got: describe(o), rule: s.Rule}
	fail := func(rule string) outcome { res.verdict, res.rule = Fail, rule; return res }

	frames := o.frames
	if h, err := wire.ParseHeader(o.partial.Raw); err == nil {
		frames = append(slices.Clip(frames), wire.Frame{Header: h, Raw: o.partial.Raw}) // its header came whole
	}
	for i, f := range frames {
		if v := f.Check(); v != nil {
			return fail(fmt.Sprintf("frame %d from the server: %s: %s", i+1, v.What, v.Rule))
		}
		if v := f.CheckMask(false); v != nil {
			return fail(fmt.Sprintf("frame %d from the server: %s: %s", i+1, v.What, v.Rule))
		}
	}
	ci := o.closeIndex()
	if ci < 0 {
		switch {
		case s.checks&informational != 0 && (o.end == endEOF || o.end == endReset),
			o.end == endReset && s.sendsAfterClose():
			// A server that closes TCP with frames the probe sent unread
			// resets it, and a reset may discard what the probe had not
			// read yet, the server's Close included: the case cannot
			// tell (Autobahn TestSuite's 7.1.6 is informational for
			// this).
			res.verdict = Info
			res.rule = s.Rule + "; TCP was reset with no Close seen: a server that closes TCP with the probe's later frames unread resets it, which may discard its Close on the way (info)"
			return res
		case o.end == endError:
			return fail("the probe reads the server's frames within the limits of RFC 6455 §5.2 (a Close within §5.5's 125 bytes): " + o.err.Error())
		case o.end == endTimeout && e.accept:
			return fail(ruleAnswer + ": no Close came before the deadline")
		case o.end == endTimeout:
			return fail("RFC 6455 §7.1.7: a receiver MUST fail the connection (" + whyText(e.why) + "), closing TCP: it stayed open and silent until the deadline")
		case e.accept:
			return fail(ruleAnswer + ": TCP closed with no Close frame")
		case s.checks&dropWarn != 0:
			res.verdict, res.rule = Warn, s.Rule+": TCP closed with no Close frame"
			return res
		}
		return s.extra(res, o, ci) // a refusal by dropping TCP passes, as Autobahn TestSuite lets it
	}

	body := o.frames[ci].Payload
	code, _, err := clientReceive(body)
	if err != nil {
		return fail(fmt.Sprintf("the server's Close body %x is one a client MUST fail the connection on: %s (RFC 6455 §5.5.1, §7.4.1; wsclose.ParsePayload)", body, wsclose.FailureReason(err)))
	}
	allowed := slices.Contains(e.codes, code) || len(body) == 0 && e.empty
	if allowed && len(body) == 0 && !e.accept && s.checks&dropWarn != 0 {
		res.verdict, res.rule = Warn, s.Rule+": the Close has no status code"
		return res
	}
	if !allowed {
		if e.accept {
			return fail(fmt.Sprintf("the body sent is valid (wsclose.ParsePayload accepts it), so the answer echoes it or is 1000, not %v: %s", code, s.Rule))
		}
		return fail(fmt.Sprintf("the body sent must be refused (%s), so the answer is %s, not %v: %s", whyText(e.why), codesText(e.codes), code, s.Rule))
	}
	return s.extra(res, o, ci)
}

// extra makes the case's own checks on a result that passed so far; ci is
// the index of the server's Close, or -1.
func (s *spec) extra(res outcome, o *observation, ci int) outcome {
	if s.checks&echoHello != 0 {
		i := slices.IndexFunc(o.frames, func(f wire.Frame) bool { return f.Opcode == wire.OpText && string(f.Payload) == hello })
		if i < 0 || ci >= 0 && i > ci {
			res.verdict = Fail
			res.rule = "Autobahn TestSuite 7.1.1: an echo server returns the message before it answers the Close"
			return res
		}
	}
	if s.checks&quiet != 0 && ci >= 0 {
		for i, f := range o.frames[ci+1:] {
			if f.Opcode != wire.OpClose {
				res.verdict = Fail
				res.rule = fmt.Sprintf("%s: a %s frame came %d frame(s) after the server's Close", ruleAfterClose, wire.OpName(f.Opcode), i+1)
				if f.Opcode == wire.OpPong {
					res.rule = "Autobahn TestSuite 7.1.3: no Pong after the Close; " + ruleAfterClose
				}
				return res
			}
		}
	}
	if s.checks&oneClose != 0 && ci >= 0 {
		if slices.ContainsFunc(o.frames[ci+1:], func(f wire.Frame) bool { return f.Opcode == wire.OpClose }) {
			res.verdict = Fail
			return res
		}
	}
	if s.checks&serverClosesTCP != 0 {
		switch o.end {
		case endTimeout:
			res.verdict = Fail
			res.rule = s.Rule + ": it was still open at the deadline"
			return res
		case endError:
			res.verdict = Fail
			res.rule = "the probe reads the server's frames within the limits of RFC 6455 §5.2: " + o.err.Error()
			return res
		}
	}
	if s.checks&echoForm != 0 && ci >= 0 {
		res.verdict = Info
	}
	if s.checks&utf8Code != 0 && ci >= 0 && replyCode(o.frames[ci].Payload) != wsclose.StatusInvalidPayloadData {
		res.verdict = Info
	}
	if s.checks&informational != 0 {
		res.verdict = Info
	}
	return res
}

// describe says in words what the server did.
func describe(o *observation) string {
	var parts []string
	ci := o.closeIndex()
	for i, f := range o.frames {
		if len(parts) == 6 && len(o.frames) > 7 {
			parts = append(parts, fmt.Sprintf("%d more frames", len(o.frames)-i))
			break
		}
		parts = append(parts, frameText(f))
	}
	if len(parts) == 0 {
		parts = append(parts, "no frame")
	}
	since, from := o.endAt, "the probe's first frame"
	if ci >= 0 {
		since, from = o.endAt-o.at[ci], "its Close"
	}
	switch o.end {
	case endEOF:
		parts = append(parts, fmt.Sprintf("TCP closed by the server %s after %s", ms(since), from))
	case endReset:
		parts = append(parts, fmt.Sprintf("TCP reset by the server %s after %s", ms(since), from))
	case endTimeout:
		parts = append(parts, fmt.Sprintf("TCP still open %s after %s", ms(since), from))
	case endError:
		parts = append(parts, o.err.Error())
	}
	return strings.Join(parts, ", ")
}

// frameText names a frame the server sent: "Close 1000 (normal
// closure)", "Close 1002 \"bad code\"", "Text (12 bytes)".
func frameText(f wire.Frame) string {
	if f.Opcode != wire.OpClose {
		return fmt.Sprintf("%s (%d bytes)", wire.OpName(f.Opcode), len(f.Payload))
	}
	switch len(f.Payload) {
	case 0:
		return "an empty Close"
	case 1:
		return fmt.Sprintf("a Close with the 1-byte body %x", f.Payload)
	}
	s := fmt.Sprintf("a Close with %v", replyCode(f.Payload))
	if len(f.Payload) > 2 {
		s += fmt.Sprintf(" and the reason %+q", f.Payload[2:])
	}
	return s
}

// ms writes a duration in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// whyText is why the body must be refused.
func whyText(err error) string {
	var v *wire.Violation
	if errors.As(err, &v) {
		return v.What
	}
	return wsclose.FailureReason(err)
}

// codesText lists codes: "1002 or 1007".
func codesText(cs []wsclose.Code) string {
	var s []string
	for _, c := range cs {
		s = append(s, fmt.Sprint(uint16(c)))
	}
	return "a Close with " + strings.Join(s, " or ") + ", an empty Close, or TCP closed"
}

// sendsAfterClose reports whether the case sends frames after its first
// Close.
func (s *spec) sendsAfterClose() bool {
	i := slices.IndexFunc(s.send, func(x out) bool { return x.h.Opcode == wire.OpClose })
	return i < len(s.send)-1
}
