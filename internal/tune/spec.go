package tune

import (
	"errors"
	"fmt"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// Spec is what the user states: the load, the collector and the budgets.
type Spec struct {
	// PeakRate is the peak request rate per second to tune for.
	PeakRate int `json:"peak_rate"`
	// SpansPerRequest is how many spans one request ends; 0 means measure
	// it first.
	SpansPerRequest int `json:"spans_per_request"`
	// SampleRatio is the parent-based trace-ID ratio already in use (1 for
	// none); the recommendation keeps it.
	SampleRatio float64 `json:"sample_ratio"`
	// Latency is the collector's latency per export (its p50); LatencyP99,
	// when above it, makes the sink's latency lognormal.
	Latency    time.Duration `json:"latency_ns"`
	LatencyP99 time.Duration `json:"latency_p99_ns,omitempty"`
	// Burst, when set, is a load spike the settings must absorb.
	Burst *profile.Burst `json:"burst,omitempty"`
	// Budget is what the chosen settings may cost.
	Budget Budget `json:"budget"`
	// Duration is the measured attack per candidate, in three repetitions
	// so that the median of their p99 is robust to one stall; the
	// confirmation run lasts twice as long, with three repetitions too.
	Duration time.Duration `json:"duration_ns"`
	// Workload is the bundled target's work per request (ignored for a
	// user's service).
	Workload profile.Workload `json:"workload"`
}

// Budget is the most the chosen settings may cost against the baseline.
type Budget struct {
	// LossPct is the share of spans that may be lost, in percent; the
	// confirmation run must still show none.
	LossPct float64 `json:"loss_pct"`
	// P99OverheadPct is the p99 latency overhead allowed, in percent.
	P99OverheadPct float64 `json:"p99_overhead_pct"`
	// MemoryMiB is the peak RSS the target may add over the baseline; 0
	// means no memory budget.
	MemoryMiB float64 `json:"memory_mib,omitempty"`
}

// Validate names every problem with s.
func (s Spec) Validate() error {
	var errs []error
	if s.PeakRate < 1 || s.PeakRate > 100_000 {
		errs = append(errs, fmt.Errorf("-rate %d: want 1 to 100000 requests per second", s.PeakRate))
	}
	if s.SpansPerRequest < 0 || s.SpansPerRequest > 100 {
		errs = append(errs, fmt.Errorf("-spans %d: want 1 to 100, or 0 to measure it", s.SpansPerRequest))
	}
	if !(s.SampleRatio > 0 && s.SampleRatio <= 1) {
		errs = append(errs, fmt.Errorf("-sample-ratio %v: want more than 0 and at most 1", s.SampleRatio))
	}
	if s.Latency < 0 || s.LatencyP99 < 0 || (s.LatencyP99 > 0 && s.LatencyP99 < s.Latency) {
		errs = append(errs, fmt.Errorf("collector latency p50 %v, p99 %v: want 0 ≤ p50 ≤ p99", s.Latency, s.LatencyP99))
	}
	if s.Budget.LossPct < 0 || s.Budget.P99OverheadPct < 0 || s.Budget.MemoryMiB < 0 {
		errs = append(errs, fmt.Errorf("budgets must not be negative: %+v", s.Budget))
	}
	if s.Duration < time.Second || s.Duration > 5*time.Minute {
		errs = append(errs, fmt.Errorf("-duration %v: want 1s to 5m", s.Duration))
	}
	if b := s.Burst; b != nil && !(b.Factor > 1 && b.Length > 0 && b.At.D() < s.Duration) {
		errs = append(errs, fmt.Errorf("burst %+v: want a factor above 1, a length, and a start inside the %v measurement", *b, s.Duration))
	}
	return errors.Join(errs...)
}
