package summary

import (
	"math"
	"slices"

	"github.com/otelbench/otelbench/internal/pprofmap"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// MaxCoverageGap is how far the profiled components' change may stray from
// the measured change of CPU per request, as a share of the latter, before
// the summary says the breakdown does not account for it.
const MaxCoverageGap = 0.15

// Unprofiled names the part of the measured CPU per request that is not in
// the profile (measured − profiled), listed after the components.
const Unprofiled = "unprofiled"

// Overhead is where the target's CPU per request goes, per rate and
// variant, from the CPU profiles of its cells (results.CPUProfile).
type Overhead struct {
	// Components lists the components in report order (pprofmap's).
	Components []string `json:"components"`
	// Rates holds one entry per requested rate, lowest first.
	Rates []OverheadRate `json:"rates"`
	// Profiled counts the cells with a breakdown; Missing says why the
	// others have none (one entry per distinct reason).
	Profiled int      `json:"profiled_cells"`
	Missing  []string `json:"missing,omitempty"`
	// Hz are the sampling rates of the profiles, lowest first.
	Hz []int `json:"hz,omitempty"`
}

// OverheadRate is the breakdown of every variant at one rate.
type OverheadRate struct {
	Rate int           `json:"rate"`
	Rows []OverheadRow `json:"rows"`
}

// OverheadRow is one variant's CPU per request by component at one rate,
// and the change of each against the baseline.
type OverheadRow struct {
	Variant  string `json:"variant"`
	Baseline bool   `json:"baseline,omitempty"`
	// Reps counts the repetitions with a breakdown; none means n/a.
	Reps int `json:"reps"`
	// Components are in Overhead.Components order, then Unprofiled.
	Components []ComponentCost `json:"components"`
	// Profiled is the profile's whole CPU per request, Measured the
	// operating system's (schedstat) over the same cells.
	Profiled ComponentCost `json:"profiled"`
	Measured ComponentCost `json:"measured"`
	// Coverage is the profiled change over the measured change (1 when
	// the components account for it exactly); judged only when the
	// measured change is significant (CoverageJudged). CoverageOK says it
	// is within MaxCoverageGap.
	Coverage       float64 `json:"coverage"`
	CoverageJudged bool    `json:"coverage_judged"`
	CoverageOK     bool    `json:"coverage_ok"`
}

// ComponentCost is one component's CPU per request in one row: the median
// over repetitions, and its difference from the baseline's.
type ComponentCost struct {
	Component string `json:"component"`
	// PerRequest is the median over repetitions, in ns; PerRep each
	// repetition's value.
	PerRequest float64   `json:"per_request_ns"`
	PerRep     []float64 `json:"per_rep_ns"`
	// Delta is the change against the baseline (zero for the baseline).
	Delta Diff `json:"delta"`
}

// profiledCell is one cell's breakdown per request.
type profiledCell struct {
	by       map[string]float64 // ns per request
	profiled float64
	measured float64
}

// overhead builds the breakdown of every profiled cell of the run; nil
// when no cell was profiled and none tried.
func overhead(l *results.Loaded, baseline string, rates []int) *Overhead {
	o := &Overhead{Components: componentNames()}
	type vr struct {
		variant string
		rate    int
	}
	cells := map[vr][]profiledCell{}
	key := func(v string, rate int) vr { return vr{v, rate} }
	tried := false
	for _, c := range l.Cells {
		if c.Status != results.StatusOK || c.LoadOnly || c.Profile == nil {
			continue
		}
		tried = true
		p := c.Profile
		if p.Error != "" || p.Requests == 0 || c.Load.Requests == 0 {
			why := p.Error
			if why == "" {
				why = "no request was sent while the profile ran"
			}
			if !slices.Contains(o.Missing, why) {
				o.Missing = append(o.Missing, why)
			}
			continue
		}
		pc := profiledCell{by: map[string]float64{}, measured: float64(c.CPU.Window) / float64(c.Load.Requests)}
		for name, v := range p.Components {
			pc.by[name] = float64(v) / float64(p.Requests)
		}
		pc.profiled = float64(p.Total) / float64(p.Requests)
		if p.Hz > 0 && !slices.Contains(o.Hz, p.Hz) {
			o.Hz = append(o.Hz, p.Hz)
			slices.Sort(o.Hz)
		}
		pc.by[Unprofiled] = pc.measured - pc.profiled
		o.Profiled++
		k := key(c.Variant, c.Rate)
		cells[k] = append(cells[k], pc)
	}
	if !tried {
		return nil
	}
	names := append(slices.Clone(o.Components), Unprofiled)
	for _, rate := range rates {
		or := OverheadRate{Rate: rate}
		base := cells[key(baseline, rate)]
		for _, v := range l.Run.Profile.Variants {
			or.Rows = append(or.Rows, overheadRow(v.Name, v.Name == baseline, cells[key(v.Name, rate)], base, names))
		}
		o.Rates = append(o.Rates, or)
	}
	return o
}

// overheadRow is one variant's breakdown against the baseline's cells.
func overheadRow(variant string, isBase bool, cs, base []profiledCell, names []string) OverheadRow {
	row := OverheadRow{Variant: variant, Baseline: isBase, Reps: len(cs)}
	if len(cs) == 0 {
		return row
	}
	cost := func(name string, of func(profiledCell) float64) ComponentCost {
		x, b := values(cs, of), values(base, of)
		cc := ComponentCost{Component: name, PerRequest: stats.Median(x), PerRep: x}
		if !isBase {
			cc.Delta = NewDiff(x, b)
		}
		return cc
	}
	for _, n := range names {
		row.Components = append(row.Components, cost(n, func(p profiledCell) float64 { return p.by[n] }))
	}
	row.Profiled = cost("profiled", func(p profiledCell) float64 { return p.profiled })
	row.Measured = cost("measured", func(p profiledCell) float64 { return p.measured })
	if m := row.Measured.Delta; !isBase && m.Valid && m.Significant && m.Point != 0 {
		row.CoverageJudged = true
		row.Coverage = row.Profiled.Delta.Point / m.Point
		row.CoverageOK = math.Abs(row.Coverage-1) <= MaxCoverageGap
	}
	return row
}

// componentNames are pprofmap's components, in report order.
func componentNames() []string {
	out := make([]string, len(pprofmap.Components))
	for i, c := range pprofmap.Components {
		out[i] = string(c)
	}
	return out
}

// values applies of to every cell.
func values(cs []profiledCell, of func(profiledCell) float64) []float64 {
	out := make([]float64, len(cs))
	for i, c := range cs {
		out[i] = of(c)
	}
	return out
}
