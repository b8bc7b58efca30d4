package model

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidSettings is wrapped by every error Settings.Validate returns.
var ErrInvalidSettings = errors.New("invalid span processor settings")

// Settings are the BatchSpanProcessor options the model predicts for, with
// the SDK's meaning: QueueSize is WithMaxQueueSize (the capacity of the
// channel OnEnd sends to), MaxExportBatchSize is WithMaxExportBatchSize,
// BatchTimeout is WithBatchTimeout (OTEL_BSP_SCHEDULE_DELAY), ExportTimeout is
// WithExportTimeout, and Blocking is WithBlocking.
type Settings struct {
	// QueueSize is the capacity of the processor's queue, in spans.
	QueueSize int `json:"queue_size"`
	// MaxExportBatchSize is the number of spans that makes the worker export
	// at once, without waiting for the timer.
	MaxExportBatchSize int `json:"max_export_batch_size"`
	// BatchTimeout is the timer period: the worker exports whatever it holds
	// when the timer fires, and restarts the timer at the start of every
	// export.
	BatchTimeout time.Duration `json:"batch_timeout_ns"`
	// ExportTimeout bounds one ExportSpans call; zero or negative means no
	// bound, as in the SDK.
	ExportTimeout time.Duration `json:"export_timeout_ns"`
	// Blocking makes OnEnd wait for room in a full queue instead of dropping
	// the span.
	Blocking bool `json:"blocking,omitempty"`
}

// DefaultSettings returns the SDK's defaults (sdk/trace DefaultMaxQueueSize,
// DefaultMaxExportBatchSize, DefaultScheduleDelay, DefaultExportTimeout),
// which is what a service gets with no options and no OTEL_BSP_* variable.
func DefaultSettings() Settings {
	return Settings{
		QueueSize:          2048,
		MaxExportBatchSize: 512,
		BatchTimeout:       5 * time.Second,
		ExportTimeout:      30 * time.Second,
	}
}

// Validate reports every setting the model cannot describe, each error
// naming the value and saying what the SDK would do with it. The errors wrap
// ErrInvalidSettings.
func (s Settings) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format+": %w", append(args, ErrInvalidSettings)...))
	}
	switch {
	case s.QueueSize == 0:
		bad("queue size 0: the queue becomes an unbuffered channel, so OnEnd drops (or, blocking, waits for) every span the worker is not receiving at that instant, including all spans ended during an export")
	case s.QueueSize < 0:
		bad("queue size %d: negative, the SDK panics making the channel", s.QueueSize)
	}
	switch {
	case s.MaxExportBatchSize == 0:
		bad("max export batch size 0: the SDK exports every span on its own")
	case s.MaxExportBatchSize < 0:
		bad("max export batch size %d: negative, the SDK panics making the batch", s.MaxExportBatchSize)
	case s.QueueSize > 0 && s.MaxExportBatchSize > s.QueueSize:
		bad("max export batch size %d above queue size %d: the SDK accepts it from an option (it only clamps OTEL_BSP_MAX_EXPORT_BATCH_SIZE, to min(512, queue)), but a full batch then needs spans that arrive after the queue has been emptied, which this model does not describe", s.MaxExportBatchSize, s.QueueSize)
	}
	if s.BatchTimeout <= 0 {
		bad("batch timeout %v: the timer fires at once and is re-armed with the same delay at every export, so the worker spins a whole core", s.BatchTimeout)
	}
	return errors.Join(errs...)
}
