package sink

import (
	"fmt"
	"net"
	"sync"
)

// gateListener is the net.Listener the sink's mux accepts from. It stays
// open for the whole life of the Sink, while the socket under it can be
// closed for an outage, so that clients are refused, and opened again on
// the same address afterwards. The gRPC server never notices: during an
// outage its Accept simply blocks.
//
// It also keeps the connections it accepted, to cut them all when an
// outage begins.
type gateListener struct {
	addr net.Addr // of the first socket; every later one binds the same

	mu     sync.Mutex
	lis    net.Listener  // the socket; nil during an outage
	opened chan struct{} // closed when a socket is open again after an outage
	conns  map[*gateConn]struct{}
	closed bool
	done   chan struct{} // closed by Close
}

var _ net.Listener = (*gateListener)(nil)

// newGateListener returns a gate over the open socket lis.
func newGateListener(lis net.Listener) *gateListener {
	return &gateListener{
		addr:   lis.Addr(),
		lis:    lis,
		opened: make(chan struct{}),
		conns:  make(map[*gateConn]struct{}),
		done:   make(chan struct{}),
	}
}

// Accept returns the next connection on whichever socket is open, waiting
// through outages. It fails only once the gate is closed, or when the
// socket fails on its own.
func (g *gateListener) Accept() (net.Conn, error) {
	for {
		g.mu.Lock()
		lis, opened := g.lis, g.opened
		g.mu.Unlock()
		if lis == nil {
			select {
			case <-opened:
				continue
			case <-g.done:
				return nil, net.ErrClosed
			}
		}

		c, err := lis.Accept()
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			if c != nil {
				c.Close()
			}
			return nil, net.ErrClosed
		}
		if g.lis != lis {
			// The socket was closed for an outage while we waited, or
			// just after this connection came: refuse it too.
			g.mu.Unlock()
			if c != nil {
				c.Close()
			}
			continue
		}
		if err != nil {
			g.mu.Unlock()
			return nil, err
		}
		gc := &gateConn{Conn: c, gate: g}
		g.conns[gc] = struct{}{}
		g.mu.Unlock()
		return gc, nil
	}
}

// Close closes the gate and the socket under it. The Sink calls it when
// it closes.
func (g *gateListener) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	close(g.done)
	if g.lis != nil {
		return g.lis.Close()
	}
	return nil
}

// Addr returns the address of the gate, the same through outages.
func (g *gateListener) Addr() net.Addr { return g.addr }

// down closes the socket and every connection accepted on it, so that
// clients see their calls fail and new connections refused.
func (g *gateListener) down() {
	g.mu.Lock()
	if g.lis == nil || g.closed {
		g.mu.Unlock()
		return
	}
	lis := g.lis
	g.lis = nil
	g.opened = make(chan struct{})
	conns := make([]*gateConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()

	lis.Close()
	for _, c := range conns {
		c.Close()
	}
}

// up opens a socket on the gate's address again, unless one is open or
// the gate is closed. It fails when the address has been taken meanwhile.
func (g *gateListener) up() error {
	g.mu.Lock()
	skip := g.lis != nil || g.closed
	g.mu.Unlock()
	if skip {
		return nil
	}
	// A plain Listen sets SO_REUSEADDR, so the connections just cut,
	// in TIME_WAIT, do not hold the port.
	lis, err := net.Listen(g.addr.Network(), g.addr.String())
	if err != nil {
		return fmt.Errorf("sink: listening again on %s after an outage: %w", g.addr, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lis != nil || g.closed {
		lis.Close()
		return nil
	}
	g.lis = lis
	close(g.opened)
	return nil
}

// cutAll closes every connection the gate accepted, whatever holds it.
func (g *gateListener) cutAll() {
	g.mu.Lock()
	conns := make([]*gateConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// isDown reports whether the gate is in an outage.
func (g *gateListener) isDown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lis == nil && !g.closed
}

// gateConn is a connection accepted by a gateListener, which forgets it
// when it closes.
type gateConn struct {
	net.Conn
	gate *gateListener
	once sync.Once
	err  error
}

// Close closes the connection once.
func (c *gateConn) Close() error {
	c.once.Do(func() {
		c.gate.mu.Lock()
		delete(c.gate.conns, c)
		c.gate.mu.Unlock()
		c.err = c.Conn.Close()
	})
	return c.err
}
