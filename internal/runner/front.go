package runner

import (
	"bytes"
	"io"
	"net"
	"sync"
	"time"
)

// front is one OTLP port before a real Collector, whose OTLP/gRPC and
// OTLP/HTTP receivers listen on two: it reads each connection's first
// bytes and relays it, bytes and all, to the receiver that speaks its
// protocol (gRPC opens with the HTTP/2 preface). It stands in only for a
// service whose protocol otelbench does not know (a -cmd service whose
// variant names none); every other exporter is pointed at its receiver
// directly, so that no relay sits in its path.
type front struct {
	lis            net.Listener
	grpcAddr, http string
	wg             sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// http2Preface opens every HTTP/2 connection, gRPC's included.
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// startFront listens on a free loopback port and relays to grpcAddr and
// httpAddr.
func startFront(grpcAddr, httpAddr string) (*front, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &front{lis: lis, grpcAddr: grpcAddr, http: httpAddr, conns: map[net.Conn]struct{}{}}
	f.wg.Add(1)
	go f.accept()
	return f, nil
}

// Endpoint is the front's URL, for OTEL_EXPORTER_OTLP_ENDPOINT.
func (f *front) Endpoint() string { return "http://" + f.lis.Addr().String() }

func (f *front) accept() {
	defer f.wg.Done()
	for {
		c, err := f.lis.Accept()
		if err != nil {
			return
		}
		if !f.track(c) {
			c.Close()
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer f.untrack(c)
			f.relay(c)
		}()
	}
}

// relay peeks at c, dials the receiver of its protocol and copies both
// ways until either side closes.
func (f *front) relay(c net.Conn) {
	defer c.Close()
	head := make([]byte, len(http2Preface))
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _ := io.ReadAtLeast(c, head, 1)
	head = head[:n]
	for n < len(http2Preface) && bytes.HasPrefix([]byte(http2Preface), head) {
		m, err := c.Read(head[n:cap(head)])
		head = head[:n+m]
		n += m
		if err != nil {
			break
		}
	}
	_ = c.SetReadDeadline(time.Time{})
	if n == 0 {
		return
	}
	addr := f.http
	if bytes.HasPrefix(head, []byte(http2Preface)) {
		addr = f.grpcAddr
	}
	up, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return
	}
	if !f.track(up) {
		up.Close()
		return
	}
	defer f.untrack(up)
	defer up.Close()
	if _, err := up.Write(head); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(c, up)
		c.Close()
	}()
	_, _ = io.Copy(up, c)
	up.Close()
	<-done
}

// track remembers c so that close can cut it; false once closed.
func (f *front) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *front) untrack(c net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.conns, c)
}

// close stops the front and cuts every relayed connection.
func (f *front) close() {
	f.mu.Lock()
	f.closed = true
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.lis.Close()
	f.wg.Wait()
}
