package wsclosetest

// departures are the measured departures of real servers, by case ID: the
// project's interop tests run every case against an echo server of each
// library, written as the library's own Autobahn TestSuite server is, and
// assert that what they measure is this list, no more and no less. Saw is
// the server's answer to the probe's Close ("drop": TCP closed with no
// Close), as the interop table writes it.
var departures = map[string][]Departure{
	"7.5.1": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000",
		Why: "it echoes the reason that is not UTF-8 back, in a Close a client must refuse"}},
	"7.13.1": {{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 5000", Why: "it echoes any code of 5000 and above"}},
	"7.13.2": {{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 65535", Why: "it echoes any code of 5000 and above"}},
	"code-1012": {{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 1002",
		Why: gobwasUndefinedCodes}},
	"code-1013": {{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 1002",
		Why: gobwasUndefinedCodes}},
	"code-1014": {
		{Peer: "gorilla/websocket v1.5.3", Verdict: Fail, Saw: "close 1002", Why: "its list of valid received codes has no 1014"},
		{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 1002", Why: gobwasUndefinedCodes},
		{Peer: "lxzan/gws v1.8.9", Verdict: Fail, Saw: "close 1002", Why: "its list of valid codes ends at 1013"},
	},
	"reason-cut": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000",
		Why: coderEchoesReason}},
	"reason-overlong": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000",
		Why: coderEchoesReason}},
	"reason-surrogate": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000",
		Why: coderEchoesReason}},
	"failure-code-utf8": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000",
		Why: coderEchoesReason}},
	"close-unmasked": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1011",
		Why: "it fails an unmasked client frame with 1011, not 1002"}},
	"close-nonminimal": {
		{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1000", Why: takesLongLength},
		{Peer: "gobwas/ws v1.5.0", Verdict: Fail, Saw: "close 1000", Why: takesLongLength},
	},
	"failure-close": {{Peer: "gorilla/websocket v1.5.3", Verdict: Warn, Saw: "close (empty)",
		Why: "it reads a 1-byte body as no status and answers with an empty Close"}},
	"tcp-close-failure": {{Peer: "coder/websocket v1.8.15", Verdict: Fail, Saw: "close 1002, TCP left open",
		Why: "having failed the connection, it waits for a Close in answer before it closes TCP"}},
}

// The reasons several departures share.
const (
	coderEchoesReason    = "it does not check the reason and echoes it back, in a Close a client must refuse"
	gobwasUndefinedCodes = "CheckCloseFrameData refuses the 1000–2999 codes it does not define"
	takesLongLength      = "it takes a length in a longer form than needed"
)
