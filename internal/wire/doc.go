// Package wire is the one raw WebSocket layer of the project, written from
// RFC 6455 §4 (the opening handshake, both sides) and §5.2 (frames). It
// writes any frame a header can describe, those no library would send
// included (a 1-byte Close, a reserved bit, FIN=0 on a control frame, a
// length in a longer form than needed, an unmasked client frame), and reads
// frames exactly as they came, with a deadline on every read and a limit
// on every length: a header stating 2 GiB is an error, not an allocation.
// A Conn records who closed TCP and when.
//
// It judges headers (Header.Check, Header.CheckMask) but not Close bodies:
// those are wsclose's.
//
// Its error texts carry no package prefix: the packages that hand them to
// users (wsclosetest) add their own.
//
// The probe of package wsclosetest, the wsclose command's frame decoder
// and the interop tests' raw endpoint all use it.
package wire
