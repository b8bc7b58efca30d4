package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ErrInvalid is wrapped by every error Batch.Validate returns.
var ErrInvalid = errors.New("invalid span processor settings")

// Batch are the BatchSpanProcessor's options, with the SDK's meaning:
// QueueSize is WithMaxQueueSize (OTEL_BSP_MAX_QUEUE_SIZE), the capacity of
// the channel OnEnd sends to; MaxExportBatchSize is WithMaxExportBatchSize
// (OTEL_BSP_MAX_EXPORT_BATCH_SIZE); BatchTimeout is WithBatchTimeout
// (OTEL_BSP_SCHEDULE_DELAY); ExportTimeout is WithExportTimeout
// (OTEL_BSP_EXPORT_TIMEOUT); Blocking is WithBlocking, which no variable
// sets.
//
// As JSON, durations are milliseconds, the unit of the variables:
//
//	{"max_queue_size": 2048, "max_export_batch_size": 512,
//	 "schedule_delay_ms": 5000, "export_timeout_ms": 30000, "blocking": false}
type Batch struct {
	// QueueSize is the capacity of the processor's queue, in spans.
	QueueSize int
	// MaxExportBatchSize is the number of spans that makes the worker
	// export at once, without waiting for the timer.
	MaxExportBatchSize int
	// BatchTimeout is the timer period: the worker exports whatever it
	// holds when the timer fires, and restarts the timer at the start of
	// every export.
	BatchTimeout time.Duration
	// ExportTimeout bounds one ExportSpans call; zero or negative means no
	// bound, as in the SDK.
	ExportTimeout time.Duration
	// Blocking makes OnEnd wait for room in a full queue instead of
	// dropping the span.
	Blocking bool
}

// DefaultBatch returns the SDK's defaults (sdktrace.DefaultMaxQueueSize,
// DefaultMaxExportBatchSize, DefaultScheduleDelay, DefaultExportTimeout):
// what a service gets with no options and no OTEL_BSP_* variable.
func DefaultBatch() Batch {
	return Batch{
		QueueSize:          sdktrace.DefaultMaxQueueSize,
		MaxExportBatchSize: sdktrace.DefaultMaxExportBatchSize,
		BatchTimeout:       sdktrace.DefaultScheduleDelay * time.Millisecond,
		ExportTimeout:      sdktrace.DefaultExportTimeout * time.Millisecond,
	}
}

// Clamped returns b as NewBatchSpanProcessor makes it from the OTEL_BSP_*
// variables: a batch size above the queue becomes min(512, queue). (From
// an option, WithMaxExportBatchSize, the SDK keeps it as given; otelbench
// sets the variables.)
func (b Batch) Clamped() Batch {
	if b.QueueSize > 0 && b.MaxExportBatchSize > b.QueueSize {
		b.MaxExportBatchSize = min(sdktrace.DefaultMaxExportBatchSize, b.QueueSize)
	}
	return b
}

// IsDefault reports whether b is the SDK's defaults.
func (b Batch) IsDefault() bool { return b == DefaultBatch() }

// Validate reports every setting that makes the processor misbehave or
// that package model cannot describe, each error naming the value and
// saying what the SDK would do with it. The errors wrap ErrInvalid.
func (b Batch) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format+": %w", append(args, ErrInvalid)...))
	}
	switch {
	case b.QueueSize == 0:
		bad("queue size 0: the queue becomes an unbuffered channel, so OnEnd drops (or, blocking, waits for) every span the worker is not receiving at that instant, including all spans ended during an export")
	case b.QueueSize < 0:
		bad("queue size %d: negative, the SDK panics making the channel", b.QueueSize)
	}
	switch {
	case b.MaxExportBatchSize == 0:
		bad("max export batch size 0: the SDK exports every span on its own")
	case b.MaxExportBatchSize < 0:
		bad("max export batch size %d: negative, the SDK panics making the batch", b.MaxExportBatchSize)
	case b.QueueSize > 0 && b.MaxExportBatchSize > b.QueueSize:
		bad("max export batch size %d above queue size %d: the SDK accepts it from an option (it only clamps OTEL_BSP_MAX_EXPORT_BATCH_SIZE, to min(512, queue)), but a full batch then needs spans that arrive after the queue has been emptied, which this model does not describe", b.MaxExportBatchSize, b.QueueSize)
	}
	if b.BatchTimeout <= 0 {
		bad("batch timeout %v: the timer fires at once and is re-armed with the same delay at every export, so the worker spins a whole core", b.BatchTimeout)
	}
	return errors.Join(errs...)
}

// batchJSON is Batch's JSON layout.
type batchJSON struct {
	QueueSize          int     `json:"max_queue_size"`
	MaxExportBatchSize int     `json:"max_export_batch_size"`
	ScheduleDelay      float64 `json:"schedule_delay_ms"`
	ExportTimeout      float64 `json:"export_timeout_ms"`
	Blocking           bool    `json:"blocking"`
}

// MarshalJSON writes b with durations in milliseconds.
func (b Batch) MarshalJSON() ([]byte, error) {
	return json.Marshal(batchJSON{b.QueueSize, b.MaxExportBatchSize, ms(b.BatchTimeout), ms(b.ExportTimeout), b.Blocking})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (b *Batch) UnmarshalJSON(data []byte) error {
	var j batchJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*b = Batch{j.QueueSize, j.MaxExportBatchSize, fromMs(j.ScheduleDelay), fromMs(j.ExportTimeout), j.Blocking}
	return nil
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fromMs is the duration of x milliseconds.
func fromMs(x float64) time.Duration { return time.Duration(x * float64(time.Millisecond)) }
