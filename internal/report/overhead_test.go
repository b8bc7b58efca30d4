package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/summary"
)

// cost is a component's cost in a test breakdown: ns per request in each
// of three repetitions, and its change against the baseline.
func cost(name string, ns float64, d summary.Diff) summary.ComponentCost {
	return summary.ComponentCost{Component: name, PerRequest: ns, PerRep: []float64{ns, ns, ns}, Delta: d}
}

// sig is a significant change of ns, ±10%.
func sig(ns float64) summary.Diff {
	return summary.Diff{Valid: true, Point: ns, Low: 0.9 * ns, High: 1.1 * ns, P: 0.008, Significant: true, N: 5, BaseN: 5}
}

// withOverhead is the sample analysis with a breakdown at its first rate:
// batch, whose components account for its ΔCPU, and sync, whose do not;
// batch-q64 was not profiled.
func withOverhead(t *testing.T, micro *summary.Micro) *analysis.Analysis {
	a := sampleAnalysis(t)
	base := summary.OverheadRow{Variant: "none", Baseline: true, Reps: 5,
		Components: []summary.ComponentCost{cost("app", 30e3, summary.Diff{}), cost("net/http", 20e3, summary.Diff{}), cost("sdk.start", 0, summary.Diff{}), cost(summary.Unprofiled, 1e3, summary.Diff{})},
		Profiled:   cost("profiled", 50e3, summary.Diff{}), Measured: cost("measured", 51e3, summary.Diff{})}
	batch := summary.OverheadRow{Variant: "batch", Reps: 5,
		Components: []summary.ComponentCost{cost("app", 30e3, summary.Diff{Valid: true, P: 0.9, N: 5, BaseN: 5}), cost("net/http", 20e3, summary.Diff{Valid: true, P: 0.7, N: 5, BaseN: 5}), cost("sdk.start", 10e3, sig(10e3)), cost(summary.Unprofiled, 1e3, summary.Diff{Valid: true, P: 1, N: 5, BaseN: 5})},
		Profiled:   cost("profiled", 60e3, sig(10e3)), Measured: cost("measured", 61e3, sig(10e3)),
		Coverage: 1, CoverageJudged: true, CoverageOK: true}
	sync := summary.OverheadRow{Variant: "sync", Reps: 5,
		Components: []summary.ComponentCost{cost("app", 30e3, summary.Diff{}), cost("net/http", 20e3, summary.Diff{}), cost("sdk.start", 10e3, sig(10e3)), cost(summary.Unprofiled, 31e3, sig(30e3))},
		Profiled:   cost("profiled", 60e3, sig(10e3)), Measured: cost("measured", 91e3, sig(40e3)),
		Coverage: 0.25, CoverageJudged: true}
	a.Summary.Overhead = &summary.Overhead{
		Components: []string{"app", "net/http", "sdk.start", "gc.assist"},
		Profiled:   15,
		Rates:      []summary.OverheadRate{{Rate: 1000, Rows: []summary.OverheadRow{base, batch, sync, {Variant: "batch-q64"}}}},
	}
	a.Summary.Micro = micro
	return a
}

func TestOverheadSection(t *testing.T) {
	present := &summary.Micro{
		Setups:  []summary.MicroSetup{{Name: "bare", Runs: 3, Wall: 23e3, CPU: 21e3}, {Name: "sdk-otlp", Runs: 3, Wall: 40e3, CPU: 45e3, Delta: 24e3}},
		Variant: "batch",
		Gaps: []summary.MicroGap{{Rate: 1000, EndToEnd: sig(95e3), Micro: 24e3, Gap: 71e3,
			Components: []summary.ComponentGap{{Component: "runtime", EndToEnd: 30e3, Micro: 2e3, Gap: 28e3}}}},
	}
	tests := []struct {
		name  string
		micro *summary.Micro
		want  []string
		never []string
	}{
		{
			name:  "breakdown and micro figure",
			micro: present,
			want: []string{
				"## Where the overhead goes",
				// The baseline's absolute figure, a variant's change with its interval.
				"| application work | 30.0 |",
				"10.0 (+10.0 [+9.0, +11.0])",
				// A change that is not significant says so.
				"30.0 (~ +0.0 [+0.0, +0.0])",
				// Coverage: within 15%, and beyond it said beside the numbers.
				"100% ✓", "25% ⚠ beyond ±15%",
				"sync at 1000/s: the profiled components change by +10.0 µs against a measured ΔCPU of +40.0 µs",
				// A variant with no profile is n/a, with why.
				"n/a (not profiled)",
				// A component no cell has is named, not shown as zeros.
				"No samples in any cell: GC assist.",
				"| sdk-otlp | 3 | 40.0 µs | 45.0 µs | +24.0 µs |",
				"1000/s: batch adds +95.0 [+85.5, +104.5] µs CPU per request end to end, in process sdk-otlp +24.0 µs: a gap of +71.0 µs",
				"scheduler and rest of runtime +28.0 (end to end +30.0, in process +2.0)",
			},
		},
		{
			name:  "micro figure missing",
			micro: &summary.Micro{Missing: "the run has no micro.txt"},
			want:  []string{"Micro benchmark: n/a: the run has no micro.txt."},
			never: []string{"| set-up |"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, withOverhead(t, tt.micro)); err != nil {
				t.Fatal(err)
			}
			md := b.String()
			for _, w := range tt.want {
				if !strings.Contains(md, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			for _, w := range tt.never {
				if strings.Contains(md, w) {
					t.Errorf("report has %q", w)
				}
			}
			if t.Failed() {
				i := strings.Index(md, "## Where the overhead goes")
				t.Logf("section:\n%s", md[max(i, 0):min(len(md), max(i, 0)+4000)])
			}
		})
	}
}

// TestOverheadSectionNotProfiled: a run with no profile says so.
func TestOverheadSectionNotProfiled(t *testing.T) {
	a := sampleAnalysis(t)
	a.Summary.Overhead = nil
	var b bytes.Buffer
	if err := Text(&b, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "CPU by component: n/a: no cell was profiled") {
		t.Errorf("no n/a for a run without profiles:\n%s", b.String())
	}
}
