package summary

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// TestNoiseOf: rows get the spread between their repetitions, and variants
// with the same settings are paired, the first of a setup against every
// later one.
func TestNoiseOf(t *testing.T) {
	p := strings.NewReplacer("  - name: sync\n", "  - name: none-aa\n    kind: none\n  - name: sync\n",
		"  - name: batch\n    kind: batch\n", "  - name: batch\n    kind: batch\n  - name: batch-aa\n    kind: batch\n").Replace(resultstest.DefaultProfile)
	s := build(t, resultstest.New(t, p))
	n := NoiseOf(s)
	var pairs []string
	for _, pr := range n.Pairs {
		pairs = append(pairs, pr.B+"/"+pr.A)
	}
	if got := strings.Join(pairs, " "); got != "none-aa/none none-aa/none batch-aa/batch batch-aa/batch" {
		t.Errorf("pairs %q, want none-aa against none and batch-aa against batch at both rates", got)
	}
	for _, pr := range n.Pairs {
		if pr.Significant() || !pr.CPU.Valid {
			t.Errorf("pair %+v: identical cells came out significant or unmeasured", pr)
		}
	}
	// Two repetitions of the fixture: 1 ms and 2 ms bases, p50 1.5 ms
	// and 2.5 ms: CV = 0.5/2 × √2.
	for _, r := range n.Rows {
		if r.Variant == "none" && r.Rate == 1000 && (r.P50 < 0.35 || r.P50 > 0.36 || r.CPU != 0) {
			t.Errorf("row %+v: want a p50 CV of 0.354 and no CPU spread", r)
		}
	}
}

// TestNoiseRowQuiet: the spread over the quiet repetitions leaves out
// those during which other work used more than OtherCPUShare of the
// machine, and says n/a (NaN) or −1 when it cannot be told.
func TestNoiseRowQuiet(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cpu       []float64
		other     []float64
		quiet     int
		otherMax  float64
		quietFlat bool // the quiet repetitions are equal: a CV of 0
	}{
		{"one busy repetition left out", []float64{100, 100, 100, 140}, []float64{0.01, 0.02, 0.01, 0.40}, 3, 0.40, true},
		{"all quiet", []float64{100, 100}, []float64{0.01, 0.01}, 2, 0.01, true},
		{"not measured", []float64{100, 140}, []float64{-1, -1}, 0, -1, false},
		{"older run", []float64{100, 140}, nil, 0, -1, false},
	} {
		r := Row{Variant: "v", Reps: len(tc.cpu), PerRep: RepValues{CPUPerReq: tc.cpu, P50: tc.cpu, P99: tc.cpu, OtherShare: tc.other}}
		nr := noiseRow(r, 1000)
		if nr.QuietReps != tc.quiet || nr.OtherMax != tc.otherMax || (nr.QuietCPU == 0) != tc.quietFlat || nr.CPU == 0 && tc.cpu[len(tc.cpu)-1] != tc.cpu[0] {
			t.Errorf("%s: %+v", tc.name, nr)
		}
	}
}
