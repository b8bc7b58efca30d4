package targets

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Names of the metrics the target exposes on /metrics and writes to the
// final metrics file.
const (
	// MetricRequests counts /process requests served.
	MetricRequests = "otelbench_target_requests_total"
	// MetricSpansEnded counts spans that reached the span processor's OnEnd,
	// that is sampled spans ended.
	MetricSpansEnded = "otelbench_target_spans_ended_total"
	// MetricOnEndSeconds is a histogram of the time spent inside the span
	// processor's OnEnd: how long the request path blocks on span export.
	MetricOnEndSeconds = "otelbench_target_span_processor_on_end_seconds"
	// MetricExportSeconds is a histogram of the duration of each ExportSpans
	// call.
	MetricExportSeconds = "otelbench_target_export_duration_seconds"
	// MetricExportedSpans counts spans handed to ExportSpans, labelled
	// result="success" or result="error".
	MetricExportedSpans = "otelbench_target_exported_spans_total"
	// MetricExportErrors counts ExportSpans calls that returned an error.
	MetricExportErrors = "otelbench_target_export_errors_total"
	// MetricOtelErrors counts errors reported to the global OpenTelemetry
	// error handler.
	MetricOtelErrors = "otelbench_target_otel_errors_total"
)

// DurationBuckets are the upper bounds, in seconds, of both duration
// histograms: 90 exponential buckets from 100 ns to 30 s, each about 25%
// wider than the one before. A quantile read from them is known only to
// within one bucket, so about ±12% around its midpoint; cite this resolution
// beside any number derived from them. Do not modify.
var DurationBuckets = prometheus.ExponentialBucketsRange(100e-9, 30, 90)

// Metrics holds the target's client_golang instruments. Build it with
// NewMetrics; its zero value is not usable.
type Metrics struct {
	requests      prometheus.Counter
	spansEnded    prometheus.Counter
	onEnd         prometheus.Histogram
	exportSeconds prometheus.Histogram
	exportedOK    prometheus.Counter
	exportedError prometheus.Counter
	exportErrors  prometheus.Counter
	otelErrors    prometheus.Counter
}

// NewMetrics creates the target's metrics, plus the Go runtime and process
// collectors, and registers them all on reg. It panics if any is already
// registered there, like promauto.With(reg).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	exported := f.NewCounterVec(prometheus.CounterOpts{
		Name: MetricExportedSpans,
		Help: "Spans handed to ExportSpans, by outcome of the call.",
	}, []string{"result"})
	m := &Metrics{
		requests: f.NewCounter(prometheus.CounterOpts{
			Name: MetricRequests,
			Help: "Requests to /process served.",
		}),
		spansEnded: f.NewCounter(prometheus.CounterOpts{
			Name: MetricSpansEnded,
			Help: "Spans that reached the span processor's OnEnd (sampled spans ended).",
		}),
		onEnd: f.NewHistogram(prometheus.HistogramOpts{
			Name:    MetricOnEndSeconds,
			Help:    "Time spent inside the span processor's OnEnd, on the request path.",
			Buckets: DurationBuckets,
		}),
		exportSeconds: f.NewHistogram(prometheus.HistogramOpts{
			Name:    MetricExportSeconds,
			Help:    "Duration of each ExportSpans call.",
			Buckets: DurationBuckets,
		}),
		// Resolve both label values now: the hot path must not look them up,
		// and both series should appear (at zero) from the start.
		exportedOK:    exported.WithLabelValues("success"),
		exportedError: exported.WithLabelValues("error"),
		exportErrors: f.NewCounter(prometheus.CounterOpts{
			Name: MetricExportErrors,
			Help: "ExportSpans calls that returned an error.",
		}),
		otelErrors: f.NewCounter(prometheus.CounterOpts{
			Name: MetricOtelErrors,
			Help: "Errors reported to the global OpenTelemetry error handler.",
		}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}
