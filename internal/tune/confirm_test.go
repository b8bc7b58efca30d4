package tune

import (
	"testing"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/summary"
)

// TestJudgeConfirmation checks that only what lies beyond the noise of the
// repetitions refutes a candidate, and that any lost span does.
func TestJudgeConfirmation(t *testing.T) {
	p99 := func(pct, lo, hi float64) *summary.Row {
		return &summary.Row{P99Delta: summary.Delta{Valid: true, Pct: pct, Low: lo, High: hi}}
	}
	miss := []advise.Miss{{Kind: advise.MissP99, Value: 14, Limit: 10}}
	for _, tc := range []struct {
		name string
		v    advise.Candidate
		r    *summary.Row
		want string
	}{
		{"within the budget", advise.Candidate{WorstP99Pct: 4}, p99(4, -2, 9), ConfirmedStatus},
		{"over, but the interval reaches the budget", advise.Candidate{Misses: miss, WorstP99Pct: 14}, p99(14, 6, 25), ConfirmedStatus},
		{"over beyond the noise", advise.Candidate{Misses: miss, WorstP99Pct: 14}, p99(14, 11, 25), RefutedStatus},
		{"one span lost", advise.Candidate{LossPct: 0.01}, p99(1, -3, 4), RefutedStatus},
		{"other misses count", advise.Candidate{Misses: []advise.Miss{{Kind: advise.MissMemory}}}, p99(1, -3, 4), RefutedStatus},
		{"no interval", advise.Candidate{}, &summary.Row{}, InconclusiveStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := judgeConfirmation(tc.v, tc.r, 10); got.Status != tc.want {
				t.Errorf("status %q, want %q (%+v)", got.Status, tc.want, got)
			}
		})
	}
}

// TestGridPlan checks the grid for other SDKs: the defaults first, never a
// zero queue or delay, every candidate valid and distinct.
func TestGridPlan(t *testing.T) {
	cs := GridPlan(Spec{SampleRatio: 1})
	if len(cs) != 4 || cs[0].From != FromDefaults || !cs[0].Settings.Batch.IsDefault() {
		t.Fatalf("plan %+v", cs)
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if err := c.Settings.Batch.Validate(); err != nil || seen[c.Name] || c.Settings.Batch.QueueSize == 0 || c.Settings.Batch.BatchTimeout == 0 {
			t.Errorf("%s: %+v (%v)", c.Name, c.Settings.Batch, err)
		}
		seen[c.Name] = true
	}
}
