package wsclosetest

// Verdict is how a case ends.
type Verdict string

// The verdicts, from the rules of RFC 6455 and the IANA registry:
const (
	// Pass: the peer did what the rule asks.
	Pass Verdict = "pass"
	// Fail: the peer broke a MUST or MUST NOT of RFC 6455 (taking
	// without failing the connection what a sender MUST NOT send
	// included), did what Autobahn TestSuite fails in the same case,
	// refused a code that IANA registers for sending (1012–1014), or
	// accepted a code outside every range of RFC 6455 §7.4.2 (≥ 5000).
	Fail Verdict = "fail"
	// Warn: the peer did not do what a SHOULD of RFC 6455 asks.
	Warn Verdict = "warn"
	// Info: the standards leave it open; the result says what was seen.
	Info Verdict = "info"
)

// Side is the end of a connection a case tests.
type Side string

// The sides.
const (
	Server Side = "server" // the probe is the client and tests a server
	Client Side = "client" // a server of the package tests a client
)

// Case is one conformance case: what is sent, what a conforming peer
// does, and the rule that decides. Autobahn TestSuite's section 7 cases
// keep Autobahn's IDs ("7.3.2"); the cases Autobahn lacks have IDs that
// are words ("code-1014"), never dotted numbers.
type Case struct {
	ID      string
	Title   string
	Tests   Side
	Sends   string // what the probe sends, after the opening handshake
	Expects string // what a conforming peer does
	Rule    string // the rule that decides, with its section
	// Departures are the measured departures of real peers in this
	// case, as the project's interop tests find them; empty when every
	// peer measured conforms.
	Departures []Departure
}

// Departure is what one real peer does in a case, measured, when it is
// not a pass.
type Departure struct {
	Peer    string // "gorilla/websocket", "Node ws", ...
	Verdict Verdict
	Saw     string // what the peer did
	Why     string // the peer's documented behaviour or public issue, when known
}
