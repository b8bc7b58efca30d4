package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
)

// Regime says what makes the worker export, which decides batch sizes,
// delays and loss.
type Regime int

const (
	// RegimeTimer: spans arrive slower than MaxExportBatchSize per
	// BatchTimeout, so the timer sends what has gathered, λ × BatchTimeout
	// spans every BatchTimeout.
	RegimeTimer Regime = iota
	// RegimeFull: batches fill before the timer fires and the worker keeps
	// up: MaxExportBatchSize spans every MaxExportBatchSize/λ.
	RegimeFull
	// RegimeSaturated: spans arrive faster than the Ceiling; exports run back
	// to back, the queue stays full, and the excess is dropped (or, with
	// Blocking, waits in OnEnd).
	RegimeSaturated
)

// String returns the regime's name: "timer", "full" or "saturated".
func (r Regime) String() string {
	switch r {
	case RegimeTimer:
		return "timer"
	case RegimeFull:
		return "full"
	case RegimeSaturated:
		return "saturated"
	}
	return "unknown"
}

// flow is the steady state of the worker at one span rate.
type flow struct {
	regime   Regime
	races    bool    // TimerRaces
	rate     float64 // λ, spans/s offered
	ceiling  float64 // μ, spans/s
	batch    float64 // mean spans per ExportSpans call
	interval float64 // seconds between export starts
	export   float64 // seconds per export
}

// flowAt returns the steady state of the worker when spans arrive at rate
// spans/s. Without a timer race:
//
//	λ > μ:              saturated, batch M, interval = export time of M
//	λ·T ≥ M:            full,      batch M, interval M/λ
//	otherwise:          timer,     batch λ·T, interval T
//
// With a timer race (TimerRaces) and λ ≤ μ the worker alternates between
// exporting a few spans as soon as an export ends and waiting for the timer;
// the model takes interval ≈ export time + T/2 and batch = λ × interval, at
// most M (an approximation; see doc.go).
func flowAt(s settings.Batch, l Load, rate float64) flow {
	m := float64(s.MaxExportBatchSize)
	t := s.BatchTimeout.Seconds()
	f := flow{races: TimerRaces(s, l), rate: rate, ceiling: Ceiling(s, l)}
	switch {
	case rate > f.ceiling:
		f.regime = RegimeSaturated
		f.batch, f.export = saturatedBatch(s, l)
		f.interval = f.export
	case f.races:
		f.regime = RegimeTimer
		// One fixed-point step: the export time of the batch that gathers
		// over one empty-batch export plus half a timer period.
		f.interval = exportSeconds(s, l, math.Min(rate*(exportSeconds(s, l, 0)+t/2), m)) + t/2
		f.batch = math.Min(rate*f.interval, m)
		if f.batch == m {
			f.regime = RegimeFull
			f.interval = m / rate
		}
		f.export = exportSeconds(s, l, f.batch)
	case rate*t >= m:
		f.regime = RegimeFull
		f.batch = m
		f.interval = m / rate
		f.export = exportSeconds(s, l, m)
	default:
		f.regime = RegimeTimer
		f.batch = rate * t
		f.interval = t
		f.export = exportSeconds(s, l, f.batch)
	}
	return f
}

// exportsPerSec returns the ExportSpans calls per second. The timer finds an
// empty batch when no span arrived during its period, and then the SDK does
// not call the exporter, so a timer-driven processor exports at most once per
// span.
func (f flow) exportsPerSec() float64 {
	if f.rate <= 0 || f.interval <= 0 {
		return 0
	}
	if f.regime == RegimeSaturated {
		return 1 / f.interval
	}
	return math.Min(1/f.interval, f.rate)
}
