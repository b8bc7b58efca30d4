package tune

import (
	"fmt"
	"math"
	"slices"

	"github.com/otelbench/otelbench/internal/summary"
)

// Verdict is how one measured candidate fared against the budgets.
type Verdict struct {
	Name string `json:"name"`
	// LossPct, P99OverheadPct and MemoryMiB are the measured costs at the
	// peak rate: loss over every repetition, p99 as the change of the
	// median of the repetitions' p99 against the baseline's, memory as peak
	// RSS over the baseline's.
	LossPct        float64 `json:"loss_pct"`
	P99OverheadPct float64 `json:"p99_overhead_pct"`
	MemoryMiB      float64 `json:"memory_mib"`
	// Fails lists each budget it broke, with the numbers; empty when it
	// passed.
	Fails []string `json:"fails,omitempty"`
	// Unreliable says the measurement cannot be trusted (rate not reached,
	// failed repetitions, errors), with why.
	Unreliable []string `json:"unreliable,omitempty"`

	// overLoss, overP99 and overMemory say which budgets Fails names.
	overLoss, overP99, overMemory bool
}

// Passed reports whether the candidate met every budget reliably.
func (v Verdict) Passed() bool { return len(v.Fails) == 0 && len(v.Unreliable) == 0 }

// Judge measures every row of s at rate against the budget.
func Judge(s *summary.Summary, rate int, b Budget) []Verdict {
	var rows []summary.Row
	for _, rs := range s.Rates {
		if rs.Rate == rate {
			rows = rs.Rows
		}
	}
	var base *summary.Row
	for i := range rows {
		if rows[i].Baseline {
			base = &rows[i]
		}
	}
	var out []Verdict
	for _, r := range rows {
		if r.Baseline || r.Control {
			continue
		}
		// The p99 overhead is the change of the median of the repetitions'
		// p99 (as compare reports it): one repetition caught by a stall of
		// a shared machine cannot decide it. The pooled figure is the
		// fallback when there is no per-repetition value.
		p99 := r.P99OverheadPct
		if r.P99Delta.Valid {
			p99 = r.P99Delta.Pct
		}
		v := Verdict{Name: r.Variant, LossPct: r.Spans.LossPct, P99OverheadPct: p99}
		if base != nil {
			v.MemoryMiB = float64(r.PeakRSS-base.PeakRSS) / (1 << 20)
		}
		switch {
		case r.Reps == 0:
			v.Unreliable = append(v.Unreliable, "not measured")
		case r.Failed > 0:
			v.Unreliable = append(v.Unreliable, fmt.Sprintf("the target failed in %d repetition(s)", r.Failed))
		}
		if r.Reps > 0 && r.AchievedRate < summary.RateShortfall*r.RequestedRate {
			v.Unreliable = append(v.Unreliable, fmt.Sprintf("the rate was not reached (%.0f/s of %.0f/s)", r.AchievedRate, r.RequestedRate))
		}
		if r.Errors > 0 {
			v.Unreliable = append(v.Unreliable, fmt.Sprintf("%d requests failed", r.Errors))
		}
		if base == nil || base.Reps == 0 {
			v.Unreliable = append(v.Unreliable, "no baseline at this rate")
		}
		v.overLoss = v.LossPct > b.LossPct
		v.overP99 = v.P99OverheadPct > b.P99OverheadPct
		v.overMemory = b.MemoryMiB > 0 && v.MemoryMiB > b.MemoryMiB
		if v.overLoss {
			v.Fails = append(v.Fails, fmt.Sprintf("lost %.2f%% of spans (budget %g%%)", v.LossPct, b.LossPct))
		}
		if v.overP99 {
			v.Fails = append(v.Fails, fmt.Sprintf("p99 overhead %+.1f%% (budget %g%%)", v.P99OverheadPct, b.P99OverheadPct))
		}
		if v.overMemory {
			v.Fails = append(v.Fails, fmt.Sprintf("peak RSS %+.1f MiB over the baseline (budget %g MiB)", v.MemoryMiB, b.MemoryMiB))
		}
		out = append(out, v)
	}
	return out
}

// Choose picks, among the candidates that passed, the one listed first in
// order (the plan lists the smallest queue first). When none passed it
// returns "" and, for each budget some candidate broke, how far to relax it
// for the closest candidate to pass.
func Choose(vs []Verdict, order []string) (string, []string) {
	for _, name := range order {
		i := slices.IndexFunc(vs, func(v Verdict) bool { return v.Name == name })
		if i >= 0 && vs[i].Passed() {
			return name, nil
		}
	}
	var relax []string
	loss, p99, mem := math.Inf(1), math.Inf(1), math.Inf(1)
	reliable := false
	for _, v := range vs {
		if len(v.Unreliable) > 0 {
			continue
		}
		reliable = true
		loss, p99, mem = min(loss, v.LossPct), min(p99, v.P99OverheadPct), min(mem, v.MemoryMiB)
	}
	if !reliable {
		return "", []string{"no candidate was measured reliably (see why per candidate): lower -rate or give the machine more room"}
	}
	if slices.ContainsFunc(vs, func(v Verdict) bool { return v.overLoss }) && loss > 0 {
		relax = append(relax, fmt.Sprintf("loss: the best candidate lost %.2f%%; relax -budget-loss to %.2f%%, or lower -rate (the model's loss onset is in the plan)", loss, loss))
	}
	if slices.ContainsFunc(vs, func(v Verdict) bool { return v.overP99 }) {
		relax = append(relax, fmt.Sprintf("p99 overhead: the best candidate added %+.1f%%; relax -budget-p99 to %.0f%%, or sample (-sample-ratio) to cut the spans", p99, math.Ceil(p99)))
	}
	if slices.ContainsFunc(vs, func(v Verdict) bool { return v.overMemory }) {
		relax = append(relax, fmt.Sprintf("memory: the smallest candidate added %.1f MiB; relax -budget-mem to %.0f", mem, math.Ceil(mem)))
	}
	return "", relax
}
