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
		// One repetition: the variants run in profile order at every rate.
		{name: "one rep", rates: "[100, 200]", reps: 1, nVariants: 3},
		// Fewer repetitions than variants: not every variant gets to run first.
		{name: "reps < variants", rates: "[100, 200]", reps: 2, nVariants: 4},
		// As many repetitions as variants: each variant runs first once per rate.
		{name: "reps == variants", rates: "[100, 200, 300]", reps: 3, nVariants: 3},
		// More repetitions than variants: the rotation wraps around.
		{name: "reps > variants", rates: "[50]", reps: 5, nVariants: 2},
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
			cells := plan(p)

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
				// profile order; within a (rep, rate) block the variant order
				// is the profile's, rotated by rep-1.
				block, k2 := i/nv, i%nv
				if wantRep := block/nr + 1; c.rep != wantRep {
					t.Errorf("cells[%d].rep = %d, want %d", i, c.rep, wantRep)
				}
				if wantRate := p.Rates[block%nr]; c.rate != wantRate {
					t.Errorf("cells[%d].rate = %d, want %d", i, c.rate, wantRate)
				}
				if want := p.Variants[(k2+c.rep-1)%nv]; c.variant.Name != want.Name || c.variant.Kind != want.Kind {
					t.Errorf("cells[%d].variant = %s, want %s (rep %d)", i, c.variant.Name, want.Name, c.rep)
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
			if tc.reps >= nv {
				for _, v := range p.Variants {
					if firsts[v.Name] == 0 {
						t.Errorf("variant %s never runs first, with %d reps of %d variants", v.Name, tc.reps, nv)
					}
					// A whole number of rotations is perfectly balanced.
					if want := tc.reps / nv * nr; tc.reps%nv == 0 && firsts[v.Name] != want {
						t.Errorf("variant %s runs first %d times, want %d", v.Name, firsts[v.Name], want)
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
	for _, c := range plan(p) {
		fmt.Fprintf(&b, "%2d rep=%d rate=%d variant=%-4s kind=%-5s dir=%s\n", c.index, c.rep, c.rate, c.variant.Name, c.variant.Kind, c.dir)
	}
	golden(t, "plan.golden", []byte(b.String()))
}
