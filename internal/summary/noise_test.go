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
