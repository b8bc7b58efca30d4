package targets

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The two wrappers below sit between the SDK and the real processor or
// exporter to measure them. Each adds a small constant cost to every traced
// variant (two time.Now calls, one histogram Observe, a counter Inc or Add
// and, for OnEnd, one atomic load for the maximum, per call: well under a
// microsecond, and no allocation), on the request path for OnEnd. The none
// variant has no such cost, so a comparison with it includes this.

var (
	_ sdktrace.SpanProcessor = (*timedProcessor)(nil)
	_ sdktrace.SpanExporter  = (*timedExporter)(nil)
)

// timedProcessor forwards to next and times each OnEnd: for a batch
// processor that is the enqueue (or, with blocking, the wait for room); for a
// simple processor it is the whole export plus the wait on its mutex.
type timedProcessor struct {
	next     sdktrace.SpanProcessor
	ended    prometheus.Counter
	onEnd    prometheus.Observer
	onEndMax *maxDuration
}

// newTimedProcessor wraps next, counting and timing OnEnd into m.
func newTimedProcessor(next sdktrace.SpanProcessor, m *Metrics) *timedProcessor {
	return &timedProcessor{next: next, ended: m.spansEnded, onEnd: m.onEnd, onEndMax: m.onEndMax}
}

// OnStart forwards to the wrapped processor.
func (p *timedProcessor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	p.next.OnStart(parent, s)
}

// OnEnd forwards to the wrapped processor and records how long it took. The
// span is counted before it is forwarded, so that the spans ended are never
// fewer than the spans the exporter has been handed.
func (p *timedProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	p.ended.Inc()
	start := time.Now()
	p.next.OnEnd(s)
	d := time.Since(start)
	p.onEnd.Observe(d.Seconds())
	p.onEndMax.observe(d)
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
	started       prometheus.Counter
	exportedOK    prometheus.Counter
	exportedError prometheus.Counter
	failed        *prometheus.CounterVec
	errors        prometheus.Counter
}

// newTimedExporter wraps next, recording its calls into m.
func newTimedExporter(next sdktrace.SpanExporter, m *Metrics) *timedExporter {
	return &timedExporter{
		next:          next,
		duration:      m.exportSeconds,
		started:       m.exportStarted,
		exportedOK:    m.exportedOK,
		exportedError: m.exportedError,
		failed:        m.exportFailed,
		errors:        m.exportErrors,
	}
}

// ExportSpans forwards to the wrapped exporter, records the call's duration
// and counts the spans as the call starts and, by outcome, as it returns.
func (e *timedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	n := float64(len(spans))
	e.started.Add(n)
	start := time.Now()
	err := e.next.ExportSpans(ctx, spans)
	e.duration.Observe(time.Since(start).Seconds())
	if err != nil {
		e.errors.Inc()
		e.exportedError.Add(n)
		e.failed.WithLabelValues(failureCode(err)).Add(n)
		return err
	}
	e.exportedOK.Add(n)
	return nil
}

// Shutdown forwards to the wrapped exporter.
func (e *timedExporter) Shutdown(ctx context.Context) error {
	return e.next.Shutdown(ctx)
}

// failureCode names the gRPC status code of a failed export's error, for
// wire.MetricExportFailedSpans: the code of the first gRPC status found in the
// error's chain, else "DeadlineExceeded" or "Canceled" for a context error,
// else "Unknown".
//
// otlptracegrpc wraps the status of its last attempt: when retries run out
// of time, or a shutdown cancels them, the error reads "exporter export
// timeout: rpc error: code = Unavailable ..." or "context canceled: rpc
// error: ...", and the code is that of the attempt (Unavailable for a
// collector that is down). Its timeout cause is not context.DeadlineExceeded.
// A partial success (the collector rejected some spans) carries no status:
// the whole call counts as failed with "Unknown".
func failureCode(err error) string {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		// A status of OK inside an error, or a code beyond the 17 that gRPC
		// defines, says nothing more than Unknown.
		if c := se.GRPCStatus().Code(); c != codes.OK && c <= codes.Unauthenticated {
			return c.String()
		}
		return codes.Unknown.String()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded.String()
	case errors.Is(err, context.Canceled):
		return codes.Canceled.String()
	}
	return codes.Unknown.String()
}
