// Package wsclose checks, encodes and decodes WebSocket close codes, close
// reasons and Close frame bodies exactly as RFC 6455, the IANA WebSocket
// Close Code Number Registry, the WHATWG WebSockets Standard and Web IDL
// define them. It is for the authors of WebSocket servers, clients and
// browser-API runtimes who want close handling that is right without
// re-deriving it, and it is meant to be called from their frame readers and
// writers: it does no I/O, and only [Handshake] keeps state.
//
// # Close codes
//
// Three rules decide where a code may appear:
//
//	rule                       codes                              check
//	a script's close()         1000, 3000–4999                    ValidateScriptCode
//	an endpoint's Close frame  1000–1003, 1007–1014, 3000–4999    ValidateCode, Code.Valid
//	never sent                 0–999, 1004–1006, 1015, 1016–2999,
//	                           5000–65535                         !Code.Valid
//
// [Code.String] names every IANA-registered code and the range of the rest.
//
// # Close reasons
//
// A reason is at most [MaxReasonLen] (123) bytes of well-formed UTF-8.
// [ValidateReason] checks a Go string, [DecodeReason] shows received bytes as
// CloseEvent.reason would, and [TruncateReason] shortens a reason without
// splitting a character.
//
// # Close frame bodies
//
// [AppendPayload] encodes a body; [ParsePayload] decodes and checks a
// received one. When a body is refused, [FailureCode] gives the status code
// RFC 6455 says to fail the connection with (1002 or 1007) and
// [AppendFailure] the whole Close body to send.
//
// # The browser API
//
// For runtimes that expose the browser's WebSocket API, [AppendScriptClose]
// is the WHATWG close(code, reason) method in one call: Web IDL's
// [Clamp] unsigned short conversion ([ClampCode]), the script code rule
// ([ValidateScriptCode]), the USVString conversion of the reason
// ([ReasonFromUTF16]) and the 123-byte limit. [DOMExceptionName] names the
// exception close() throws for an error.
//
// # Closing handshake
//
// [Handshake] keeps the facts of one connection's closing handshake (RFC 6455
// §7.1) and answers what to send back ([Handshake.Receive], [Handshake.Close],
// [Handshake.Fail]), when to close TCP ([Handshake.CloseTransport]) and what
// the connection reports ([Handshake.Event]: the CloseEvent's code, reason
// and wasClean, and whether an error event comes first). The caller does the
// I/O and runs the timers.
//
// # Errors
//
// Errors match the sentinels of this package ([ErrInvalidCode] and the
// others) with [errors.Is]; [*CodeError], [*ReasonError] and [*PayloadError]
// carry the detail. Every error text the package produces is printable
// ASCII, begins "wsclose: " and is at most [MaxReasonLen] bytes long, so an
// implementation may send err.Error() as a close reason. The texts name the
// fault, not the rule: the doc comments cite the rules, and the wsclose
// command's "explain" prints them.
//
// The functions are pure, safe for concurrent use, and do not allocate on
// their hot paths (parsing an accepted body, appending a body to a buffer
// with room, checking codes and valid reasons). A [Handshake] belongs to one
// connection and is not safe for concurrent use.
package wsclose
