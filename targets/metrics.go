package targets

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	dto "github.com/prometheus/client_model/go"

	"github.com/otelbench/otelbench/internal/wire"
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
	reg prometheus.Registerer

	requests      prometheus.Counter
	spansEnded    prometheus.Counter
	onEnd         prometheus.Histogram
	onEndMax      *maxDuration
	exportSeconds prometheus.Histogram
	exportStarted prometheus.Counter
	exportedOK    prometheus.Counter
	exportedError prometheus.Counter
	exportFailed  *prometheus.CounterVec
	exportErrors  prometheus.Counter
	otelErrors    prometheus.Counter
}

// NewMetrics creates the target's metrics, plus the Go runtime and process
// collectors, and registers them all on reg. It panics if any is already
// registered there, like promauto.With(reg). The shutdown gauges are
// registered on reg later, as shutdown records them.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	exported := f.NewCounterVec(prometheus.CounterOpts{
		Name: wire.MetricExportedSpans,
		Help: "Spans handed to ExportSpans, by outcome of the call.",
	}, []string{"result"})
	onEndMax := &maxDuration{}
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: wire.MetricOnEndMaxSeconds,
		Help: "Longest single call of the span processor's OnEnd.",
	}, func() float64 { return time.Duration(onEndMax.load()).Seconds() })
	m := &Metrics{
		reg: reg,
		requests: f.NewCounter(prometheus.CounterOpts{
			Name: wire.MetricRequests,
			Help: "Requests to /process served.",
		}),
		spansEnded: f.NewCounter(prometheus.CounterOpts{
			Name: wire.MetricSpansEnded,
			Help: "Spans that reached the span processor's OnEnd (sampled spans ended).",
		}),
		onEnd: f.NewHistogram(prometheus.HistogramOpts{
			Name:    wire.MetricOnEndSeconds,
			Help:    "Time spent inside the span processor's OnEnd, on the request path.",
			Buckets: DurationBuckets,
		}),
		onEndMax: onEndMax,
		exportSeconds: f.NewHistogram(prometheus.HistogramOpts{
			Name:    wire.MetricExportSeconds,
			Help:    "Duration of each ExportSpans call.",
			Buckets: DurationBuckets,
		}),
		exportStarted: f.NewCounter(prometheus.CounterOpts{
			Name: wire.MetricExportStartedSpans,
			Help: "Spans handed to ExportSpans, counted as the call starts.",
		}),
		// Resolve both label values now: the hot path must not look them up,
		// and both series should appear (at zero) from the start.
		exportedOK:    exported.WithLabelValues("success"),
		exportedError: exported.WithLabelValues("error"),
		// Looked up on failure only, from at most 17 code names.
		exportFailed: f.NewCounterVec(prometheus.CounterOpts{
			Name: wire.MetricExportFailedSpans,
			Help: "Spans handed to ExportSpans whose call failed, by gRPC status code of the error.",
		}, []string{"code"}),
		exportErrors: f.NewCounter(prometheus.CounterOpts{
			Name: wire.MetricExportErrors,
			Help: "ExportSpans calls that returned an error.",
		}),
		otelErrors: f.NewCounter(prometheus.CounterOpts{
			Name: wire.MetricOtelErrors,
			Help: "Errors reported to the global OpenTelemetry error handler.",
		}),
	}
	registerAllocs(f)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// recordShutdownBegins records wire.MetricSpansEndedBeforeShutdown and returns
// its value.
func (m *Metrics) recordShutdownBegins() (ended float64, err error) {
	ended = counterValue(m.spansEnded)
	return ended, m.setOnce(wire.MetricSpansEndedBeforeShutdown,
		"Spans ended (otelbench_target_spans_ended_total) when shutdown began.", ended)
}

// recordExit records wire.MetricShutdownClean, wire.MetricShutdownDrained and
// wire.MetricSpansUnexportedAtExit; call it once the tracer provider's Shutdown
// has returned (or was skipped). It returns the spans ended and the spans
// unexported.
func (m *Metrics) recordExit(clean, drained bool) (ended, unexported float64, err error) {
	// Read started first: a span is counted as ended before it can be
	// handed over, so a span going through in between cannot make the
	// difference negative.
	started := counterValue(m.exportStarted)
	ended = counterValue(m.spansEnded)
	unexported = ended - started
	return ended, unexported, errors.Join(
		m.setOnce(wire.MetricShutdownClean,
			"1 if the tracer provider's ForceFlush and Shutdown both returned nil within the shutdown timeout, else 0.",
			boolValue(clean)),
		m.setOnce(wire.MetricShutdownDrained,
			"1 if the tracer provider's Shutdown returned nil within the shutdown timeout (queue drained, no export running), else 0.",
			boolValue(drained)),
		m.setOnce(wire.MetricSpansUnexportedAtExit,
			"Spans ended but never handed to ExportSpans, after the tracer provider's Shutdown: dropped by a full queue or lost at shutdown.",
			unexported),
	)
}

// setOnce registers a gauge named name with value v.
func (m *Metrics) setOnce(name, help string, v float64) error {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	g.Set(v)
	return m.reg.Register(g)
}

// boolValue is 1 for true and 0 for false.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// counterValue returns c's current value.
func counterValue(c prometheus.Counter) float64 {
	var d dto.Metric
	if err := c.Write(&d); err != nil {
		return 0 // a plain counter never fails to write
	}
	return d.GetCounter().GetValue()
}

// maxDuration is the largest duration observed, in nanoseconds, updated
// without a lock.
type maxDuration struct{ ns atomic.Int64 }

// observe raises the maximum to d if d is larger. When it is not (nearly
// always, once warm) this is one atomic load.
func (m *maxDuration) observe(d time.Duration) {
	for {
		cur := m.ns.Load()
		if int64(d) <= cur || m.ns.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// load returns the maximum in nanoseconds.
func (m *maxDuration) load() int64 { return m.ns.Load() }
