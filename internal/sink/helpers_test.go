package sink

import (
	"context"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// waitLimit bounds how long a test waits for something that must happen
// eventually. It only turns a hang into a failure; no test asserts that
// anything happens quickly.
const waitLimit = 10 * time.Second

// startSink starts a sink with opts and closes it when the test ends.
func startSink(t *testing.T, opts Options) *Sink {
	t.Helper()
	s, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// newExporter returns the real OTLP/gRPC exporter pointed at s, with
// retries off so that every ExportSpans is exactly one Export call, and
// shuts it down when the test ends. opts come last and win.
func newExporter(t *testing.T, s *Sink, opts ...otlptracegrpc.Option) sdktrace.SpanExporter {
	t.Helper()
	base := []otlptracegrpc.Option{
		otlptracegrpc.WithEndpointURL(s.Endpoint()),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
	}
	exp, err := otlptracegrpc.New(t.Context(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("otlptracegrpc.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := exp.Shutdown(ctx); err != nil {
			t.Errorf("exporter Shutdown: %v", err)
		}
	})
	return exp
}

// emitTraces starts and ends, through tracer, n traces made of one SERVER
// span with children INTERNAL children each, and returns the count each
// trace should reach in the sink.
func emitTraces(ctx context.Context, tracer trace.Tracer, n, children int) map[TraceID]TraceCount {
	want := make(map[TraceID]TraceCount, n)
	for range n {
		rctx, root := tracer.Start(ctx, "GET /process/{item_id}", trace.WithSpanKind(trace.SpanKindServer))
		for range children {
			_, child := tracer.Start(rctx, "work")
			child.End()
		}
		root.End()
		want[TraceID(root.SpanContext().TraceID())] = TraceCount{Spans: int32(1 + children), ServerSpans: 1}
	}
	return want
}

// recordSpans returns n finished traces shaped as in emitTraces, kept
// in memory so that a test can export them exactly when and as often as
// it likes.
func recordSpans(t *testing.T, n, children int) ([]sdktrace.ReadOnlySpan, map[TraceID]TraceCount) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	want := emitTraces(t.Context(), tp.Tracer("sink_test"), n, children)
	if err := tp.Shutdown(t.Context()); err != nil {
		t.Fatalf("TracerProvider Shutdown: %v", err)
	}
	return rec.Ended(), want
}

// waitFor polls cond until it holds, failing the test after waitLimit.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitGoroutines waits until at most n goroutines are running, failing
// the test with a dump of them after waitLimit.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines left, want at most %d:\n%s", runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assertTraces fails the test unless got and want hold the same counts.
func assertTraces(t *testing.T, got, want map[TraceID]TraceCount) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d traces, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("trace %s missing", id)
		} else if g != w {
			t.Errorf("trace %s: got %+v, want %+v", id, g, w)
		}
	}
}
