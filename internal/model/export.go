package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// Forever is the sentinel for a duration without bound: a burst the queue
// absorbs however long it lasts, a wait that grows as long as the overload
// lasts. It is the largest time.Duration; compare with ==.
const Forever time.Duration = math.MaxInt64

// exportSeconds returns how long the worker spends in one ExportSpans call
// with a batch of b spans: ExportLatency + b × PerSpanExportCost, cut off at
// ExportTimeout when that is positive.
func exportSeconds(s settings.Batch, l Load, b float64) float64 {
	d := l.ExportLatency.Seconds() + b*l.PerSpanExportCost.Seconds()
	if x := s.ExportTimeout.Seconds(); x > 0 && d > x {
		return x
	}
	return d
}

// exportFails reports whether an export of b spans outlasts ExportTimeout,
// so that its context is cancelled and its spans are lost.
func exportFails(s settings.Batch, l Load, b float64) bool {
	x := s.ExportTimeout.Seconds()
	return x > 0 && l.ExportLatency.Seconds()+b*l.PerSpanExportCost.Seconds() > x
}

// TimerRaces reports whether a full batch's export lasts at least
// BatchTimeout. The SDK restarts the timer at the start of each export, so
// the timer then fires during every export; when the export returns, the
// worker's select has both the timer and the queue ready and picks one at
// random, and with probability 2^-(j+1) exports after taking only j spans.
// See RaceBatchSize.
func TimerRaces(s settings.Batch, l Load) bool {
	return exportSeconds(s, l, float64(s.MaxExportBatchSize)) >= s.BatchTimeout.Seconds()
}

// RaceBatchSize returns the mean number of spans per export of a saturated
// processor whose timer fires during every export (TimerRaces): after each
// export the worker takes j spans, j = 0, 1, …, each with probability
// 2^-(j+1), before the timer wins. With j = 0 the timer finds the batch empty,
// restarts, and the worker fills a whole batch; otherwise it exports the j
// spans. The mean is maxBatch/2 + 1 − 2^-maxBatch (1 for a batch of 1, 257 for
// 512). It returns 0 for maxBatch ≤ 0.
func RaceBatchSize(maxBatch int) float64 {
	if maxBatch <= 0 {
		return 0
	}
	m := float64(maxBatch)
	return m/2 + 1 - math.Ldexp(1, -maxBatch)
}

// saturatedBatch returns the mean batch size and the export time of a
// processor that always has spans waiting: full batches, or RaceBatchSize
// when the timer races the export.
func saturatedBatch(s settings.Batch, l Load) (batch, seconds float64) {
	batch = float64(s.MaxExportBatchSize)
	if TimerRaces(s, l) {
		batch = RaceBatchSize(s.MaxExportBatchSize)
	}
	return batch, exportSeconds(s, l, batch)
}

// Ceiling returns μ, the most spans per second the worker can take from the
// queue for ever: one batch per export, exports one after the other. It is
// MaxExportBatchSize / (ExportLatency + MaxExportBatchSize ×
// PerSpanExportCost), with the export time cut at ExportTimeout; when the
// timer races the export (TimerRaces) the batch is RaceBatchSize instead.
// It returns +Inf when exports take no time and 0 when MaxExportBatchSize is
// not positive. Ceiling does not validate s; see settings.Batch.Validate.
func Ceiling(s settings.Batch, l Load) float64 {
	if s.MaxExportBatchSize <= 0 {
		return 0
	}
	batch, d := saturatedBatch(s, l)
	if d <= 0 {
		return math.Inf(1)
	}
	return batch / d
}

// seconds converts seconds to a Duration, rounding to the nanosecond;
// +Inf and anything beyond Forever become Forever, NaN and negatives 0.
func seconds(sec float64) time.Duration {
	ns := math.Round(sec * 1e9)
	switch {
	case math.IsNaN(ns) || ns <= 0:
		return 0
	case ns >= math.MaxInt64: // float64(math.MaxInt64) is 2^63, one past it
		return Forever
	}
	return time.Duration(ns)
}
