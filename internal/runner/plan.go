package runner

import (
	"math/rand/v2"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// cellPlan is one planned measurement.
type cellPlan struct {
	index   int
	rep     int
	rate    int
	variant profile.Variant
	dir     string
}

// plan orders the cells of a profile. Repetitions are the outer loop, so a
// slow drift of the machine spreads over every variant; within a repetition
// each rate measures every variant in turn, in an order shuffled afresh for
// every (repetition, rate) from the seed, so no variant systematically runs
// first (right after a rate change), last, or next to the same neighbour.
// The same seed gives the same plan.
func plan(p *profile.Profile, seed uint64) []cellPlan {
	var cells []cellPlan
	nv := len(p.Variants)
	rng := rand.New(rand.NewPCG(seed, 0x6f74656c62656e63))
	for rep := 1; rep <= p.Repetitions; rep++ {
		for _, rate := range p.Rates {
			for _, k := range rng.Perm(nv) {
				v := p.Variants[k]
				i := len(cells)
				cells = append(cells, cellPlan{
					index:   i,
					rep:     rep,
					rate:    rate,
					variant: v,
					dir:     results.CellDirName(i, v.Name, rate, rep),
				})
			}
		}
	}
	return cells
}
