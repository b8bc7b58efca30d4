package tune

import (
	"math"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/summary"
)

// Budgets returns the tune budgets as the recommender's.
func (b Budget) Budgets() advise.Budgets {
	return advise.Budgets{P99OverheadPct: b.P99OverheadPct, LossPct: b.LossPct, MemoryMiB: b.MemoryMiB}
}

// Judge judges every candidate measured in s against the budget, with the
// recommender's qualification (advise.Qualify).
func Judge(s *summary.Summary, b Budget) []advise.Candidate {
	return advise.Qualify(s, b.Budgets(), nil)
}

// Relax says, for one budget that no candidate met, what the best
// candidate measured: relaxing the budget to To would let it pass.
type Relax struct {
	// Budget is advise.MissLoss, advise.MissP99 or advise.MissMemory; or
	// Unreliable when no candidate was measured reliably.
	Budget advise.MissKind `json:"budget"`
	To     float64         `json:"to"`
}

// Unreliable: no candidate was measured reliably (rate not reached,
// failed repetitions, errors).
const Unreliable advise.MissKind = "unreliable"

// Choose picks among the judged candidates the way the recommender does
// (advise.Choose: significantly cheaper, else more headroom, else the
// SDK's defaults). When none passed it returns an empty choice and, for
// each budget some candidate broke, how far to relax it for the closest
// candidate to pass.
func Choose(s *summary.Summary, vs []advise.Candidate) (advise.Choice, []Relax) {
	ch := advise.Choose(s, vs)
	if ch.Qualified {
		return ch, nil
	}
	best := map[advise.MissKind]float64{advise.MissLoss: math.Inf(1), advise.MissP99: math.Inf(1), advise.MissMemory: math.Inf(1)}
	broken := map[advise.MissKind]bool{}
	reliable := false
	for _, c := range vs {
		if c.Unmeasurable() {
			continue
		}
		reliable = true
		best[advise.MissLoss] = math.Min(best[advise.MissLoss], c.LossPct)
		best[advise.MissP99] = math.Min(best[advise.MissP99], c.WorstP99Pct)
		best[advise.MissMemory] = math.Min(best[advise.MissMemory], c.MemoryMiB)
		for _, m := range c.Misses {
			broken[m.Kind] = true
		}
	}
	if !reliable {
		return advise.Choice{}, []Relax{{Budget: Unreliable}}
	}
	var relax []Relax
	for _, k := range []advise.MissKind{advise.MissLoss, advise.MissP99, advise.MissMemory} {
		if broken[k] || (k == advise.MissLoss && broken[advise.MissTracesMissing]) {
			relax = append(relax, Relax{Budget: k, To: best[k]})
		}
	}
	return advise.Choice{}, relax
}
