package settings

import (
	"encoding/json"
	"time"
)

// Processor is the span processor a tracer provider hands ended spans to.
type Processor string

// The processors.
const (
	// ProcessorNone is no tracing at all: the uninstrumented baseline.
	ProcessorNone Processor = "none"
	// ProcessorSync is the SimpleSpanProcessor (sdktrace.WithSyncer): it
	// exports every span on the goroutine that ends it, under one lock.
	ProcessorSync Processor = "sync"
	// ProcessorBatch is the BatchSpanProcessor (sdktrace.WithBatcher).
	ProcessorBatch Processor = "batch"
)

// Defaults of the OTLP exporter (otlptracegrpc and otlptracehttp): what a
// service gets without WithTimeout, WithRetry or OTEL_EXPORTER_OTLP_TIMEOUT.
const (
	// DefaultExporterTimeout bounds one export, every retry included.
	DefaultExporterTimeout = 10 * time.Second
	// DefaultRetryInitialInterval is the first backoff after a retryable
	// failure, randomised by ±50% (so 2.5–7.5 s).
	DefaultRetryInitialInterval = 5 * time.Second
	// DefaultRetryMaxInterval and DefaultRetryMaxElapsedTime are the rest
	// of the exporter's default retry policy.
	DefaultRetryMaxInterval    = 30 * time.Second
	DefaultRetryMaxElapsedTime = time.Minute
)

// Retry is the OTLP exporter's retry policy (otlptracegrpc.RetryConfig).
// No standard variable sets it.
type Retry struct {
	Enabled         bool
	InitialInterval time.Duration
	MaxInterval     time.Duration
	MaxElapsedTime  time.Duration
}

// DefaultRetry is the exporter's retry policy when none is given.
func DefaultRetry() Retry {
	return Retry{Enabled: true, InitialInterval: DefaultRetryInitialInterval,
		MaxInterval: DefaultRetryMaxInterval, MaxElapsedTime: DefaultRetryMaxElapsedTime}
}

// Exporter is the OTLP exporter's settings that bound an export.
type Exporter struct {
	// Timeout bounds one export, every retry included
	// (OTEL_EXPORTER_OTLP_TIMEOUT).
	Timeout time.Duration
	Retry   Retry
}

// DefaultExporter is the exporter's defaults.
func DefaultExporter() Exporter {
	return Exporter{Timeout: DefaultExporterTimeout, Retry: DefaultRetry()}
}

// Tracing is a tracer provider's span pipeline: its processor, the batch
// processor's options (for ProcessorBatch), the exporter's bounds and the
// ratio of ParentBased(TraceIDRatioBased(ratio)) sampling, 1 when every
// trace is kept.
//
// As JSON (what summary.json and `otelbench recommend -format json` hold),
// durations are milliseconds:
//
//	{"processor": "batch", "max_queue_size": 2048, "max_export_batch_size": 512,
//	 "schedule_delay_ms": 5000, "export_timeout_ms": 30000, "blocking": false,
//	 "exporter_timeout_ms": 10000,
//	 "retry": {"enabled": true, "initial_interval_ms": 5000, "max_interval_ms": 30000, "max_elapsed_time_ms": 60000},
//	 "sample_ratio": 1}
type Tracing struct {
	Processor   Processor
	Batch       Batch
	Exporter    Exporter
	SampleRatio float64
}

// Default returns the SDK's defaults with a batch processor: what
// sdktrace.WithBatcher(exporter) gives with no options and no variables.
func Default() Tracing {
	return Tracing{Processor: ProcessorBatch, Batch: DefaultBatch(), Exporter: DefaultExporter(), SampleRatio: 1}
}

// Sampled reports whether t keeps only a share of the traces.
func (t Tracing) Sampled() bool { return t.SampleRatio > 0 && t.SampleRatio < 1 }

// SampledShare is the share of root traces t keeps: its ratio, 1 when it
// does not sample.
func (t Tracing) SampledShare() float64 {
	if t.Sampled() {
		return t.SampleRatio
	}
	return 1
}

// ExportBound is how long one export can hold the batch processor's
// worker: the shorter of the processor's export timeout and the
// exporter's own.
func (t Tracing) ExportBound() time.Duration {
	b := t.Exporter.Timeout
	if x := t.Batch.ExportTimeout; x > 0 && (b <= 0 || x < b) {
		b = x
	}
	return b
}

type retryJSON struct {
	Enabled         bool    `json:"enabled"`
	InitialInterval float64 `json:"initial_interval_ms"`
	MaxInterval     float64 `json:"max_interval_ms"`
	MaxElapsedTime  float64 `json:"max_elapsed_time_ms"`
}

type tracingJSON struct {
	Processor Processor `json:"processor"`
	batchJSON
	ExporterTimeout float64   `json:"exporter_timeout_ms"`
	Retry           retryJSON `json:"retry"`
	SampleRatio     float64   `json:"sample_ratio"`
}

// MarshalJSON writes t flat, durations in milliseconds.
func (t Tracing) MarshalJSON() ([]byte, error) {
	b, r := t.Batch, t.Exporter.Retry
	return json.Marshal(tracingJSON{
		Processor:       t.Processor,
		batchJSON:       batchJSON{b.QueueSize, b.MaxExportBatchSize, ms(b.BatchTimeout), ms(b.ExportTimeout), b.Blocking},
		ExporterTimeout: ms(t.Exporter.Timeout),
		Retry:           retryJSON{r.Enabled, ms(r.InitialInterval), ms(r.MaxInterval), ms(r.MaxElapsedTime)},
		SampleRatio:     t.SampleRatio,
	})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Tracing) UnmarshalJSON(data []byte) error {
	var j tracingJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*t = Tracing{
		Processor: j.Processor,
		Batch:     Batch{j.QueueSize, j.MaxExportBatchSize, fromMs(j.ScheduleDelay), fromMs(j.ExportTimeout), j.Blocking},
		Exporter: Exporter{Timeout: fromMs(j.ExporterTimeout), Retry: Retry{j.Retry.Enabled,
			fromMs(j.Retry.InitialInterval), fromMs(j.Retry.MaxInterval), fromMs(j.Retry.MaxElapsedTime)}},
		SampleRatio: j.SampleRatio,
	}
	return nil
}
