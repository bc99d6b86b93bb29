package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
)

// This file reads captures: a packet's headers (a hex dump of a whole
// packet), and .pcap and .pcapng files, whose TCP streams it reassembles to
// find the Close frames in them. The layouts are the published ones, read
// with encoding/binary: pcap and pcapng as the IETF OPSAWG drafts
// draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng write them (the
// formats of tcpdump and Wireshark), Ethernet II with IEEE 802.1Q tags,
// IPv4 (RFC 791), IPv6 (RFC 8200) and TCP (RFC 9293). Neither IP fragments
// nor IPv6 extension headers are followed: a packet with either is skipped.

// segment is a TCP segment: who sent it to whom, its sequence number and
// flags, and its payload.
type segment struct {
	src, dst netip.AddrPort
	seq      uint32
	syn, ack bool
	payload  []byte
	start    int    // where the payload starts in the packet
	layers   string // the headers stepped over, for decode's "packet" line
}

// linkEthernet is Ethernet II's link type (its LINKTYPE_ value in the
// tcpdump.org registry).
const linkEthernet = 1

// linkHeaders are the link types that readLink knows, by LINKTYPE_ value,
// with the length and the name of their link-layer header.
var linkHeaders = map[uint32]struct {
	len  int
	name string
}{
	0:            {4, "loopback"},         // BSD loopback: a 4-byte address family
	linkEthernet: {14, "Ethernet"},        // after any IEEE 802.1Q VLAN tags
	101:          {0, ""},                 // RAW: an IPv4 or IPv6 packet
	113:          {16, "Linux cooked"},    // LINUX_SLL
	228:          {0, ""},                 // IPV4
	229:          {0, ""},                 // IPV6
	276:          {20, "Linux cooked v2"}, // LINUX_SLL2
}

// readLink steps over the link-layer header of a packet of the given link
// type, and returns the TCP segment inside, or nil when there is none.
func readLink(link uint32, p []byte) *segment {
	h, ok := linkHeaders[link]
	off, layers := h.len, h.name
	for link == linkEthernet && off+2 <= len(p) && binary.BigEndian.Uint16(p[off-2:]) == 0x8100 {
		off += 4 // an 802.1Q VLAN tag before the EtherType
	}
	if !ok || off > len(p) {
		return nil
	}
	s := readIP(p[off:])
	if s != nil && off > 0 {
		s.start, s.layers = s.start+off, layers+", "+s.layers
	}
	return s
}

// readIP reads an IPv4 or IPv6 packet that holds a whole TCP segment, its
// lengths consistent with p (which may carry link-layer padding after the
// packet), and returns the segment; nil when p is no such packet.
func readIP(p []byte) *segment {
	if len(p) < 20 {
		return nil
	}
	var src, dst netip.Addr
	var tcp []byte
	var start int
	switch p[0] >> 4 {
	case 4:
		ihl, total := int(p[0]&0x0F)*4, int(binary.BigEndian.Uint16(p[2:]))
		fragment := binary.BigEndian.Uint16(p[6:])&0x3FFF != 0 // more fragments, or an offset
		if ihl < 20 || total < ihl || total > len(p) || p[9] != 6 || fragment {
			return nil
		}
		src, dst = netip.AddrFrom4([4]byte(p[12:16])), netip.AddrFrom4([4]byte(p[16:20]))
		tcp, start = p[ihl:total], ihl
	case 6:
		if len(p) < 40 || p[6] != 6 || 40+int(binary.BigEndian.Uint16(p[4:])) > len(p) {
			return nil
		}
		src, dst = netip.AddrFrom16([16]byte(p[8:24])), netip.AddrFrom16([16]byte(p[24:40]))
		tcp, start = p[40:40+int(binary.BigEndian.Uint16(p[4:]))], 40
	default:
		return nil
	}
	if len(tcp) < 20 || int(tcp[12]>>4)*4 < 20 || int(tcp[12]>>4)*4 > len(tcp) {
		return nil
	}
	dataOff := int(tcp[12]>>4) * 4
	return &segment{
		src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(tcp[0:])),
		dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(tcp[2:])),
		seq:     binary.BigEndian.Uint32(tcp[4:]),
		syn:     tcp[13]&0x02 != 0,
		ack:     tcp[13]&0x10 != 0,
		payload: tcp[dataOff:],
		start:   start + dataOff,
		layers:  fmt.Sprintf("IPv%d, TCP", p[0]>>4),
	}
}

// readPacket reads data, the bytes of a hex dump, as a whole packet if its
// headers say it is one: Ethernet II then IPv4 or IPv6 then TCP, or IPv4
// or IPv6 then TCP. It returns nil when data is no such packet.
func readPacket(data []byte) *segment {
	if len(data) >= 14 && slices.Contains([]uint16{0x0800, 0x86DD, 0x8100}, binary.BigEndian.Uint16(data[12:])) {
		if s := readLink(linkEthernet, data); s != nil {
			return s // an EtherType of IPv4, IPv6 or an 802.1Q tag, and the headers that follow
		}
	}
	return readIP(data)
}

// describe says whose segment s is, for decode's "packet" line.
func (s *segment) describe() string {
	return fmt.Sprintf("%s %s → %s, %s of TCP payload", s.layers, s.src, s.dst, byteCount(len(s.payload)))
}

// maxCapture is the largest capture file read; larger ones are refused.
const maxCapture = 64 << 20

// capture is what readCapture found: the format and each packet's TCP
// segment, nil for a packet that holds none.
type capture struct {
	format  string // "pcap" or "pcapng"
	packets []*segment
}

// readCapture reads a .pcap or .pcapng file, or standard input for "-",
// and returns its TCP segments. A file that is neither is unreadable.
func readCapture(name string, stdin io.Reader) (*capture, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, unreadable("%v", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxCapture+1))
	switch {
	case err != nil:
		return nil, unreadable("reading %s: %v", name, err)
	case len(b) > maxCapture:
		return nil, unreadable("%s is larger than 64 MiB; keep the WebSocket packets only (tshark -r IN -Y websocket -w OUT)", name)
	case len(b) >= 4 && string(b[:4]) == "\x0a\x0d\x0d\x0a":
		return readPcapng(b)
	}
	return readPcap(b)
}

// readPcap reads the pcap format: a 24-byte header whose magic number
// gives the byte order (and micro- or nanosecond times), whose last field
// is the link type, then records of a 16-byte header (captured length at
// offset 8) and the packet.
func readPcap(b []byte) (*capture, error) {
	if len(b) < 24 {
		return nil, unreadable("not a pcap or pcapng file: %s", byteCount(len(b)))
	}
	var order binary.ByteOrder
	switch binary.BigEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d:
		order = binary.BigEndian
	case 0xd4c3b2a1, 0x4d3cb2a1:
		order = binary.LittleEndian
	default:
		return nil, unreadable("not a pcap or pcapng file: it starts % x", b[:4])
	}
	c := &capture{format: "pcap"}
	link := order.Uint32(b[20:]) & 0xFFFF
	for b = b[24:]; len(b) > 0; {
		if len(b) < 16 || uint64(order.Uint32(b[8:])) > uint64(len(b)-16) {
			return nil, unreadable("the pcap file is cut short in packet %d", len(c.packets)+1)
		}
		n := int(order.Uint32(b[8:]))
		c.packets = append(c.packets, readLink(link, b[16:16+n]))
		b = b[16+n:]
	}
	return c, nil
}

// readPcapng reads the pcapng format: blocks of a type, a total length, a
// body and the length again. A Section Header Block (0x0A0D0D0A) gives the
// byte order and starts a new list of interfaces; an Interface Description
// Block (1) gives an interface's link type; an Enhanced Packet Block (6)
// holds the interface, the captured length (at body offset 12) and the
// packet (at 20); a Simple Packet Block (3) holds a packet of interface 0
// at body offset 4. Other blocks are skipped.
func readPcapng(b []byte) (*capture, error) {
	c := &capture{format: "pcapng"}
	var order binary.ByteOrder = binary.LittleEndian
	var links []uint32
	for len(b) > 0 {
		if len(b) >= 12 && string(b[:4]) == "\x0a\x0d\x0d\x0a" {
			switch string(b[8:12]) {
			case "\x1a\x2b\x3c\x4d":
				order = binary.BigEndian
			case "\x4d\x3c\x2b\x1a":
				order = binary.LittleEndian
			default:
				return nil, unreadable("not a pcapng file: the byte-order magic is % x", b[8:12])
			}
			links = links[:0]
		}
		if len(b) < 12 || order.Uint32(b[4:]) < 12 || order.Uint32(b[4:])%4 != 0 || uint64(order.Uint32(b[4:])) > uint64(len(b)) {
			return nil, unreadable("the pcapng file is cut short, or a block's length is wrong, %s before its end", byteCount(len(b)))
		}
		body := b[8 : order.Uint32(b[4:])-4]
		switch typ := order.Uint32(b); {
		case typ == 1 && len(body) >= 2:
			links = append(links, uint32(order.Uint16(body)))
		case typ == 6 && len(body) >= 20:
			iface, n := order.Uint32(body), order.Uint32(body[12:])
			if int(iface) >= len(links) || uint64(n) > uint64(len(body)-20) {
				return nil, unreadable("packet %d names interface %d of %d, or is longer than its block", len(c.packets)+1, iface, len(links))
			}
			c.packets = append(c.packets, readLink(links[iface], body[20:20+n]))
		case typ == 3 && len(body) >= 4 && len(links) > 0:
			c.packets = append(c.packets, readLink(links[0], body[4:min(len(body), 4+int(order.Uint32(body)))]))
		}
		b = b[order.Uint32(b[4:]):]
	}
	return c, nil
}

// tcpStream is one direction of a TCP connection, its bytes in order.
type tcpStream struct {
	src, dst  netip.AddrPort
	segments  []*segment
	data      []byte
	direction string // "client_to_server", "server_to_client", or "" when unknown
	gap       bool   // a segment is missing: data ends before it
}

// direction names the direction of a stream from the client or not.
func direction(fromClient bool) string {
	return map[bool]string{true: "client_to_server", false: "server_to_client"}[fromClient]
}

// streams reassembles the segments of each direction of each connection by
// sequence number, from the SYN when the capture holds it (which gives the
// direction): segments that repeat bytes (retransmissions) add none, and
// the stream ends at the first missing byte. Streams are in the order their
// first segment came.
func (c *capture) streams() []*tcpStream {
	var out []*tcpStream
	byKey := map[[2]netip.AddrPort]*tcpStream{}
	for _, s := range c.packets {
		if s == nil {
			continue
		}
		st := byKey[[2]netip.AddrPort{s.src, s.dst}]
		if st == nil {
			st = &tcpStream{src: s.src, dst: s.dst}
			byKey[[2]netip.AddrPort{s.src, s.dst}] = st
			out = append(out, st)
		}
		st.segments = append(st.segments, s)
	}
	for _, st := range out {
		segs := st.segments
		ref := segs[0].seq
		for _, s := range segs {
			if s.syn {
				ref, st.direction = s.seq+1, direction(!s.ack)
			}
		}
		rel := func(s *segment) int64 { return int64(int32(s.seq - ref)) }
		for _, s := range segs {
			if st.direction == "" && rel(s) < 0 {
				ref = s.seq
			}
		}
		slices.SortStableFunc(segs, func(a, b *segment) int { return int(rel(a) - rel(b)) })
		for _, s := range segs {
			off := rel(s)
			if s.syn {
				off++ // the SYN takes a sequence number
			}
			if len(s.payload) == 0 || off+int64(len(s.payload)) <= int64(len(st.data)) {
				continue // nothing new
			}
			if st.gap = off > int64(len(st.data)); st.gap {
				break
			}
			st.data = append(st.data, s.payload[int64(len(st.data))-off:]...)
		}
	}
	return out
}

// closeFrames returns the Close frames in st: the frames after the HTTP
// upgrade (RFC 6455 §4) when the stream starts with it, or from the first
// byte when the capture began after it. A frame cut short by the end of
// the capture or a gap ends the search. It decides the stream's direction
// when the SYN did not: the side that sends the GET is the client, and
// so is the side whose frames are masked (RFC 6455 §5.1).
func (st *tcpStream) closeFrames() [][]byte {
	rest := st.data
	switch {
	case bytes.HasPrefix(rest, []byte("GET ")), bytes.HasPrefix(rest, []byte("HTTP/")):
		st.direction = direction(rest[0] == 'G')
		var ok bool
		if _, rest, ok = bytes.Cut(rest, []byte("\r\n\r\n")); !ok {
			return nil
		}
	case st.direction != "":
		return nil // the connection's start (its SYN), and no HTTP upgrade: not WebSocket
	}
	var frames [][]byte
	for n := frameLen(rest); n > 0; n = frameLen(rest) {
		if st.direction == "" {
			st.direction = direction(rest[1]&0x80 != 0)
		}
		if rest[0]&0x0F == 0x8 {
			frames = append(frames, rest[:n])
		}
		rest = rest[n:]
	}
	return frames
}
