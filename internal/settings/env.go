package settings

import (
	"strconv"
	"time"
)

// The standard variables of the span pipeline.
const (
	EnvQueueSize       = "OTEL_BSP_MAX_QUEUE_SIZE"
	EnvMaxExportBatch  = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"
	EnvScheduleDelay   = "OTEL_BSP_SCHEDULE_DELAY"
	EnvExportTimeout   = "OTEL_BSP_EXPORT_TIMEOUT"
	EnvExporterTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT"
	EnvSampler         = "OTEL_TRACES_SAMPLER"
	EnvSamplerArg      = "OTEL_TRACES_SAMPLER_ARG"
	// SamplerParentBasedRatio is the OTEL_TRACES_SAMPLER value of
	// ParentBased(TraceIDRatioBased).
	SamplerParentBasedRatio = "parentbased_traceidratio"
)

// Options that no standard variable sets, as CodeOnly names them.
const (
	OptionBlocking = "blocking"
	OptionRetry    = "retry"
)

// Env returns t as the standard variables an SDK reads, every one of them
// spelt out (durations as whole milliseconds, rounded up): the batch
// processor's four, the exporter's timeout, and the sampler when t samples.
// ProcessorNone has none; ProcessorSync has no OTEL_BSP_* (no variable
// selects the simple processor).
func (t Tracing) Env() map[string]string {
	env := map[string]string{}
	if t.Processor == ProcessorNone || t.Processor == "" {
		return env
	}
	if t.Processor == ProcessorBatch {
		b := t.Batch
		env[EnvQueueSize] = strconv.Itoa(b.QueueSize)
		env[EnvMaxExportBatch] = strconv.Itoa(b.MaxExportBatchSize)
		env[EnvScheduleDelay] = wholeMillis(b.BatchTimeout)
		env[EnvExportTimeout] = wholeMillis(b.ExportTimeout)
	}
	env[EnvExporterTimeout] = wholeMillis(t.Exporter.Timeout)
	if t.Sampled() {
		env[EnvSampler] = SamplerParentBasedRatio
		env[EnvSamplerArg] = strconv.FormatFloat(t.SampleRatio, 'g', -1, 64)
	}
	return env
}

// CodeOnly names the options of t that differ from the SDK's defaults but
// that no standard variable sets, so that they need code (OptionBlocking,
// OptionRetry).
func (t Tracing) CodeOnly() []string {
	var out []string
	if t.Processor == ProcessorBatch && t.Batch.Blocking {
		out = append(out, OptionBlocking)
	}
	if t.Processor != ProcessorNone && t.Exporter.Retry != DefaultRetry() {
		out = append(out, OptionRetry)
	}
	return out
}

// wholeMillis writes d in whole milliseconds, rounded up: the unit the
// variables take.
func wholeMillis(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Millisecond-1)/time.Millisecond), 10)
}
