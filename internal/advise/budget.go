package advise

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// Budgets are what a variant may cost against the baseline and still
// qualify.
type Budgets struct {
	// P99OverheadPct is the largest change of the p99, in percent.
	P99OverheadPct float64 `json:"p99_overhead_pct"`
	// LossPct is the largest share of spans lost, in percent: 0 for a run's
	// recommendation, where any lost span disqualifies.
	LossPct float64 `json:"loss_pct"`
	// MemoryMiB, when positive, bounds the peak RSS above the baseline's.
	MemoryMiB float64 `json:"memory_mib,omitempty"`
}

// BudgetsOf returns the budgets of a profile: its p99 budget, no loss.
func BudgetsOf(p *profile.Profile) Budgets {
	return Budgets{P99OverheadPct: p.Budget.P99OverheadPct}
}

// Candidate is one measured variant judged against the budgets.
type Candidate struct {
	Variant  string           `json:"variant"`
	Kind     profile.Kind     `json:"kind"`
	Settings settings.Tracing `json:"settings"`
	// Misses lists every budget or condition the variant failed, at which
	// rate and by how much; a candidate with none qualifies.
	Misses []Miss `json:"misses,omitempty"`
	// CPU is its mean CPU per request over the rates measured.
	CPU time.Duration `json:"cpu_per_request_ns"`
	// WorstP99Pct is its largest p99 change over the rates.
	WorstP99Pct float64 `json:"worst_p99_pct"`
	// LossPct is its largest share of spans lost over the rates.
	LossPct float64 `json:"loss_pct"`
	// MemoryMiB is its largest peak RSS above the baseline's.
	MemoryMiB float64 `json:"memory_mib"`
	// Headroom is how far the model puts it from losing spans at the peak:
	// the predicted loss onset over the peak rate, and with a burst the
	// share of the burst its queue absorbs if smaller; 0 when the model
	// could not say.
	Headroom float64 `json:"headroom"`
}

// Qualifies reports whether the candidate met every budget.
func (c Candidate) Qualifies() bool { return len(c.Misses) == 0 }

// Unmeasurable reports whether a miss means the candidate's figures are
// not to be trusted (rather than too high): not measured, failed, no
// baseline, rate not reached, requests failed.
func (c Candidate) Unmeasurable() bool {
	for _, m := range c.Misses {
		switch m.Kind {
		case MissNotMeasured, MissTargetFailed, MissNoBaseline, MissRateNotReached, MissRequestsFailed:
			return true
		}
	}
	return false
}

// Miss is one budget or condition a candidate failed.
type Miss struct {
	Kind MissKind `json:"kind"`
	Rate int      `json:"rate,omitempty"`
	// Value is the measured figure and Limit the budget (percent, MiB or
	// requests/s as the kind says); N and Of are counts.
	Value float64 `json:"value,omitempty"`
	Limit float64 `json:"limit,omitempty"`
	N     int64   `json:"n,omitempty"`
	Of    int64   `json:"of,omitempty"`
}

// Over is how far the miss is beyond its budget (Value − Limit), for the
// kinds that have one.
func (m Miss) Over() float64 { return m.Value - m.Limit }

// MissKind says what a candidate failed.
type MissKind string

// The misses.
const (
	// MissNotMeasured: no repetition at Rate.
	MissNotMeasured MissKind = "not-measured"
	// MissTargetFailed: the target failed (or its results were unreadable)
	// in N repetitions at Rate.
	MissTargetFailed MissKind = "target-failed"
	// MissNoBaseline: the baseline was not measured at Rate: no overhead.
	MissNoBaseline MissKind = "no-baseline"
	// MissLoss: lost N of Of spans at Rate, Value percent against Limit.
	MissLoss MissKind = "loss"
	// MissTracesMissing: trace matching finds N spans missing at Rate.
	MissTracesMissing MissKind = "traces-missing"
	// MissRequestsFailed: N of Of requests failed at Rate.
	MissRequestsFailed MissKind = "requests-failed"
	// MissRateNotReached: Value requests/s sent of Limit asked at Rate.
	MissRateNotReached MissKind = "rate-not-reached"
	// MissP99: the p99 changed by Value percent at Rate, above Limit.
	MissP99 MissKind = "p99"
	// MissMemory: the peak RSS rose Value MiB above the baseline's at
	// Rate, above Limit.
	MissMemory MissKind = "memory"
)

// P99Change is the p99 change of a row the budgets judge: the change of the
// median of the repetitions' p99 (as the Δ columns print it, so that one
// repetition caught by a stall of a shared machine cannot decide it), or
// the pooled figure when there is no per-repetition value.
func P99Change(r *summary.Row) float64 {
	if r.P99Delta.Valid {
		return r.P99Delta.Pct
	}
	return r.P99OverheadPct
}

// Qualify judges every instrumented variant of s against b at every rate.
// Candidates come in profile order. headroom gives the model's headroom of
// a variant (nil: unknown).
func Qualify(s *summary.Summary, b Budgets, headroom func(variant string) float64) []Candidate {
	var out []Candidate
	for _, v := range s.Variants {
		if !v.Recommendable() {
			// The baseline, and the floor's measurements (noop, ratio 0):
			// none of them is a way to trace.
			continue
		}
		c := qualify(s, v, b)
		if headroom != nil {
			c.Headroom = headroom(v.Name)
		}
		out = append(out, c)
	}
	return out
}

// qualify judges one variant at every rate.
func qualify(s *summary.Summary, v summary.VariantInfo, b Budgets) Candidate {
	c := Candidate{Variant: v.Name, Kind: v.Kind, Settings: v.Settings, WorstP99Pct: math.Inf(-1)}
	var cpu time.Duration
	n := 0
	for _, rs := range s.Rates {
		rate := rs.Rate
		var r *summary.Row
		for i := range rs.Rows {
			if rs.Rows[i].Variant == v.Name {
				r = &rs.Rows[i]
			}
		}
		base := s.BaselineAt(rate)
		switch {
		case r == nil || r.Reps == 0:
			failed := 0
			if r != nil {
				failed = r.Failed
			}
			c.Misses = append(c.Misses, Miss{Kind: MissNotMeasured, Rate: rate, N: int64(failed)})
			continue
		case r.Failed > 0:
			c.Misses = append(c.Misses, Miss{Kind: MissTargetFailed, Rate: rate, N: int64(r.Failed)})
		}
		if base == nil {
			c.Misses = append(c.Misses, Miss{Kind: MissNoBaseline, Rate: rate})
		}
		c.Misses = append(c.Misses, rowMisses(r, base, rate, b)...)
		c.WorstP99Pct = math.Max(c.WorstP99Pct, P99Change(r))
		c.LossPct = math.Max(c.LossPct, r.Spans.LossPct)
		if base != nil {
			c.MemoryMiB = math.Max(c.MemoryMiB, float64(r.PeakRSS-base.PeakRSS)/(1<<20))
		}
		cpu += r.CPUPerRequest
		n++
	}
	if n > 0 {
		c.CPU = cpu / time.Duration(n)
	} else {
		c.WorstP99Pct = 0
	}
	return c
}

// rowMisses judges one measured row against b.
func rowMisses(r, base *summary.Row, rate int, b Budgets) []Miss {
	var out []Miss
	t := r.Spans
	switch {
	case t.Lost != 0 && (t.Lost < 0 || t.LossPct > b.LossPct):
		out = append(out, Miss{Kind: MissLoss, Rate: rate, N: t.Lost, Of: t.Ended, Value: t.LossPct, Limit: b.LossPct})
	case t.MissingSpans != 0 && b.LossPct == 0:
		out = append(out, Miss{Kind: MissTracesMissing, Rate: rate, N: t.MissingSpans})
	}
	if r.Errors > 0 {
		out = append(out, Miss{Kind: MissRequestsFailed, Rate: rate, N: int64(r.Errors), Of: int64(r.Requests)})
	}
	if r.AchievedRate < summary.RateShortfall*r.RequestedRate {
		out = append(out, Miss{Kind: MissRateNotReached, Rate: rate, Value: r.AchievedRate, Limit: r.RequestedRate})
	}
	if base == nil {
		return out
	}
	if p := P99Change(r); p > b.P99OverheadPct {
		out = append(out, Miss{Kind: MissP99, Rate: rate, Value: p, Limit: b.P99OverheadPct})
	}
	if mem := float64(r.PeakRSS-base.PeakRSS) / (1 << 20); b.MemoryMiB > 0 && mem > b.MemoryMiB {
		out = append(out, Miss{Kind: MissMemory, Rate: rate, Value: mem, Limit: b.MemoryMiB})
	}
	return out
}
