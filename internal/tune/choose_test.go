package tune

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

func row(name string, lossPct, p99Pct float64, rss int64) summary.Row {
	return summary.Row{Variant: name, Kind: profile.KindBatch, Reps: 2, RequestedRate: 1000, AchievedRate: 1000,
		P99OverheadPct: p99Pct, PeakRSS: rss, Spans: summary.SpanTotals{LossPct: lossPct}}
}

func sum(rows ...summary.Row) *summary.Summary {
	base := summary.Row{Variant: "none", Kind: profile.KindNone, Baseline: true, Reps: 2, RequestedRate: 1000, AchievedRate: 1000, PeakRSS: 20 << 20}
	return &summary.Summary{Rates: []summary.RateSummary{{Rate: 1000, Rows: append([]summary.Row{base}, rows...)}}}
}

func TestChoose(t *testing.T) {
	b := Budget{P99OverheadPct: 10, MemoryMiB: 8}
	for _, tc := range []struct {
		name  string
		s     *summary.Summary
		order []string
		want  string
		relax string // substring of the advice when nothing passes
	}{
		{"first in order that passes", sum(row("a", 0, 5, 25<<20), row("b", 0, 3, 26<<20)), []string{"a", "b"}, "a", ""},
		{"loss rules out", sum(row("a", 0.5, 5, 25<<20), row("b", 0, 3, 26<<20)), []string{"a", "b"}, "b", ""},
		{"over p99 budget", sum(row("a", 0, 14.2, 25<<20)), []string{"a"}, "", "relax -budget-p99 to 15%"},
		{"over memory budget", sum(row("a", 0, 5, 30<<20)), []string{"a"}, "", "relax -budget-mem to 10"},
		{"loss", sum(row("a", 1.25, 5, 25<<20)), []string{"a"}, "", "relax -budget-loss to 1.25%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, relax := Choose(Judge(tc.s, 1000, b), tc.order)
			if got != tc.want {
				t.Errorf("chose %q, want %q (relax %q)", got, tc.want, relax)
			}
			if tc.relax != "" && !strings.Contains(strings.Join(relax, "\n"), tc.relax) {
				t.Errorf("advice %q lacks %q", relax, tc.relax)
			}
		})
	}
}

func TestJudgeUnreliable(t *testing.T) {
	r := row("a", 0, 5, 25<<20)
	r.AchievedRate = 800
	vs := Judge(sum(r), 1000, Budget{P99OverheadPct: 10})
	if len(vs) != 1 || vs[0].Passed() || !strings.Contains(strings.Join(vs[0].Unreliable, ";"), "rate was not reached") {
		t.Errorf("verdicts %+v, want unreliable: rate not reached", vs)
	}
	if name, relax := Choose(vs, []string{"a"}); name != "" || !strings.Contains(relax[0], "no candidate was measured reliably") {
		t.Errorf("Choose = %q %q", name, relax)
	}
}

// TestJudgeMedianP99 checks that one stalled repetition cannot fail the p99
// budget: the verdict uses the change of the median of the repetitions' p99.
func TestJudgeMedianP99(t *testing.T) {
	r := row("a", 0, 167, 25<<20) // pooled p99 blown up by one repetition
	r.P99Delta = summary.Delta{Valid: true, Pct: 12}
	vs := Judge(sum(r), 1000, Budget{P99OverheadPct: 50})
	if len(vs) != 1 || !vs[0].Passed() || vs[0].P99OverheadPct != 12 {
		t.Errorf("verdicts %+v, want a pass at +12%%", vs)
	}
}
