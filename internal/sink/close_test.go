package sink

import (
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
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
