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
// [ValidateReason] checks a Go string and [ValidateReasonBytes] bytes,
// [DecodeReason] shows received bytes as CloseEvent.reason would,
// [CutReason] shortens a reason without splitting a character, and
// [TruncateReason] repairs ill-formed bytes and then cuts.
//
// # Close frame bodies
//
// [AppendPayload] encodes a body ([AppendPayloadBytes] from a []byte
// reason, [AppendPayloadInt] from an int code); [ParsePayload] decodes and
// checks a received one, and [SplitPayload] splits one without checks. When
// a body is refused, [FailureCode] gives the status code RFC 6455 says to
// fail the connection with (1002 or 1007) and [AppendFailure] the whole
// Close body to send. A fault the caller's frame reader finds (a framing
// fault: 1002; text that is not UTF-8: 1007; a message too big: 1009; a
// policy: 1008) goes through a [*Failure] with its code.
//
// # The browser API
//
// For runtimes that expose the browser's WebSocket API,
// [Handshake.ScriptClose] is the WHATWG close(code, reason) method on a
// connection: Web IDL's [Clamp] unsigned short conversion ([ClampCode]), the
// script code rule ([ValidateScriptCode], [Code.ValidScript]), the
// USVString conversion of the reason and the 123-byte limit, with a
// [*DOMException] to throw; [AppendScriptClose] gives the body of one call
// without a Handshake, and [DOMExceptionName] the exception's name.
//
// # Closing handshake
//
// [Handshake] keeps the facts of one connection's closing handshake (RFC 6455
// §7.1) and answers what to send back ([Handshake.Receive], [Handshake.Close],
// [Handshake.Fail]), records what was sent ([Handshake.Send], the single
// write point), when to close TCP ([Handshake.CloseTransport]) and what the
// connection reports ([Handshake.Event]: the CloseEvent's code, reason and
// wasClean, whether an error event comes first and why, and whether TCP was
// merely dropped). The caller does the I/O and runs the timers.
//
// # Errors
//
// Errors match the sentinels of this package ([ErrInvalidCode] and the
// others) with [errors.Is]; [*CodeError], [*ReasonError] and [*PayloadError]
// carry the detail. Every error text the package produces is printable
// ASCII, begins "wsclose: " and is at most [MaxReasonLen] bytes long;
// [FailureReason] gives it without the prefix, which is what
// [AppendFailure] sends as the close reason, so that an implementation sends
// it under its own name. The texts name the fault, not the rule: the doc
// comments cite the rules, and the wsclose command's "explain" prints them.
//
// The functions are pure, safe for concurrent use, and do not allocate on
// their hot paths (parsing or splitting an accepted body, appending a body to
// a buffer with room, checking codes and valid reasons, cutting a reason). A
// [Handshake] belongs to one connection; it is safe for concurrent use, and
// [Handshake.Receive] does not allocate for a Close body it accepts.
package wsclose
