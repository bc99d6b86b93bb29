// Package interop tests wsclose against what its users run it with, over
// real connections on 127.0.0.1: the Go WebSocket libraries
// gorilla/websocket, coder/websocket, gobwas/ws and lxzan/gws (the peers),
// and the WebSocket of headless Chromium and of Node (undici) (the
// engines). It is a module of its own, so that none of them enters the
// root module's go.mod, and it holds only tests. README.md gives the
// results.
//
// The raw endpoint is the project's wire layer, internal/wire, written
// from RFC 6455 (rawws_test.go sets its time limits): it sees the exact
// bytes a peer or an engine puts on the wire and sends bytes no library
// would. The parts, each run from this folder (add -v to see the figures):
//
//	go test ./...                                 everything, about 30 s
//	go test -run '^TestPeer(Sends|Receives)'      each peer closes and is closed, as server and as client
//	go test -run TestDeviationTable               every conformance vector against each peer's server
//	go test -run TestPeerHandshake                the closing handshake, wsclose.Handshake against each peer
//	go test -run TestServerConformance            wsclosetest's cases against each peer's echo server and Node's ws
//	go test -run '^TestBrowserClose$'             WebSocket.close(code, reason) in Chromium and Node
//	go test -run '^TestServe$'                    the client cases of "wsclose serve": Chromium through its
//	                                              page, Node through the Autobahn URLs, the Go peers through
//	                                              wsclosetest.ClientCases
//	go test -run TestAllocations                  wsclose's allocation figures
//	./bench.sh                                    the side-by-side benchmarks, with benchstat
//	go test -run TestLicense                      the root LICENSE as pkg.go.dev's detector reads it
//	go test -run '^$' -fuzz '^FuzzPeersDiffer$' -fuzztime 60s -parallel 1 .
//	                                              random Close bodies against each peer, in memory
//
// The table tests assert the tables of README.md; with -update they write
// them anew (TestDeviationTable also the root README's summary). The
// browser tests find Chromium as $CHROMIUM or on $PATH and Node on $PATH;
// without them they skip, unless $CI is set, when they fail.
//
// What happened, by type:
//
//   - report: what a peer library told its user about a close: the code
//     and reason.
//   - peerRun: what a peer did on one connection: its report or error and,
//     in the handshake test, whether coder/websocket's Close gave it,
//     whether the library closed TCP as it sent its Close (lxzan/gws),
//     and the watched TCP connection.
//   - rawRun: what the wsclose.Handshake-driven raw endpoint ended with in
//     a handshake case: its event and the read error that ended its wait.
//   - reaction: a peer server's answer to one Close body, for the deviation
//     table: what it sent on the wire and what it told its user.
//   - verdict: what RFC 6455 and the IANA registry ask of one received
//     Close body, as wsclose decides: accept with its code, or fail with
//     a failure code.
//   - outcome: what one WebSocket.close() call does, in an engine or as
//     wsclose.AppendScriptClose says: the exception it throws or the Close
//     body it sends.
//   - jsResult: what closecalls.mjs reports of one close() call.
//   - agentReport, caseResult: what /report.json of "wsclose serve" says
//     of one client (the verdicts of package wsclosetest), as the tables
//     of TestServe need it.
//   - departure: a kind of way a peer or an engine leaves RFC 6455 or the
//     WHATWG WebSockets Standard, and the section that decides it.
package interop
