package model

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The measurement below keeps spans in a real BatchSpanProcessor that never
// exports (batch timeout 1h, max batch = queue size, an exporter that blocks),
// and compares the live heap before and after ending n spans of one shape.
// The processor's channel and batch slice are allocated when it is built,
// before the first reading, so the result is the heap each queued span keeps
// alive beyond its 16-byte slot (see QueueSlotBytes).

const (
	measureQueue = 100_000 // queue and batch capacity of the measuring processor
	measureSpans = 20_000  // spans ended per measurement
)

// parkedExporter blocks every export until released or cancelled, so that
// nothing leaves the processor while the heap is measured.
type parkedExporter struct{ release chan struct{} }

func (e parkedExporter) ExportSpans(ctx context.Context, _ []sdktrace.ReadOnlySpan) error {
	select {
	case <-e.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (parkedExporter) Shutdown(context.Context) error { return nil }

// spanShape ends the spans of one shape on tp: n calls to end(i), each ending
// spansPer spans.
type spanShape struct {
	name     string
	spansPer int
	setup    func(tp trace.TracerProvider) (end func(i int))
}

// traceparent returns a sampled W3C traceparent whose trace id is derived
// from i, like the runner's per-request trace ids.
func traceparent(i int) string {
	return fmt.Sprintf("00-%032x-%016x-01", uint64(i)+1<<40, uint64(i)+1)
}

// measureShapes are the benchmark's span shapes: the otelhttp server span of
// GET /process/{item_id} (otelhttp wraps the whole mux, as in targets/), the
// handler's child span process_item_logic with item.id and processing.status,
// and one whole request (server + child).
var measureShapes = []spanShape{
	{name: "server", spansPer: 1, setup: func(tp trace.TracerProvider) func(int) {
		return serveShape(tp, false)
	}},
	{name: "child", spansPer: 1, setup: func(tp trace.TracerProvider) func(int) {
		tr := tp.Tracer("github.com/otelbench/otelbench/targets")
		return func(i int) {
			parent := trace.NewSpanContext(trace.SpanContextConfig{
				TraceID:    trace.TraceID{0: 1, 8: byte(i), 9: byte(i >> 8), 10: byte(i >> 16)},
				SpanID:     trace.SpanID{0: 1, 7: byte(i)},
				TraceFlags: trace.FlagsSampled,
			})
			ctx := trace.ContextWithSpanContext(context.Background(), parent)
			id := strconv.Itoa(100_000 + i)
			_, s := tr.Start(ctx, "process_item_logic", trace.WithAttributes(attribute.String("item.id", id)))
			s.SetAttributes(attribute.String("processing.status", "completed"))
			s.End()
		}
	}},
	{name: "request", spansPer: 2, setup: func(tp trace.TracerProvider) func(int) {
		return serveShape(tp, true)
	}},
}

// serveShape returns a function serving one GET /process/{item_id} through
// otelhttp in process (no network), with or without the child span.
func serveShape(tp trace.TracerProvider, child bool) func(int) {
	tr := tp.Tracer("github.com/otelbench/otelbench/targets")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /process/{item_id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("item_id")
		if child {
			_, s := tr.Start(r.Context(), "process_item_logic", trace.WithAttributes(attribute.String("item.id", id)))
			s.SetAttributes(attribute.String("processing.status", "completed"))
			s.End()
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"item_id":"` + id + `","status":"completed"}`))
	})
	h := otelhttp.NewHandler(mux, "otelbench-target",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
	return func(i int) {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:40123/process/"+strconv.Itoa(100_000+i), nil)
		r.RemoteAddr = "127.0.0.1:" + strconv.Itoa(30_000+i%30_000)
		r.Header.Set("User-Agent", "Go-http-client/1.1")
		r.Header.Set("Traceparent", traceparent(i))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// liveHeap returns HeapAlloc after two full collections (the second one
// empties sync.Pool victim caches).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measureBytesPerSpan ends n spans of shape into a parked processor and
// returns the live heap they keep, per span.
func measureBytesPerSpan(shape spanShape, n int) float64 {
	exp := parkedExporter{release: make(chan struct{})}
	bsp := sdktrace.NewBatchSpanProcessor(exp,
		sdktrace.WithMaxQueueSize(measureQueue),
		sdktrace.WithMaxExportBatchSize(measureQueue),
		sdktrace.WithBatchTimeout(time.Hour),
	)
	res := resource.NewSchemaless(
		attribute.String("service.name", "otelbench-target"),
		attribute.String("deployment.environment", "bench"),
	)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bsp), sdktrace.WithResource(res))
	end := shape.setup(tp)
	for i := range 100 { // warm up lazily built state (pools, tracers, semconv caches)
		end(-1 - i)
	}
	before := liveHeap()
	for i := range n / shape.spansPer {
		end(i)
	}
	after := liveHeap()
	runtime.KeepAlive(end)
	close(exp.release)
	_ = tp.Shutdown(context.Background())
	return float64(int64(after)-int64(before)) / float64(n/shape.spansPer*shape.spansPer)
}

// BenchmarkQueuedSpanBytes reports the heap one span keeps alive while it
// waits in a BatchSpanProcessor, per shape, as the median over b.N
// measurements of measureSpans spans each (ns/op is meaningless here).
// Run: go test -run XXX -bench QueuedSpanBytes -benchtime 5x ./internal/model/
func BenchmarkQueuedSpanBytes(b *testing.B) {
	for _, shape := range measureShapes {
		b.Run(shape.name, func(b *testing.B) {
			var got []float64
			for b.Loop() {
				got = append(got, measureBytesPerSpan(shape, measureSpans))
			}
			slices.Sort(got)
			b.ReportMetric(got[len(got)/2], "bytes/queued-span")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestBytesPerQueuedSpan checks the model's constants against a fresh
// measurement. It needs a quiet machine, so it only runs with
// OTELBENCH_MEASURE=1.
func TestBytesPerQueuedSpan(t *testing.T) {
	if os.Getenv("OTELBENCH_MEASURE") != "1" {
		t.Skip("set OTELBENCH_MEASURE=1 to measure the heap per queued span")
	}
	want := map[string]float64{
		"server":  BytesPerQueuedServerSpan,
		"child":   BytesPerQueuedChildSpan,
		"request": BytesPerQueuedSpan,
	}
	for _, shape := range measureShapes {
		var got []float64
		for range 5 {
			got = append(got, measureBytesPerSpan(shape, measureSpans))
		}
		slices.Sort(got)
		med := got[len(got)/2]
		t.Logf("%s: %.0f bytes/queued-span (runs %.0f)", shape.name, med, got)
		if w := want[shape.name]; med < 0.8*w || med > 1.2*w {
			t.Errorf("%s: measured %.0f bytes per queued span, the model says %.0f: update the constant", shape.name, med, w)
		}
	}
}
