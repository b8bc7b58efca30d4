package summary

import (
	"math"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// profiledTestCell makes a measured cell of 1,000 requests whose profile holds
// the given ns per request by component, and whose measured CPU per request
// is measured ns.
func profiledTestCell(variant string, rep int, measured float64, by map[string]float64) results.Cell {
	const n = 1000
	p := &results.CPUProfile{File: results.ProfileFile, Requests: n, Duration: time.Second, Components: map[string]time.Duration{}}
	for c, v := range by {
		p.Components[c] = time.Duration(v * n)
		p.Total += time.Duration(v * n)
	}
	return results.Cell{Variant: variant, Rate: 1000, Rep: rep, Status: results.StatusOK,
		Load: results.Load{Requests: n}, CPU: results.CPU{Window: time.Duration(measured * n)}, Profile: p}
}

func TestOverhead(t *testing.T) {
	t.Parallel()
	var cells []results.Cell
	jitter := []float64{0, 1, -1, 2, -2}
	for rep, j := range jitter {
		// The baseline: application work and net/http.
		cells = append(cells, profiledTestCell("none", rep+1, 100+j, map[string]float64{"app": 60 + j, "net/http": 40}))
		// batch adds SDK and export work that the profile sees whole.
		cells = append(cells, profiledTestCell("batch", rep+1, 130+j, map[string]float64{"app": 60 + j, "net/http": 40, "sdk.start": 10, "export": 20}))
		// leaky adds 30 ns measured, of which the profile sees 10 ns.
		cells = append(cells, profiledTestCell("leaky", rep+1, 130+j, map[string]float64{"app": 60 + j, "net/http": 40, "sdk.start": 10}))
		// same costs what none costs: no significant change to judge.
		cells = append(cells, profiledTestCell("same", rep+1, 100-j, map[string]float64{"app": 60 - j, "net/http": 40}))
	}
	// unprofiled ran with profiling off.
	cells = append(cells, results.Cell{Variant: "unprofiled", Rate: 1000, Rep: 1, Status: results.StatusOK, Load: results.Load{Requests: 1000}})
	p := &profile.Profile{Rates: []int{1000}, Variants: []profile.Variant{
		{Name: "none", Kind: profile.KindNone}, {Name: "batch", Kind: profile.KindBatch},
		{Name: "leaky", Kind: profile.KindBatch}, {Name: "same", Kind: profile.KindNone}, {Name: "unprofiled", Kind: profile.KindBatch},
	}}
	l := &results.Loaded{Run: results.Run{Profile: p}, Cells: cells}
	o := overhead(l, "none", []int{1000})
	if o == nil || len(o.Rates) != 1 || o.Profiled != 20 {
		t.Fatalf("overhead = %+v, want one rate and 20 profiled cells", o)
	}
	rows := map[string]OverheadRow{}
	for _, r := range o.Rates[0].Rows {
		rows[r.Variant] = r
	}
	comp := func(r OverheadRow, name string) ComponentCost {
		for _, c := range r.Components {
			if c.Component == name {
				return c
			}
		}
		t.Fatalf("%s has no component %s", r.Variant, name)
		return ComponentCost{}
	}
	tests := []struct {
		name, variant   string
		component       string
		perRequest      float64
		delta           float64
		significant     bool
		judged, covered bool
	}{
		// The baseline has no change of its own.
		{"baseline app", "none", "app", 60, 0, false, false, false},
		// batch's SDK start is new work: 10 ns against none's 0.
		{"batch sdk", "batch", "sdk.start", 10, 10, true, true, true},
		{"batch export", "batch", "export", 20, 20, true, true, true},
		// Its application work did not move.
		{"batch app", "batch", "app", 60, 0, false, true, true},
		// leaky's measured 30 ns are 10 profiled + 20 unprofiled: not covered.
		{"leaky unprofiled", "leaky", Unprofiled, 20, 20, true, true, false},
		// same: the measured change is noise, so coverage is not judged.
		{"same app", "same", "app", 60, 0, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rows[tt.variant]
			c := comp(r, tt.component)
			if math.Abs(c.PerRequest-tt.perRequest) > 1e-9 || math.Abs(c.Delta.Point-tt.delta) > 1e-9 || c.Delta.Significant != tt.significant {
				t.Errorf("%s %s = %g ns, Δ %+v; want %g, Δ %g significant %v", tt.variant, tt.component, c.PerRequest, c.Delta, tt.perRequest, tt.delta, tt.significant)
			}
			if r.CoverageJudged != tt.judged || r.CoverageOK != tt.covered {
				t.Errorf("%s coverage %.2f judged %v ok %v; want judged %v ok %v", tt.variant, r.Coverage, r.CoverageJudged, r.CoverageOK, tt.judged, tt.covered)
			}
		})
	}
	if r := rows["unprofiled"]; r.Reps != 0 || len(r.Components) != 0 {
		t.Errorf("a variant without profiles has %d reps, %d components; want none", r.Reps, len(r.Components))
	}
	if got := rows["leaky"].Coverage; math.Abs(got-1.0/3) > 1e-9 {
		t.Errorf("leaky coverage %g, want 1/3", got)
	}
}

func TestOverheadNoProfiles(t *testing.T) {
	t.Parallel()
	p := &profile.Profile{Rates: []int{1000}, Variants: []profile.Variant{{Name: "none", Kind: profile.KindNone}}}
	l := &results.Loaded{Run: results.Run{Profile: p}, Cells: []results.Cell{{Variant: "none", Rate: 1000, Status: results.StatusOK}}}
	if o := overhead(l, "none", []int{1000}); o != nil {
		t.Errorf("a run with no profile has an overhead breakdown %+v", o)
	}
	// A profile that failed is counted as missing, with its reason.
	l.Cells[0].Profile = &results.CPUProfile{Error: "reading the CPU profile: refused"}
	o := overhead(l, "none", []int{1000})
	if o == nil || o.Profiled != 0 || len(o.Missing) != 1 || o.Rates[0].Rows[0].Reps != 0 {
		t.Errorf("failed profile: %+v, want no profiled cell and its reason", o)
	}
}
