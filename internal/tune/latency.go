package tune

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// Latency is a collector's measured export latency.
type Latency struct {
	P50, P99 time.Duration
	// Exports is how many batches were timed; Spans per batch.
	Exports, Spans int
}

// MeasureLatency times n exports of batch spans each to an OTLP/gRPC
// endpoint (a URL such as http://127.0.0.1:4317) with the real exporter,
// retries off, so that each figure is one round trip of a full batch.
func MeasureLatency(ctx context.Context, endpoint string, n, batch int) (Latency, error) {
	exp, err := otlptracegrpc.New(ctx,
		otlptracegrpc.WithEndpointURL(endpoint),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
		otlptracegrpc.WithTimeout(10*time.Second))
	if err != nil {
		return Latency{}, err
	}
	defer exp.Shutdown(context.WithoutCancel(ctx))
	spans := syntheticSpans(batch)
	// One unmeasured export opens the connection.
	if err := exp.ExportSpans(ctx, spans); err != nil {
		return Latency{}, fmt.Errorf("exporting to %s: %w", endpoint, err)
	}
	ds := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := exp.ExportSpans(ctx, spans); err != nil {
			return Latency{}, fmt.Errorf("exporting to %s: %w", endpoint, err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return Latency{P50: q(0.5), P99: q(0.99), Exports: n, Spans: batch}, nil
}

// syntheticSpans returns n ended spans shaped like the target's: server
// spans with HTTP attributes and children with item.id.
func syntheticSpans(n int) []sdktrace.ReadOnlySpan {
	stubs := make(tracetest.SpanStubs, n)
	now := time.Now()
	for i := range stubs {
		var tid trace.TraceID
		var sid trace.SpanID
		tid[0], tid[15] = 1, byte(i)
		tid[14] = byte(i >> 8)
		sid[0], sid[7] = 1, byte(i)
		sid[6] = byte(i >> 8)
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
		stubs[i] = tracetest.SpanStub{
			Name: "GET /process/{item_id}", SpanContext: sc, SpanKind: trace.SpanKindServer,
			StartTime: now.Add(-time.Millisecond), EndTime: now,
			Attributes: []attribute.KeyValue{
				attribute.String("http.request.method", "GET"),
				attribute.String("url.path", "/process/"+strconv.Itoa(i)),
				attribute.String("server.address", "127.0.0.1"),
				attribute.Int("http.response.status_code", 200),
				attribute.String("item.id", strconv.Itoa(i)),
			},
		}
	}
	return stubs.Snapshots()
}
