package tune

import (
	"testing"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

func row(name string, lossPct, p99Pct float64, rss int64) summary.Row {
	return summary.Row{Variant: name, Kind: profile.KindBatch, Reps: 3, RequestedRate: 1000, AchievedRate: 1000,
		P99OverheadPct: p99Pct, PeakRSS: rss, Spans: summary.SpanTotals{LossPct: lossPct, Lost: int64(lossPct * 10), Ended: 1000},
		PerRep: summary.RepValues{CPUPerReq: []float64{10, 11, 12}}}
}

func sum(rows ...summary.Row) *summary.Summary {
	base := summary.Row{Variant: "none", Kind: profile.KindNone, Baseline: true, Reps: 3, RequestedRate: 1000, AchievedRate: 1000, PeakRSS: 20 << 20}
	s := &summary.Summary{Baseline: "none", Rates: []summary.RateSummary{{Rate: 1000, Rows: append([]summary.Row{base}, rows...)}},
		Variants: []summary.VariantInfo{{Name: "none", Kind: profile.KindNone}}}
	for i, r := range rows {
		t := settings.Default()
		t.Batch.QueueSize = 2048 << i
		s.Variants = append(s.Variants, summary.VariantInfo{Name: r.Variant, Kind: r.Kind, Settings: t})
	}
	return s
}

func TestChoose(t *testing.T) {
	b := Budget{P99OverheadPct: 10, MemoryMiB: 8}
	for _, tc := range []struct {
		name  string
		s     *summary.Summary
		want  string
		relax []Relax // when nothing passes
	}{
		// Both pass and their CPU ties (three repetitions can never differ
		// significantly): the tie goes to the SDK's defaults (a).
		{"a tie goes to the defaults", sum(row("a", 0, 5, 25<<20), row("b", 0, 3, 26<<20)), "a", nil},
		// Neither is the defaults: to the larger queue, never the smaller.
		{"then to the larger queue", sum(row("x", 0, 99, 0), row("a", 0, 5, 25<<20), row("b", 0, 3, 26<<20)), "b", nil},
		{"loss rules out", sum(row("a", 0.5, 5, 25<<20), row("b", 0, 3, 26<<20)), "b", nil},
		{"over p99 budget", sum(row("a", 0, 14.2, 25<<20)), "", []Relax{{advise.MissP99, 14.2}}},
		{"over memory budget", sum(row("a", 0, 5, 30<<20)), "", []Relax{{advise.MissMemory, 10}}},
		{"loss", sum(row("a", 1.25, 5, 25<<20)), "", []Relax{{advise.MissLoss, 1.25}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, relax := Choose(tc.s, Judge(tc.s, b))
			got := ""
			if ch.Qualified {
				got = ch.Variant
			}
			if got != tc.want {
				t.Errorf("chose %q, want %q (relax %+v)", got, tc.want, relax)
			}
			if len(relax) != len(tc.relax) {
				t.Fatalf("relax %+v, want %+v", relax, tc.relax)
			}
			for i := range relax {
				if relax[i].Budget != tc.relax[i].Budget || relax[i].To < tc.relax[i].To-1e-9 || relax[i].To > tc.relax[i].To+1e-9 {
					t.Errorf("relax %+v, want %+v", relax, tc.relax)
				}
			}
		})
	}
}

func TestJudgeUnreliable(t *testing.T) {
	r := row("a", 0, 5, 25<<20)
	r.AchievedRate = 800
	s := sum(r)
	vs := Judge(s, Budget{P99OverheadPct: 10})
	if len(vs) != 1 || vs[0].Qualifies() || !vs[0].Unmeasurable() {
		t.Errorf("verdicts %+v, want unreliable: rate not reached", vs)
	}
	if ch, relax := Choose(s, vs); ch.Qualified || len(relax) != 1 || relax[0].Budget != Unreliable {
		t.Errorf("Choose = %+v %+v", ch, relax)
	}
}

// TestJudgeMedianP99 checks that one stalled repetition cannot fail the p99
// budget: the verdict uses the change of the median of the repetitions' p99.
func TestJudgeMedianP99(t *testing.T) {
	r := row("a", 0, 167, 25<<20) // pooled p99 blown up by one repetition
	r.P99Delta = summary.Delta{Valid: true, Pct: 12}
	vs := Judge(sum(r), Budget{P99OverheadPct: 50})
	if len(vs) != 1 || !vs[0].Qualifies() || vs[0].WorstP99Pct != 12 {
		t.Errorf("verdicts %+v, want a pass at +12%%", vs)
	}
}
