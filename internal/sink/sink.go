package sink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"

	"github.com/otelbench/otelbench/internal/loopback"
)

// DefaultListen is the address a Sink listens on when Options.Listen is
// empty: loopback, on a port the kernel picks. A fixed port such as 4317
// may be taken on the machine that runs the benchmark.
const DefaultListen = "127.0.0.1:0"

// MaxRecvMsgSize is the largest export request, in bytes, that a Sink
// accepts: four times the Collector's default (its OTLP receiver's
// max_recv_msg_size_mib is 4), and a hundred times a batch of 512 spans of
// the bundled target. gRPC refuses a larger request with
// RESOURCE_EXHAUSTED before reading it, and the sink counts nothing of it:
// the exporter counts it as failed.
const MaxRecvMsgSize = 16 << 20

// closeGrace bounds how long Close waits for in-flight calls and client
// connections before it stops the server hard.
const closeGrace = 2 * time.Second

// Options configures a Sink. The zero value is a well-behaved sink on
// DefaultListen.
type Options struct {
	// Listen is the TCP address to listen on, host:port with a loopback
	// host (see loopback.CheckListen); "" means DefaultListen.
	Listen string
	// Delay is how long the sink holds each Export call before it
	// answers. Zero or negative means no delay. See Sink.SetDelay. It is
	// shorthand for Faults.Latency.Fixed; setting both is an error.
	Delay time.Duration
	// Faults is the misbehaviour to start with; see Sink.SetFaults.
	Faults Faults
	// Capture makes the sink also keep a decoded copy of every span it
	// receives, for TakeSpans (see capture.go). Off, the counting path is
	// unchanged and nothing is decoded.
	Capture bool
	// CaptureLimit bounds how many spans a capturing sink holds between two
	// TakeSpans; zero means DefaultCaptureLimit.
	CaptureLimit int
	// MaxInflightBytes bounds the bytes of Export requests the sink holds
	// at once; a request that would go over is refused with
	// RESOURCE_EXHAUSTED (without RetryInfo, so the exporter does not
	// retry it) and counted as rejected. Zero means
	// DefaultMaxInflightBytes.
	MaxInflightBytes int64
}

// Sink is a running OTLP trace receiver, gRPC and HTTP (protobuf and
// JSON) on one port (see mux.go), that counts what it receives. Its methods are safe for concurrent use.
type Sink struct {
	lis    *gateListener
	mux    *mux
	srv    *grpc.Server
	hsrv   *http.Server
	ledger *ledger
	budget budget
	bufs   bufferList // for request bodies
	// scratch holds *scratch for the export calls in flight.
	scratch sync.Pool
	// capture is nil unless Options.Capture.
	capture *capture
	faults  atomic.Pointer[faults]
	// inflight is the number of Export calls read, checked and not yet
	// answered; tests use it to know that a call has reached the sink.
	inflight atomic.Int64

	// closing is closed when Close begins, to release held calls.
	closing chan struct{}
	// kick wakes the control goroutine (see control), which closes
	// ctlDone when it returns.
	kick    chan struct{}
	ctlDone chan struct{}
	// listenErr is the last failure to listen again after an outage.
	listenErr atomic.Pointer[error]
	// served is closed when both servers' Serve have returned; serveErr
	// is the gRPC server's result, httpErr the HTTP server's.
	served            chan struct{}
	serveErr, httpErr error

	closeOnce sync.Once
	closeErr  error
}

// Start listens on opts.Listen and serves the OTLP trace service in a
// goroutine. It returns once the sink is listening, so a client can
// connect to Endpoint at once. ctx bounds only the start; the sink runs
// until Close, which the caller must call.
func Start(ctx context.Context, opts Options) (*Sink, error) {
	f, err := faultsFrom(opts)
	if err != nil {
		return nil, err
	}
	addr := opts.Listen
	if addr == "" {
		addr = DefaultListen
	}
	if err := loopback.CheckListen(addr); err != nil {
		return nil, fmt.Errorf("sink: listening on %q: %w", addr, err)
	}
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sink: listening on %s: %w", addr, err)
	}

	s := &Sink{
		lis:     newGateListener(lis),
		ledger:  newLedger(time.Now()),
		closing: make(chan struct{}),
		served:  make(chan struct{}),
		kick:    make(chan struct{}, 1),
		ctlDone: make(chan struct{}),
	}
	s.srv = grpc.NewServer(serverOptions(&s.bufs)...)
	s.scratch.New = func() any { return new(scratch) }
	s.budget.limit = opts.MaxInflightBytes
	if s.budget.limit <= 0 {
		s.budget.limit = DefaultMaxInflightBytes
	}
	if opts.Capture {
		s.capture = newCapture(opts.CaptureLimit)
	}
	s.faults.Store(f)
	s.srv.RegisterService(&traceServiceDesc, s)
	for i := range otherSignals {
		s.srv.RegisterService(&otherSignals[i], s)
	}
	s.hsrv = s.newHTTPServer()
	s.mux = newMux(s.lis, s.ledger.noteConn, &s.ledger.wire)
	s.mux.run()
	go s.control()
	go func() {
		defer close(s.served)
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.httpErr = s.hsrv.Serve(s.mux.http)
		}()
		s.serveErr = s.srv.Serve(s.mux.grpc)
		<-done
	}()
	return s, nil
}

// streamWindow and connWindow are the sink's HTTP/2 flow-control windows
// per stream and per connection: fixed, so that a batch of the usual size
// (150 KB for 512 spans) arrives without waiting for window updates, and
// unread data stays bounded. gRPC's default, 64 KiB grown by its bandwidth
// estimator up to 16 MiB, costs round trips, pings and wake-ups on every
// export.
const (
	streamWindow = 1 << 20
	connWindow   = 4 << 20
)

// serverOptions are the options of the sink's gRPC server.
func serverOptions(bufs *bufferList) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(MaxRecvMsgSize),
		grpc.ForceServerCodecV2(newCodec(bufs)),
		grpc.InitialWindowSize(streamWindow),
		grpc.InitialConnWindowSize(connWindow),
	}
}

// Addr returns the address the sink is bound to, such as
// "127.0.0.1:40123". It stays the same through outages.
func (s *Sink) Addr() string {
	return s.lis.Addr().String()
}

// Endpoint returns the sink's address as an insecure OTLP endpoint URL,
// such as "http://127.0.0.1:40123": the form OTEL_EXPORTER_OTLP_ENDPOINT
// and otlptracegrpc.WithEndpointURL need (a bare host:port is silently
// ignored there).
func (s *Sink) Endpoint() string {
	return "http://" + s.Addr()
}

// Stats returns the counters since the last Reset. It copies a few words
// under the sink's lock and allocates nothing.
func (s *Sink) Stats() Stats {
	return s.ledger.current()
}

// Reset returns everything received since the last Reset (or Start) and
// starts afresh, atomically: every Export call is counted in exactly one
// Snapshot. Duplicates are detected within one period only.
func (s *Sink) Reset() Snapshot {
	return s.ledger.reset()
}

// SetTraceIndex puts ix in effect at once: from now on the traces it knows
// are counted by item number (Snapshot.Items) rather than by trace id
// (Snapshot.Traces), in a table that costs a few bytes per item; the zero
// TraceIndex removes it. Traces already counted in the current period move
// to where ix says they belong, so each is counted once, in one place. It
// stays in effect across Resets until the next SetTraceIndex.
func (s *Sink) SetTraceIndex(ix TraceIndex) {
	s.ledger.setIndex(ix)
}

// Close stops the sink. Calls held by a fault (latency, black hole,
// throughput cap) are answered at once with codes.Unavailable and counted
// as Rejected; in-flight calls and client connections get about two
// seconds to finish before the server stops hard. When Close returns, no goroutine of the sink is left. Close is
// idempotent; Stats and Reset still work afterwards.
func (s *Sink) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.ctlDone // no outage starts or ends from here on
		// No new connection from here on; those still being peeked are
		// cut, the servers' own get the grace below.
		s.lis.Close()
		s.mux.cutPeeking()
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			s.srv.GracefulStop()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		httpErr := s.hsrv.Shutdown(ctx)
		select {
		case <-stopped:
		case <-ctx.Done():
			s.srv.Stop()
			<-stopped
		}
		if httpErr != nil {
			_ = s.hsrv.Close()
		}
		<-s.served
		s.lis.cutAll()
		s.mux.wait()
		// A Close that comes before Serve has begun makes Serve return
		// ErrServerStopped (after closing the listener): not a failure.
		if s.serveErr != nil && !errors.Is(s.serveErr, grpc.ErrServerStopped) {
			s.closeErr = fmt.Errorf("sink: serving gRPC on %s: %w", s.Addr(), s.serveErr)
		} else if s.httpErr != nil && !errors.Is(s.httpErr, http.ErrServerClosed) {
			s.closeErr = fmt.Errorf("sink: serving HTTP on %s: %w", s.Addr(), s.httpErr)
		}
	})
	return s.closeErr
}
