package runner

import (
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/otelbench/otelbench/internal/sink"
)

// TestTimelineAlignsArrivals puts one span's arrival at a known offset
// into the attack, with the sink's period begun a bucket and a half
// earlier (as when the target starts), and checks that the arrival lands
// in the bucket of the request sent at the same instant.
func TestTimelineAlignsArrivals(t *testing.T) {
	ctx := t.Context()
	s, err := sink.Start(ctx, sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recv := embedded{s}
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(s.Endpoint()),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Shutdown(ctx)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	_, span := tp.Tracer("timeline_test").Start(ctx, "GET /process/{item_id}")
	span.End()
	spans := rec.Ended()
	// Connect before the period begins: this export is not counted.
	if err := exp.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}

	if err := recv.begin(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(timelineBucket * 3 / 2)
	start := time.Now()
	recv.startTimeline(start)
	tl := newTimeline(start)
	// Into the first bucket, past its middle: an origin half a bucket off
	// moves the arrival into the next one.
	time.Sleep(time.Until(start.Add(timelineBucket * 6 / 10)))
	sent := time.Now()
	if err := exp.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	done := time.Now()
	recv.stopTimeline()
	tl.add(&vegeta.Result{Timestamp: sent, Code: 200})
	snap, err := recv.end(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := int(sent.Sub(start) / timelineBucket)
	if int(done.Sub(start)/timelineBucket) != want {
		t.Skipf("the export took from %v to %v into the attack, across a bucket's edge", sent.Sub(start), done.Sub(start))
	}

	got := tl.result(&snap)
	if len(got.Requests) != want+1 || got.Requests[want].Requests != 1 {
		t.Fatalf("requests %+v, want the request in bucket %d", got.Requests, want)
	}
	if len(got.Arrivals) <= want || got.Arrivals[want] != 1 {
		t.Errorf("arrivals %v, want the span in bucket %d, the request's", got.Arrivals, want)
	}
}
