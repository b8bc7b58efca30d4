package model

import (
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// ErrNoSolution is wrapped by the errors of the inverse functions when no
// setting meets the target.
var ErrNoSolution = errors.New("no setting meets the target")

// roundingSlack keeps a requirement that is an integer up to float rounding
// (1000.0000000000001) from being rounded up to the next one.
const roundingSlack = 1e-9

// MinBatchSizeFor returns the smallest MaxExportBatchSize whose Ceiling keeps
// utilisation λ/μ at or below target (0 < target ≤ 1) for spanRate spans/s
// exported with the given latency and per-span cost:
//
//	λ (L + M·c) / M ≤ u   ⇔   M ≥ λ·L / (u − λ·c)
//
// It is at least 1, and an error wrapping ErrNoSolution when the per-span
// cost alone uses the target (λ·c ≥ u). The answer holds only when the
// settings keep BatchTimeout above the export of M spans (see TimerRaces),
// QueueSize ≥ M, and ExportTimeout above that export.
func MinBatchSizeFor(spanRate float64, exportLatency, perSpanExportCost time.Duration, target float64) (int, error) {
	switch {
	case math.IsNaN(spanRate) || math.IsInf(spanRate, 0) || spanRate < 0:
		return 0, fmt.Errorf("span rate %v: want a finite number ≥ 0: %w", spanRate, ErrInvalidLoad)
	case exportLatency < 0 || perSpanExportCost < 0:
		return 0, fmt.Errorf("export latency %v, per-span cost %v: negative: %w", exportLatency, perSpanExportCost, ErrInvalidLoad)
	case math.IsNaN(target) || target <= 0 || target > 1:
		return 0, fmt.Errorf("target utilisation %v: want 0 < target ≤ 1: %w", target, ErrNoSolution)
	}
	lat, per := exportLatency.Seconds(), perSpanExportCost.Seconds()
	room := target - spanRate*per
	if room <= 0 {
		return 0, fmt.Errorf("%.0f spans/s at %v per span use %.2f of the worker before any latency, target %.2f: %w",
			spanRate, perSpanExportCost, spanRate*per, target, ErrNoSolution)
	}
	m := math.Ceil(spanRate*lat/room - roundingSlack)
	if m > math.MaxInt32 {
		return 0, fmt.Errorf("batch of %.0f spans: %w", m, ErrNoSolution)
	}
	return max(1, int(m)), nil
}

// MinQueueFor returns the smallest QueueSize that lets s (its
// MaxExportBatchSize, BatchTimeout and ExportTimeout; its QueueSize is
// ignored) take l's burst without dropping a span, even when the burst starts
// at the worst moment, as an export begins: the PeakQueue of the burst,
// rounded up, and at least MaxExportBatchSize. Without a burst it checks the
// steady rate. It returns an error wrapping ErrNoSolution when the steady
// rate exceeds the Ceiling, when a peak above the Ceiling has no length, or
// when the timer races the export (batches then split at random; lengthen
// BatchTimeout first).
func MinQueueFor(s settings.Batch, l Load) (int, error) {
	s.QueueSize = s.MaxExportBatchSize // only the other settings matter
	if err := errors.Join(s.Validate(), l.Validate()); err != nil {
		return 0, err
	}
	if TimerRaces(s, l) {
		return 0, fmt.Errorf("a full batch's export lasts at least the batch timeout %v: %w", s.BatchTimeout, ErrNoSolution)
	}
	mu := Ceiling(s, l)
	if lambda := SpanRate(l); lambda > mu {
		return 0, fmt.Errorf("steady %.0f spans/s above the ceiling %.0f: every queue fills: %w", lambda, mu, ErrNoSolution)
	}
	peak := PeakSpanRate(l)
	if peak <= mu {
		return s.MaxExportBatchSize, nil
	}
	if l.Burst.Length <= 0 {
		return 0, fmt.Errorf("peak %.0f spans/s above the ceiling %.0f with no end: every queue fills: %w", peak, mu, ErrNoSolution)
	}
	need := math.Ceil(PeakQueue(float64(s.MaxExportBatchSize), exportSeconds(s, l, float64(s.MaxExportBatchSize)), peak, l.Burst.Length.Seconds()) - roundingSlack)
	if need > math.MaxInt32 {
		return 0, fmt.Errorf("queue of %.0f spans: %w", need, ErrNoSolution)
	}
	return max(s.MaxExportBatchSize, int(need)), nil
}

// MaxBatchTimeoutFor returns the longest BatchTimeout that keeps the worst
// staleness to the end of the export (Staleness.WorstToDone) at or below
// worst at every span rate up to l's steady rate, for s's
// MaxExportBatchSize. The worst is at the rate where the timer just fills a
// batch, so with λ the steady rate, L the latency and c the per-span cost:
//
//	T + L + c·min(λT, M) ≤ worst
//
// which gives T = (worst − L)/(1 + cλ) if λT ≤ M there, else worst − L − cM.
// It returns an error wrapping ErrNoSolution when the answer is not above a
// full batch's export (the timer would race it), or when l saturates the
// processor (the queue, not the timer, then sets staleness).
func MaxBatchTimeoutFor(s settings.Batch, l Load, worst time.Duration) (time.Duration, error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	if s.MaxExportBatchSize <= 0 {
		return 0, fmt.Errorf("max export batch size %d: %w", s.MaxExportBatchSize, ErrInvalidSettings)
	}
	lambda, m := SpanRate(l), float64(s.MaxExportBatchSize)
	lat, per, target := l.ExportLatency.Seconds(), l.PerSpanExportCost.Seconds(), worst.Seconds()
	full := exportSeconds(s, l, m)
	if full > 0 && lambda > m/full {
		return 0, fmt.Errorf("%.0f spans/s saturate batches of %d: staleness is about queue/ceiling whatever the timer: %w", lambda, s.MaxExportBatchSize, ErrNoSolution)
	}
	t := (target - lat) / (1 + per*lambda)
	if lambda*t > m {
		t = target - lat - per*m
	}
	if t <= full {
		return 0, fmt.Errorf("worst staleness %v leaves a batch timeout of %v, not above a full batch's export %v: %w",
			worst, seconds(t), seconds(full), ErrNoSolution)
	}
	return seconds(t), nil
}
