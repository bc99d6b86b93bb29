// Package wsclosetest tests the close handling of any WebSocket server
// over the wire: the closing handshake of RFC 6455 §5.5.1 and §7, the
// close codes of §7.4 and the IANA registry, the reasons of §5.5.1 and
// §8.1, and who closes TCP. It is for the implementation's own test
// suite, as golang.org/x/net/nettest.TestConn and testing/fstest.TestFS
// are:
//
//	wsclosetest.TestServer(t, "ws://127.0.0.1:9001/")
//
// runs every case as a subtest named by its ID, and Run returns the
// results as data for tools (the wsclose command's probe uses it). The
// server under test is an echo server, as Autobahn TestSuite's
// fuzzingclient mode expects.
//
// The cases are one table (see Cases): every case of Autobahn TestSuite's
// section 7 under Autobahn's own IDs (7.1.1–7.13.2), and the cases
// Autobahn lacks under IDs that are words (code-1014, reason-cut,
// tcp-close, ...). Each sends its frames with the raw frame layer of the
// project, which writes bytes no library would (a 1-byte Close, a
// reserved bit, FIN=0 on a Close, a non-minimal length, an unmasked client
// frame), and reads the server's with a deadline and a size limit.
//
// The verdicts come from wsclose itself: what a conforming server answers
// is what a wsclose.Handshake in the Server role answers, and whether the
// server's Close may be accepted is what a Handshake in the Client role
// (wsclose.ParsePayload) says. See Verdict for what each verdict means.
//
// # Clients and browsers
//
// The cases of a client (Tests: Client in Cases) turn the roles around: a
// server of the package plays one server behaviour of the closing
// handshake on each connection and grades what the client did on the
// wire and what it reported to its user (a browser's close event: code,
// reason, wasClean, and whether an error event came first) against a
// wsclose.Handshake in the Client role. A client library's test runs them
// with TestClient (ClientCases for the data), giving a ClientFunc that
// connects with the library; any other client, a browser included, runs
// them through ClientServer, an http.Handler that serves a page running
// every case in the browser that opens it, the URLs of Autobahn
// TestSuite's fuzzingserver mode, and each agent's report (the wsclose
// command's serve uses it).
package wsclosetest
