package runner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// planProfile parses a profile with the given rates and repetitions and
// nVariants variants: a baseline "base" of kind none, then "v1", "v2", … of
// kind batch.
func planProfile(t *testing.T, rates string, reps, nVariants int) *profile.Profile {
	t.Helper()
	lines := []string{
		"name: plan",
		"rates: " + rates,
		"duration: 1s",
		fmt.Sprintf("repetitions: %d", reps),
		"variants:",
		"  - name: base",
		"    kind: none",
	}
	for i := 1; i < nVariants; i++ {
		lines = append(lines, fmt.Sprintf("  - name: v%d", i), "    kind: batch")
	}
	return mustParse(t, lines...)
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name      string
		rates     string
		reps      int
		nVariants int
	}{
		// The smallest profile: one cell.
		{name: "one cell", rates: "[100]", reps: 1, nVariants: 1},
		// One repetition over two rates.
		{name: "one rep", rates: "[100, 200]", reps: 1, nVariants: 3},
		// Fewer repetitions than variants.
		{name: "reps < variants", rates: "[100, 200]", reps: 2, nVariants: 4},
		// Many repetitions: every variant gets to run first somewhere.
		{name: "many reps", rates: "[100, 200, 300]", reps: 20, nVariants: 3},
		// More repetitions than variants, one rate.
		{name: "reps > variants", rates: "[50]", reps: 30, nVariants: 2},
		// A single variant is always first and last.
		{name: "one variant many reps", rates: "[10, 20]", reps: 4, nVariants: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planProfile(t, tc.rates, tc.reps, tc.nVariants)
			nv, nr := len(p.Variants), len(p.Rates)
			if nv != tc.nVariants || p.Repetitions != tc.reps {
				t.Fatalf("test profile has %d variants and %d reps, want %d and %d", nv, p.Repetitions, tc.nVariants, tc.reps)
			}
			cells := plan(p, 1)

			if want := tc.reps * nr * nv; len(cells) != want {
				t.Fatalf("plan has %d cells, want reps × rates × variants = %d", len(cells), want)
			}

			type key struct {
				rep, rate int
				variant   string
			}
			seen := map[key]int{}
			firsts := map[string]int{} // variant -> times it ran first at a rate
			for i, c := range cells {
				if c.index != i {
					t.Errorf("cells[%d].index = %d", i, c.index)
				}
				if want := results.CellDirName(i, c.variant.Name, c.rate, c.rep); c.dir != want {
					t.Errorf("cells[%d].dir = %q, want %q", i, c.dir, want)
				}
				k := key{c.rep, c.rate, c.variant.Name}
				if j, dup := seen[k]; dup {
					t.Errorf("cells[%d] and cells[%d] are both %+v", j, i, k)
				}
				seen[k] = i

				// Repetitions are the outer loop, rates the middle one, in
				// profile order; within a (rep, rate) block the variants are
				// shuffled (each appears once: checked through seen).
				block, k2 := i/nv, i%nv
				if wantRep := block/nr + 1; c.rep != wantRep {
					t.Errorf("cells[%d].rep = %d, want %d", i, c.rep, wantRep)
				}
				if wantRate := p.Rates[block%nr]; c.rate != wantRate {
					t.Errorf("cells[%d].rate = %d, want %d", i, c.rate, wantRate)
				}
				if k2 == 0 {
					firsts[c.variant.Name]++
				}
			}
			for rep := 1; rep <= tc.reps; rep++ {
				for _, rate := range p.Rates {
					for _, v := range p.Variants {
						if _, ok := seen[key{rep, rate, v.Name}]; !ok {
							t.Errorf("no cell for rep %d, rate %d, variant %s", rep, rate, v.Name)
						}
					}
				}
			}
			// With 20 or more blocks, a variant that never runs first would
			// mean the order is not shuffled (chance: < 3·(2/3)^20 ≈ 0.1%,
			// and the seed is fixed, so this is deterministic).
			if tc.reps*nr >= 20 {
				for _, v := range p.Variants {
					if firsts[v.Name] == 0 {
						t.Errorf("variant %s never runs first in %d blocks", v.Name, tc.reps*nr)
					}
				}
			}
		})
	}
}

// TestPlanGolden pins the whole order of a small plan, so that a change of
// ordering is a visible diff.
func TestPlanGolden(t *testing.T) {
	p := planProfile(t, "[100, 400]", 3, 3)
	var b strings.Builder
	for _, c := range plan(p, 1) {
		fmt.Fprintf(&b, "%2d rep=%d rate=%d variant=%-4s kind=%-5s dir=%s\n", c.index, c.rep, c.rate, c.variant.Name, c.variant.Kind, c.dir)
	}
	golden(t, "plan.golden", []byte(b.String()))
}

// TestPlanSeed checks that a seed fixes the order and another seed changes it.
func TestPlanSeed(t *testing.T) {
	p := planProfile(t, "[100, 200]", 5, 6)
	order := func(seed uint64) string {
		var b strings.Builder
		for _, c := range plan(p, seed) {
			b.WriteString(c.dir + " ")
		}
		return b.String()
	}
	if order(7) != order(7) {
		t.Error("the same seed gave two orders")
	}
	if order(7) == order(8) {
		t.Error("two seeds gave the same order of 60 cells")
	}
}
