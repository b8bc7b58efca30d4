package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// Staleness is how old a span is when the collector gets it: the time from
// its End to the start of the export that carries it (ToStart) and to that
// export's return (ToDone), typical (mean over spans) and worst.
type Staleness struct {
	// TypicalToStart is the mean time from a span's End to the start of
	// its export.
	TypicalToStart time.Duration
	// WorstToStart is the longest such time (with a timer race, its 99th
	// percentile).
	WorstToStart time.Duration
	// TypicalToDone is TypicalToStart plus the export's duration.
	TypicalToDone time.Duration
	// WorstToDone is WorstToStart plus the export's duration.
	WorstToDone time.Duration
}

// raceWorstExports is how many exports the 99th-percentile span waits
// through when the timer races the export: each export after its arrival
// takes it only with probability about 1/2, and 2^-7 < 1%.
const raceWorstExports = 7

// stalenessOf returns the delays of flow f for a processor of queue spans:
//
//	timer:      typical T/2,              worst T
//	full:       typical M/(2λ),           worst M/λ
//	saturated:  typical Q/μ − M/(2λ),     worst ⌈Q/M⌉ × D
//
// to the export's start, plus the export time D to its return. Saturated, a
// span that finds room enters behind a nearly full queue and leaves
// ⌈Q/M⌉ exports later. With Blocking and saturated, the wait in OnEnd (the
// span's End time is taken before it) grows without bound and both are
// Forever. With a timer race the figures are approximate: typical T + D
// (measured: 40 ms against 40 ms predicted with T 10 ms, D 30 ms), worst, at
// the 99th percentile, T + 7D; saturated Q/μ and Q/μ + T + D.
func stalenessOf(s settings.Batch, f flow) Staleness {
	t := s.BatchTimeout.Seconds()
	d := f.export
	var typ, worst float64
	switch {
	case f.regime == RegimeSaturated && s.Blocking:
		return Staleness{Forever, Forever, Forever, Forever}
	case f.regime == RegimeSaturated && f.races:
		typ = float64(s.QueueSize) / f.ceiling
		worst = typ + t + d
	case f.regime == RegimeSaturated:
		m := float64(s.MaxExportBatchSize)
		typ = math.Max(0, float64(s.QueueSize)/f.ceiling-m/(2*f.rate))
		worst = math.Ceil(float64(s.QueueSize)/m) * d
	case f.races:
		typ = t + d
		worst = t + raceWorstExports*d
	case f.regime == RegimeFull:
		typ = float64(s.MaxExportBatchSize) / (2 * f.rate)
		worst = 2 * typ
	default:
		typ = t / 2
		worst = t
	}
	return Staleness{
		TypicalToStart: seconds(typ),
		WorstToStart:   seconds(worst),
		TypicalToDone:  seconds(typ + d),
		WorstToDone:    seconds(worst + d),
	}
}
