package runner

import (
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
// each rate measures every variant in turn, and the variant order rotates by
// one from repetition to repetition, so no variant always runs first (right
// after a rate change) or last.
func plan(p *profile.Profile) []cellPlan {
	var cells []cellPlan
	nv := len(p.Variants)
	for rep := 1; rep <= p.Repetitions; rep++ {
		for _, rate := range p.Rates {
			for k := 0; k < nv; k++ {
				v := p.Variants[(k+rep-1)%nv]
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
