package targets

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The two wrappers below sit between the SDK and the real processor or
// exporter to measure them. Each adds a small constant cost to every traced
// variant (two time.Now calls, one histogram Observe and one counter Inc or
// Add per call, well under a microsecond), on the request path for OnEnd.
// The none variant has no such cost, so a comparison with it includes this.

var (
	_ sdktrace.SpanProcessor = (*timedProcessor)(nil)
	_ sdktrace.SpanExporter  = (*timedExporter)(nil)
)

// timedProcessor forwards to next and times each OnEnd: for a batch
// processor that is the enqueue (or, with blocking, the wait for room); for a
// simple processor it is the whole export plus the wait on its mutex.
type timedProcessor struct {
	next  sdktrace.SpanProcessor
	ended prometheus.Counter
	onEnd prometheus.Observer
}

// newTimedProcessor wraps next, counting and timing OnEnd into m.
func newTimedProcessor(next sdktrace.SpanProcessor, m *Metrics) *timedProcessor {
	return &timedProcessor{next: next, ended: m.spansEnded, onEnd: m.onEnd}
}

// OnStart forwards to the wrapped processor.
func (p *timedProcessor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	p.next.OnStart(parent, s)
}

// OnEnd forwards to the wrapped processor and records how long it took.
func (p *timedProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	start := time.Now()
	p.next.OnEnd(s)
	p.onEnd.Observe(time.Since(start).Seconds())
	p.ended.Inc()
}

// Shutdown forwards to the wrapped processor.
func (p *timedProcessor) Shutdown(ctx context.Context) error {
	return p.next.Shutdown(ctx)
}

// ForceFlush forwards to the wrapped processor.
func (p *timedProcessor) ForceFlush(ctx context.Context) error {
	return p.next.ForceFlush(ctx)
}

// timedExporter forwards to next and times and counts each ExportSpans call.
type timedExporter struct {
	next          sdktrace.SpanExporter
	duration      prometheus.Observer
	exportedOK    prometheus.Counter
	exportedError prometheus.Counter
	errors        prometheus.Counter
}

// newTimedExporter wraps next, recording its calls into m.
func newTimedExporter(next sdktrace.SpanExporter, m *Metrics) *timedExporter {
	return &timedExporter{
		next:          next,
		duration:      m.exportSeconds,
		exportedOK:    m.exportedOK,
		exportedError: m.exportedError,
		errors:        m.exportErrors,
	}
}

// ExportSpans forwards to the wrapped exporter, records the call's duration
// and counts the spans by outcome.
func (e *timedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	start := time.Now()
	err := e.next.ExportSpans(ctx, spans)
	e.duration.Observe(time.Since(start).Seconds())
	if err != nil {
		e.errors.Inc()
		e.exportedError.Add(float64(len(spans)))
		return err
	}
	e.exportedOK.Add(float64(len(spans)))
	return nil
}

// Shutdown forwards to the wrapped exporter.
func (e *timedExporter) Shutdown(ctx context.Context) error {
	return e.next.Shutdown(ctx)
}
