package targets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelbench/otelbench/internal/wire"
)

// flakyExporter fails every other call, starting with the first, with err.
type flakyExporter struct {
	err   error
	calls atomic.Int64
}

func (f *flakyExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	if f.calls.Add(1)%2 == 1 {
		return f.err
	}
	return nil
}

func (*flakyExporter) Shutdown(context.Context) error { return nil }

func TestExportFailedSpansByCode(t *testing.T) {
	unavailable := status.Error(codes.Unavailable, "connection refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		// A bare gRPC status names its code.
		{name: "status", err: status.Error(codes.ResourceExhausted, "slow down"), want: "ResourceExhausted"},
		// What otlptracegrpc returns once retries against a collector that is
		// down run out of time: the timeout cause is a plain error, the
		// status of the last attempt is wrapped inside.
		{
			name: "otlptracegrpc retry timeout",
			err:  fmt.Errorf("traces export: %w", fmt.Errorf("%w: %w", errors.New("exporter export timeout"), errors.Join(unavailable))),
			want: "Unavailable",
		},
		// A context error without a status.
		{name: "deadline", err: fmt.Errorf("export: %w", context.DeadlineExceeded), want: "DeadlineExceeded"},
		// Likewise for a cancellation.
		{name: "canceled", err: context.Canceled, want: "Canceled"},
		// Anything else, such as a partial success, is Unknown.
		{name: "other", err: errors.New("OTLP partial success: bad (1 spans rejected)"), want: "Unknown"},
		// A code gRPC does not define is not a label value of its own.
		{name: "undefined code", err: status.Error(codes.Code(42), "?"), want: "Unknown"},
	}
	// The simple processor reports each failure to the global handler.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const spans = 7
			reg := prometheus.NewRegistry()
			m := NewMetrics(reg)
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
				newTimedProcessor(sdktrace.NewSimpleSpanProcessor(newTimedExporter(&flakyExporter{err: tc.err}, m)), m)))
			defer func() { _ = tp.Shutdown(context.Background()) }()
			for range spans {
				_, s := tp.Tracer("test").Start(context.Background(), "span")
				s.End()
			}

			failed := mustGather(t, reg, wire.MetricExportFailedSpans, map[string]string{"code": tc.want})
			if failed != 4 { // calls 1, 3, 5 and 7
				t.Errorf("%s{code=%q} = %v, want 4", wire.MetricExportFailedSpans, tc.want, failed)
			}
			if n := testutil.CollectAndCount(m.exportFailed); n != 1 {
				t.Errorf("%s has %d series, want only code %q", wire.MetricExportFailedSpans, n, tc.want)
			}
			ended, ok, errSpans := testutil.ToFloat64(m.spansEnded), testutil.ToFloat64(m.exportedOK), testutil.ToFloat64(m.exportedError)
			if ended != spans || ended != ok+failed || errSpans != failed {
				t.Errorf("ended %v, success %v, failed %v, result=error %v: want ended = success + failed", ended, ok, failed, errSpans)
			}
		})
	}
}

// otlpServer is an OTLP/gRPC trace receiver on loopback that answers every
// export with reply, after signalling received.
type otlpServer struct {
	coltracepb.UnimplementedTraceServiceServer
	reply    func(ctx context.Context) error
	received chan struct{}
}

// Export signals the request, then answers with s.reply.
func (s *otlpServer) Export(ctx context.Context, _ *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	select {
	case s.received <- struct{}{}:
	default:
	}
	if err := s.reply(ctx); err != nil {
		return nil, err
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// hang answers only when the client gives up.
func hang(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// startOTLPServer serves an otlpServer answering with reply and returns it
// with its endpoint URL; it stops when the test ends.
func startOTLPServer(t *testing.T, reply func(context.Context) error) (*otlpServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &otlpServer{reply: reply, received: make(chan struct{}, 1)}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return s, "http://" + ln.Addr().String()
}

// TestExportFailedSpansOTLP pins down which code the real otlptracegrpc
// reports in the usual failures, retries included.
func TestExportFailedSpansOTLP(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name     string
		reply    func(context.Context) error // nil: nobody listens
		shutdown bool                        // shut the exporter down during the export
		want     string
	}{
		// Collector down: connection refused, retried until the exporter's
		// timeout, whose error wraps the last attempt's Unavailable.
		{name: "collector down", want: "Unavailable"},
		// Collector hangs past the exporter's timeout.
		{name: "collector hangs", reply: hang, want: "DeadlineExceeded"},
		// A shutdown that runs out of time cancels the export still running.
		{name: "cancelled at shutdown", reply: hang, shutdown: true, want: "Canceled"},
		// A code that is not retried comes back at once.
		{name: "rejected", reply: func(context.Context) error { return status.Error(codes.PermissionDenied, "no") }, want: "PermissionDenied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			endpoint := unusedEndpoint(t)
			var srv *otlpServer
			if tc.reply != nil {
				srv, endpoint = startOTLPServer(t, tc.reply)
			}
			exportTimeout := timeout
			if tc.shutdown {
				exportTimeout = time.Minute // only the shutdown ends it
			}
			otlp, err := otlptracegrpc.New(context.Background(),
				otlptracegrpc.WithEndpointURL(endpoint), otlptracegrpc.WithTimeout(exportTimeout))
			if err != nil {
				t.Fatal(err)
			}
			reg := prometheus.NewRegistry()
			exp := newTimedExporter(otlp, NewMetrics(reg))

			done := make(chan error, 1)
			go func() { done <- exp.ExportSpans(context.Background(), snapshots(3)) }()
			if tc.shutdown {
				<-srv.received
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				if err := exp.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Shutdown = %v, want it to time out", err)
				}
				cancel()
			}
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("export did not return")
			}
			if err == nil {
				t.Fatal("export succeeded")
			}
			if got, want := mustGather(t, reg, wire.MetricExportFailedSpans, nil), 3.0; got != want {
				t.Errorf("failed spans = %v, want %v", got, want)
			}
			if _, ok := gathered(t, reg, wire.MetricExportFailedSpans, map[string]string{"code": tc.want}); !ok {
				t.Errorf("failed spans not labelled code=%q; error: %v", tc.want, err)
			}
			if !tc.shutdown {
				_ = exp.Shutdown(context.Background())
			}
		})
	}
}
