package wsclosetest

import (
	"bytes"
	"errors"
	"slices"
	"strconv"

	"github.com/wsclose/wsclose"
)

// ServerCloseCase returns the ID of the client case in which the server
// sends body as its one Close frame and reads the client's reply
// ("server-close-" and the body's word), and whether that case sends
// exactly body. For a body no case sends, it is the case of a body of the
// same kind, as wsclose.ParsePayload sorts bodies: empty, too short, too
// long, a reason that is not UTF-8, an invalid code (by its range of RFC
// 6455 §7.4), a valid code alone, with a reason, or with a leading BOM.
// Measured gives what real clients did in it.
func ServerCloseCase(body []byte) (id string, exact bool) {
	for _, b := range clientBodies {
		if bytes.Equal(hexBody(b.hex), body) {
			return "server-close-" + b.word, true
		}
	}
	return "server-close-" + kindWord(body), false
}

// kindWord is the word of the body of clientBodies that stands for the
// kind of body.
func kindWord(body []byte) string {
	code, reason, err := wsclose.ParsePayload(body)
	switch {
	case len(body) == 0:
		return "empty"
	case errors.Is(err, wsclose.ErrPayloadTooShort):
		return "one-byte-03"
	case errors.Is(err, wsclose.ErrPayloadTooLong):
		return "reason-124-bytes"
	case wsclose.FailureCode(err) == wsclose.StatusInvalidPayloadData:
		return "reason-ffff"
	case err == nil && bytes.HasPrefix(reason, []byte("\uFEFF")):
		return "reason-bom"
	case err == nil && len(reason) > 0:
		return "reason-ok"
	case err == nil:
		return "code-1000"
	case code == 1004, code == wsclose.StatusNoStatusReceived, code == wsclose.StatusAbnormalClosure, code == wsclose.StatusTLSHandshake:
		return "code-" + strconv.Itoa(int(code))
	case code.Class() == wsclose.ClassNotUsed:
		return "code-999"
	case code.Class() == wsclose.ClassOutOfRange:
		return "code-5000"
	}
	return "code-2999" // unassigned
}

// Measured returns the departures measured in the case with the given ID,
// those of the peers named (all of them when none is), in the order of the
// table, and whether a case has that ID. An empty result for a known case
// means each peer named conformed where it was measured.
func Measured(id string, peers ...string) (ds []Departure, ok bool) {
	i := slices.IndexFunc(cases, func(s spec) bool { return s.ID == id })
	if i < 0 {
		return nil, false
	}
	for _, d := range cases[i].Departures {
		if len(peers) == 0 || slices.Contains(peers, d.Peer) {
			ds = append(ds, d)
		}
	}
	return ds, true
}
