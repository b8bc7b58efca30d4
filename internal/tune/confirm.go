package tune

import (
	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/summary"
)

// ConfirmReps is how many repetitions the confirmation measures: with 5
// against 5, Mann–Whitney can reach p < 0.05 and the bootstrap interval of
// the p99 change means something.
const ConfirmReps = 5

// Confirmation is how the chosen candidate fared when measured again.
type Confirmation struct {
	// Status is ConfirmedStatus, RefutedStatus or InconclusiveStatus.
	Status string `json:"status"`
	// P99Pct is the change of the p99 against the baseline, with the
	// bootstrap interval of the repetitions (Low, High), against Budget.
	P99Pct    float64 `json:"p99_pct"`
	P99Low    float64 `json:"p99_low_pct"`
	P99High   float64 `json:"p99_high_pct"`
	P99Budget float64 `json:"p99_budget_pct"`
	// Misses are the misses that refute it: loss, failures, memory, a p99
	// beyond the budget beyond the noise.
	Misses []advise.Miss `json:"misses,omitempty"`
}

// The statuses of a Confirmation.
const (
	// ConfirmedStatus: no span lost, no budget missed beyond the noise.
	ConfirmedStatus = "confirmed"
	// RefutedStatus: a span lost, a budget missed with the whole interval
	// beyond it, or the measurement failed.
	RefutedStatus = "refuted"
	// InconclusiveStatus: nothing refutes it, but the repetitions could
	// not be compared (no interval): measure again.
	InconclusiveStatus = "inconclusive"
)

// judgeConfirmation judges the confirmation run of candidate c (its judged
// verdict v and its row r): every miss counts except a p99 over the budget
// whose interval still reaches the budget, which is noise the repetitions
// cannot tell from it; any lost span refutes, whatever the loss budget.
func judgeConfirmation(v advise.Candidate, r *summary.Row, budget float64) Confirmation {
	c := Confirmation{Status: ConfirmedStatus, P99Budget: budget, P99Pct: v.WorstP99Pct}
	if r != nil && r.P99Delta.Valid {
		c.P99Pct, c.P99Low, c.P99High = r.P99Delta.Pct, r.P99Delta.Low, r.P99Delta.High
	}
	for _, m := range v.Misses {
		if m.Kind == advise.MissP99 && r != nil && r.P99Delta.Valid && r.P99Delta.Low <= budget {
			continue // within the noise of the repetitions
		}
		c.Misses = append(c.Misses, m)
	}
	switch {
	case len(c.Misses) > 0 || v.LossPct > 0:
		c.Status = RefutedStatus
	case r == nil || !r.P99Delta.Valid:
		c.Status = InconclusiveStatus
	}
	return c
}
