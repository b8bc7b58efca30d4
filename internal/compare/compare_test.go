package compare

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/compare/comparetest"
	"github.com/otelbench/otelbench/internal/results"
)

// newComparison writes runs a and b and compares them.
func newComparison(t *testing.T, a, b comparetest.Run) *Comparison {
	t.Helper()
	dir := t.TempDir()
	c, err := New(comparetest.Write(t, dir, a), comparetest.Write(t, dir, b))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// p99Regression makes batch at 1000/s 20% slower in its slowest 5% of
// requests: its p99 rises by 20%, its p50 does not move.
func p99Regression(c *comparetest.Cell) {
	if c.Variant.Name == "batch" && c.Rate == 1000 {
		c.Tail = 1.2
	}
}

// findRow returns the row of variant at rate.
func findRow(t *testing.T, c *Comparison, rate int, variant string) Row {
	t.Helper()
	for _, rs := range c.Rates {
		for _, r := range rs.Rows {
			if rs.Rate == rate && r.Variant == variant {
				return r
			}
		}
	}
	t.Fatalf("no row %s at %d/s", variant, rate)
	return Row{}
}

func TestNewMatchesRows(t *testing.T) {
	t.Parallel()
	c := newComparison(t,
		comparetest.Run{ID: "a", Seed: 1},
		comparetest.Run{ID: "b", Seed: 2, Tweak: p99Regression})
	if len(c.Differences) != 0 {
		t.Errorf("differences between runs of one profile on one machine: %v", c.Differences)
	}
	if c.A.ID != "a" || c.B.ID != "b" || c.A.Repetitions != 5 || c.A.Commit != "0123456789ab" {
		t.Errorf("sides %+v and %+v", c.A, c.B)
	}
	var layout []string
	for _, rs := range c.Rates {
		for _, r := range rs.Rows {
			layout = append(layout, r.Variant)
		}
	}
	if got, want := strings.Join(layout, " "), "none batch sync none batch sync"; got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
	r := findRow(t, c, 1000, "batch")
	if r.Presence() != InBoth || len(r.Changes) != 3 {
		t.Fatalf("batch at 1000/s: presence %v, %d changes", r.Presence(), len(r.Changes))
	}
	p50, p99, cpu := r.Changes[0], r.Changes[1], r.Changes[2]
	if p50.Metric != P50 || p99.Metric != P99 || cpu.Metric != CPU {
		t.Errorf("metrics %s %s %s", p50.Metric, p99.Metric, cpu.Metric)
	}
	// B is A plus 20% in the tail: the p99's change is +20% ± the noise
	// (half a percent), significant; the p50 barely moves.
	if d := p99.Delta; !d.Significant || d.Pct < 18 || d.Pct > 22 || d.N != 5 || d.BaseN != 5 {
		t.Errorf("p99 delta %+v, want a significant +20%% over 5+5", d)
	}
	if p99.B < 1.18*p99.A || p99.B > 1.22*p99.A {
		t.Errorf("p99 medians A %v, B %v: want B 20%% above A", p99.A, p99.B)
	}
	if d := p50.Delta; d.Pct < -2 || d.Pct > 2 {
		t.Errorf("p50 delta %+v, want about 0", d)
	}
	if r.Loss == nil {
		t.Error("batch has spans, but no loss")
	}
	if none := findRow(t, c, 1000, "none"); none.Loss != nil {
		t.Errorf("the baseline has no spans, but loss %+v", *none.Loss)
	}
}

// TestNewUnmatchedRows lists rows one run lacks: a variant only in B, a
// row A did not measure, a rate only B has (compared with -force).
func TestNewUnmatchedRows(t *testing.T) {
	t.Parallel()
	profileB := strings.Replace(comparetest.DefaultProfile, "rates: [1000, 3000]", "rates: [1000, 3000, 5000]", 1) +
		"  - name: batch-q64\n    kind: batch\n    queue_size: 64\n"
	c := newComparison(t,
		comparetest.Run{ID: "a", Seed: 1, Tweak: func(c *comparetest.Cell) {
			if c.Variant.Name == "sync" && c.Rate == 3000 {
				c.Status = results.StatusFailed
			}
		}},
		comparetest.Run{ID: "b", Seed: 2, Profile: profileB})
	cases := []struct {
		name    string
		rate    int
		variant string
		want    Presence
	}{
		// Measured by both.
		{"matched", 1000, "batch", InBoth},
		// In both profiles, but every repetition failed in A.
		{"failed in A", 3000, "sync", OnlyB},
		// A variant only B's profile has.
		{"variant only in B", 1000, "batch-q64", OnlyB},
		// A rate only B's profile has.
		{"rate only in B", 5000, "none", OnlyB},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := findRow(t, c, tc.rate, tc.variant)
			if got := r.Presence(); got != tc.want {
				t.Errorf("presence %v, want %v", got, tc.want)
			}
			if tc.want != InBoth && (r.Changes != nil || r.Loss != nil) {
				t.Errorf("an unmatched row has changes %v, loss %v", r.Changes, r.Loss)
			}
		})
	}
	if len(c.Rates) != 3 || c.Rates[2].Rate != 5000 {
		t.Errorf("rates %v, want B's extra rate last", c.Rates)
	}
	if got := findRow(t, c, 5000, "none"); got.A != nil {
		t.Errorf("A has no 5000/s, but a row %+v", got.A)
	}
	if want := "profile.rates: A [1000,3000], B [1000,3000,5000]"; len(c.Differences) != 1 || c.Differences[0].String() != want {
		t.Errorf("differences %v, want only %q", c.Differences, want)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	regressed := newComparison(t,
		comparetest.Run{ID: "a", Seed: 1},
		comparetest.Run{ID: "b", Seed: 2, Tweak: p99Regression})
	threeReps := strings.Replace(comparetest.DefaultProfile, "repetitions: 5", "repetitions: 3", 1)
	cases := []struct {
		name      string
		c         *Comparison
		threshold float64
		want      []string // Regression.String() without the percentage
	}{
		// The 20% p99 regression exceeds 5%, and nothing else does.
		{"beyond the threshold", regressed, 5, []string{"p99 of batch at 1000/s"}},
		// Just above the noise between repetitions (±0.5% each, so medians
		// at most 1% apart): only the regression.
		{"above the noise", regressed, 1.5, []string{"p99 of batch at 1000/s"}},
		// 20% is within 50%.
		{"within the threshold", regressed, 50, nil},
		// Three repetitions against three can never be significant at
		// 0.05 (the smallest p is 0.1): 20% is not a regression then.
		{"not significant", newComparison(t,
			comparetest.Run{ID: "a", Seed: 1, Profile: threeReps},
			comparetest.Run{ID: "b", Seed: 2, Profile: threeReps, Tweak: p99Regression}), 5, nil},
		// An improvement is not a regression: A is the slower run.
		{"improvement", newComparison(t,
			comparetest.Run{ID: "a", Seed: 1, Tweak: p99Regression},
			comparetest.Run{ID: "b", Seed: 2}), 5, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := tc.c.Check(tc.threshold)
			var got []string
			for _, r := range v.Regressions {
				s := r.String()
				got = append(got, s[:strings.LastIndex(s, ":")])
				if r.Change.Delta.Pct < 18 || r.Change.Delta.Pct > 22 {
					t.Errorf("%s: want about +20%%", s)
				}
			}
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("regressions %q, want %q", got, tc.want)
			}
			if v.Failed() != (len(tc.want) > 0) || v.ThresholdPct != tc.threshold {
				t.Errorf("verdict %+v", v)
			}
		})
	}
}

// TestCheckZeroThreshold: a threshold of 0 flags every significant
// increase, the regression and whatever noise happens to separate five
// repetitions from five (which is why -fail-on wants a threshold above the
// noise floor); never a decrease or a change that is not significant.
func TestCheckZeroThreshold(t *testing.T) {
	t.Parallel()
	c := newComparison(t,
		comparetest.Run{ID: "a", Seed: 1},
		comparetest.Run{ID: "b", Seed: 2, Tweak: p99Regression})
	v := c.Check(0)
	found := false
	for _, r := range v.Regressions {
		found = found || (r.Rate == 1000 && r.Variant == "batch" && r.Change.Metric == P99)
		if d := r.Change.Delta; !d.Significant || d.Pct <= 0 {
			t.Errorf("%s: delta %+v is not a significant increase", r, d)
		}
	}
	if !found {
		t.Errorf("regressions %v lack the p99 of batch at 1000/s", v.Regressions)
	}
}
