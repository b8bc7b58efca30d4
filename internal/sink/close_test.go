package sink

import (
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
)

// TestCloseLeavesNoGoroutines runs a sink through a whole life (start,
// exports held by a short delay, close) and checks that no goroutine is left,
// and that Close is idempotent.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	life(t)
	waitGoroutines(t, base)
}

// life starts a sink, exports to it through a real TracerProvider and
// closes everything.
func life(t *testing.T) {
	t.Helper()
	s, err := Start(t.Context(), Options{Delay: time.Millisecond})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// TracerProvider.Shutdown shuts the exporter down.
	exp, err := otlptracegrpc.New(t.Context(), otlptracegrpc.WithEndpointURL(s.Endpoint()))
	if err != nil {
		t.Fatalf("otlptracegrpc.New: %v", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	emitTraces(t.Context(), tp.Tracer("sink_test"), 10, 2)
	if err := tp.Shutdown(t.Context()); err != nil {
		t.Fatalf("TracerProvider Shutdown: %v", err)
	}
	if got := s.Stats().Spans; got != 30 {
		t.Errorf("Spans = %d, want 30", got)
	}
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d: %v", i+1, err)
		}
	}
}

// TestCloseWithFaultsLeavesNoGoroutines runs a sink through every fault
// (an outage and its end, errors, a latency distribution, a cap, and a
// black hole that holds a call when Close comes) and checks that Close
// leaves no goroutine behind.
func TestCloseWithFaultsLeavesNoGoroutines(t *testing.T) {
	base := runtime.NumGoroutine()
	lifeWithFaults(t)
	waitGoroutines(t, base)
}

// lifeWithFaults is life with every fault on the timeline.
func lifeWithFaults(t *testing.T) {
	t.Helper()
	s, err := Start(t.Context(), Options{Faults: Faults{
		Latency:        LatencyDist{P50: time.Millisecond, P99: 3 * time.Millisecond},
		ErrorRate:      0.3,
		ErrorCode:      codes.Unavailable,
		Outages:        []Window{{From: 0, To: 100 * time.Millisecond}},
		BlackHoles:     []Window{{From: 300 * time.Millisecond}},
		CapSpansPerSec: 1e5,
	}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	origin := time.Now()
	s.StartTimeline(origin)
	waitFor(t, "the outage to begin", s.lis.isDown)
	waitFor(t, "the outage to end", func() bool { return !s.lis.isDown() })

	exp, err := otlptracegrpc.New(t.Context(), otlptracegrpc.WithEndpointURL(s.Endpoint()),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: true, InitialInterval: time.Millisecond, MaxInterval: time.Millisecond, MaxElapsedTime: 300 * time.Millisecond}))
	if err != nil {
		t.Fatalf("otlptracegrpc.New: %v", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	emitTraces(t.Context(), tp.Tracer("sink_test"), 10, 1)
	if got := s.Stats(); got.Requests == 0 || got.Rejected == 0 {
		t.Errorf("Stats = %v, want calls both answered and rejected", got)
	}

	// Into the black hole: a call the sink never answers, until Close.
	time.Sleep(time.Until(origin.Add(300 * time.Millisecond)))
	spans, _ := recordSpans(t, 1, 0)
	done := make(chan error, 1)
	go func() { done <- exp.ExportSpans(t.Context(), spans) }()
	waitFor(t, "a call in the black hole", func() bool { return s.inflight.Load() == 1 })
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-done; err == nil {
		t.Errorf("ExportSpans into a black hole, then a closed sink, succeeded")
	}
	if err := tp.Shutdown(t.Context()); err != nil {
		t.Errorf("TracerProvider Shutdown: %v", err)
	}
}
