package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// near reports whether got is within a relative 1e-6 (or absolute 1e-9) of
// want; infinities must match exactly.
func near(got, want float64) bool {
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= 1e-9+1e-6*math.Abs(want)
}

// nearDuration reports whether got is within a microsecond of want;
// Forever must match exactly.
func nearDuration(got, want time.Duration) bool {
	if got == Forever || want == Forever {
		return got == want
	}
	d := got - want
	return d > -time.Microsecond && d < time.Microsecond
}

// settings returns the SDK defaults with queue q, batch m, batch timeout t.
func batchOf(q, m int, t time.Duration) settings.Batch {
	s := settings.DefaultBatch()
	s.QueueSize, s.MaxExportBatchSize, s.BatchTimeout = q, m, t
	return s
}

// load returns rps requests/s of spans spans each, all sampled, exported
// with latency lat.
func load(rps, spans float64, lat time.Duration) Load {
	return Load{RequestsPerSec: rps, SpansPerRequest: spans, SampledShare: 1, ExportLatency: lat}
}
