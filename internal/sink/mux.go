package sink

import (
	"bytes"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The sink serves OTLP/gRPC and OTLP/HTTP on one port, so that a service
// delivers whether its exporter hard-codes either transport or follows
// OTEL_EXPORTER_OTLP_PROTOCOL, without being told which. A connection says
// what it speaks in its first bytes: gRPC opens with the HTTP/2 client
// preface, OTLP/HTTP (HTTP/1.1) with a request line, and a client
// configured for TLS with a handshake record, which a plain-text sink can
// only count and close. The mux reads those bytes and hands the connection,
// bytes and all, to the gRPC server or the HTTP server.
//
// An HTTP/2 client with prior knowledge (h2c) opens with the same preface
// as gRPC and goes to the gRPC server: OTLP/HTTP exporters speak
// HTTP/1.1 to an http:// endpoint.

// http2Preface is the HTTP/2 client connection preface (RFC 9113, 3.4).
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// peekTimeout bounds how long a connection may stay silent before it says
// what it speaks; an exporter writes at once.
const peekTimeout = 10 * time.Second

// kindOf says what a connection that began with b speaks; ok is false
// while b is too short to tell.
func kindOf(b []byte) (k ConnKind, ok bool) {
	switch {
	case len(b) == 0:
		return ConnOther, false
	case b[0] == 0x16: // TLS record type handshake
		return ConnTLS, true
	}
	n := min(len(b), len(http2Preface))
	if bytes.Equal(b[:n], []byte(http2Preface[:n])) {
		return ConnGRPC, n == len(http2Preface)
	}
	for _, m := range []string{"POST ", "GET ", "PUT ", "HEAD ", "OPTIONS ", "DELETE ", "PATCH "} {
		n := min(len(b), len(m))
		if bytes.Equal(b[:n], []byte(m[:n])) {
			return ConnHTTP, n == len(m)
		}
	}
	return ConnOther, true
}

// mux accepts connections from the gate and routes each to the listener of
// its kind.
type mux struct {
	gate       net.Listener
	grpc, http *chanListener
	note       func(ConnKind)
	// wire counts every byte read from the connections routed, the
	// peeked ones included (nil: not counted).
	wire *atomic.Int64
	wg   sync.WaitGroup // the accept loop and connections being peeked

	mu      sync.Mutex
	peeking map[net.Conn]struct{}
	closed  bool
}

// newMux returns a mux over gate; run starts it.
func newMux(gate net.Listener, note func(ConnKind), wire *atomic.Int64) *mux {
	return &mux{gate: gate, grpc: newChanListener(gate.Addr()), http: newChanListener(gate.Addr()), note: note,
		wire: wire, peeking: map[net.Conn]struct{}{}}
}

// run accepts connections until the gate closes. The servers close their
// listeners when they stop.
func (m *mux) run() {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			c, err := m.gate.Accept()
			if err != nil {
				return
			}
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				m.route(c)
			}()
		}
	}()
}

// route reads c's first bytes and hands it on, or closes it.
func (m *mux) route(c net.Conn) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		c.Close()
		return
	}
	m.peeking[c] = struct{}{}
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.peeking, c)
		m.mu.Unlock()
	}()
	buf := make([]byte, 0, len(http2Preface))
	_ = c.SetReadDeadline(time.Now().Add(peekTimeout))
	kind, ok := ConnOther, false
	for !ok {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if kind, ok = kindOf(buf); ok || err != nil {
			break
		}
	}
	_ = c.SetReadDeadline(time.Time{})
	if !ok {
		kind = ConnOther
	}
	m.note(kind)
	if m.wire != nil {
		m.wire.Add(int64(len(buf)))
	}
	pc := &peekedConn{Conn: c, head: buf, wire: m.wire}
	var dst *chanListener
	switch kind {
	case ConnGRPC:
		dst = m.grpc
	case ConnHTTP:
		dst = m.http
	default:
		c.Close()
		return
	}
	if !dst.deliver(pc) {
		c.Close()
	}
}

// cutPeeking closes the connections still being peeked, and any that
// come after.
func (m *mux) cutPeeking() {
	m.mu.Lock()
	m.closed = true
	for c := range m.peeking {
		c.Close()
	}
	m.mu.Unlock()
}

// wait returns when the accept loop and every peek have ended.
func (m *mux) wait() { m.wg.Wait() }

// peekedConn is a connection whose first bytes were read already: Read
// returns them first. It counts what it reads after them in wire.
type peekedConn struct {
	net.Conn
	head []byte
	wire *atomic.Int64
}

// Read returns the peeked bytes, then what the connection brings.
func (c *peekedConn) Read(p []byte) (int, error) {
	if len(c.head) > 0 {
		n := copy(p, c.head)
		c.head = c.head[n:]
		return n, nil
	}
	n, err := c.Conn.Read(p)
	if c.wire != nil && n > 0 {
		c.wire.Add(int64(n))
	}
	return n, err
}

// chanListener is a net.Listener fed by the mux.
type chanListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// newChanListener returns an open chanListener that reports addr.
func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// deliver hands c to Accept; false when the listener is closed.
func (l *chanListener) deliver(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.done:
		return false
	}
}

// Accept returns the next connection the mux routed here.
func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept; connections already handed on are their server's.
func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr returns the sink's address.
func (l *chanListener) Addr() net.Addr { return l.addr }

var (
	_ net.Listener = (*chanListener)(nil)
	_ io.Reader    = (*peekedConn)(nil)
)
