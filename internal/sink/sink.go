package sink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"

	"github.com/otelbench/otelbench/internal/loopback"
)

// DefaultListen is the address a Sink listens on when Options.Listen is
// empty: loopback, on a port the kernel picks. A fixed port such as 4317
// may be taken on the machine that runs the benchmark.
const DefaultListen = "127.0.0.1:0"

// MaxRecvMsgSize is the largest export request, in bytes, that a Sink
// accepts. It matches the default limit of the otlptracegrpc exporter, so
// the sink never refuses a request the exporter agreed to send: such a
// refusal would lose spans without counting them.
const MaxRecvMsgSize = 64 << 20

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
}

// Sink is a running OTLP/gRPC trace receiver that counts what it
// receives. Its methods are safe for concurrent use.
type Sink struct {
	lis    *gateListener
	srv    *grpc.Server
	ledger *ledger
	// capture is nil unless Options.Capture.
	capture *capture
	faults  atomic.Pointer[faults]
	// inflight is the number of Export calls not yet answered; tests
	// use it to know that a call has reached the sink.
	inflight atomic.Int64

	// closing is closed when Close begins, to release held calls.
	closing chan struct{}
	// kick wakes the control goroutine (see control), which closes
	// ctlDone when it returns.
	kick    chan struct{}
	ctlDone chan struct{}
	// listenErr is the last failure to listen again after an outage.
	listenErr atomic.Pointer[error]
	// served is closed when Serve has returned; serveErr is its result.
	served   chan struct{}
	serveErr error

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
		srv:     grpc.NewServer(grpc.MaxRecvMsgSize(MaxRecvMsgSize)),
		ledger:  newLedger(time.Now()),
		closing: make(chan struct{}),
		served:  make(chan struct{}),
		kick:    make(chan struct{}, 1),
		ctlDone: make(chan struct{}),
	}
	if opts.Capture {
		s.capture = newCapture(opts.CaptureLimit)
	}
	s.faults.Store(f)
	collectortrace.RegisterTraceServiceServer(s.srv, &traceService{sink: s})
	go s.control()
	go func() {
		defer close(s.served)
		s.serveErr = s.srv.Serve(s.lis)
	}()
	return s, nil
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

// Close stops the sink. Calls held by a fault (latency, black hole,
// throughput cap) are answered at once with codes.Unavailable and counted
// as Rejected; in-flight calls and client connections get about two
// seconds to finish before the server stops hard. When Close returns, no goroutine of the sink is left. Close is
// idempotent; Stats and Reset still work afterwards.
func (s *Sink) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.ctlDone // no outage starts or ends from here on
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			s.srv.GracefulStop()
		}()
		t := time.NewTimer(closeGrace)
		defer t.Stop()
		select {
		case <-stopped:
		case <-t.C:
			s.srv.Stop()
			<-stopped
		}
		<-s.served
		// A Close that comes before Serve has begun makes Serve return
		// ErrServerStopped (after closing the listener): not a failure.
		if s.serveErr != nil && !errors.Is(s.serveErr, grpc.ErrServerStopped) {
			s.closeErr = fmt.Errorf("sink: serving on %s: %w", s.Addr(), s.serveErr)
		}
	})
	return s.closeErr
}
