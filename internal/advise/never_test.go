package advise

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

// randomProfile writes a valid profile with random rates, sink faults,
// burst and variants.
func randomProfile(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("name: random\nrates: [")
	n := 1 + rng.IntN(3)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, (i+1)*(1+rng.IntN(20000)))
	}
	b.WriteString("]\nduration: 8s\nrepetitions: 2\n")
	fmt.Fprintf(&b, "workload: {extra_spans: %d}\n", rng.IntN(4))
	b.WriteString("sink:\n")
	if rng.IntN(3) > 0 {
		fmt.Fprintf(&b, "  delay: %dms\n", rng.IntN(100))
	} else {
		b.WriteString("  delay: 0s\n")
	}
	if rng.IntN(3) == 0 {
		b.WriteString("  outages: [{from: 2s, to: 4s}]\n")
	}
	if rng.IntN(4) == 0 {
		fmt.Fprintf(&b, "burst: {at: 1s, length: %dms, factor: %d}\n", 1+rng.IntN(3000), 2+rng.IntN(8))
	}
	fmt.Fprintf(&b, "budget: {p99_overhead_pct: %d}\n", 1+rng.IntN(50))
	b.WriteString("variants:\n  - {name: none, kind: none}\n")
	for i := range 1 + rng.IntN(6) {
		switch k := rng.IntN(4); k {
		case 0:
			fmt.Fprintf(&b, "  - {name: v%d, kind: sync}\n", i)
		default:
			kind := "batch"
			if k == 3 {
				kind = "sampled"
			}
			fmt.Fprintf(&b, "  - name: v%d\n    kind: %s\n", i, kind)
			if kind == "sampled" {
				fmt.Fprintf(&b, "    sample_ratio: %g\n", float64(1+rng.IntN(100))/100)
			}
			if rng.IntN(2) == 0 {
				q := 1 + rng.IntN(10000)
				fmt.Fprintf(&b, "    queue_size: %d\n", q)
				if rng.IntN(2) == 0 {
					fmt.Fprintf(&b, "    max_export_batch_size: %d\n", 1+rng.IntN(q))
				}
			}
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "    batch_timeout: %dms\n", 1+rng.IntN(10000))
			}
			if rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "    export_timeout: %dms\n", 1+rng.IntN(30000))
			}
			if rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "    exporter_timeout: %dms\n", 1+rng.IntN(30000))
			}
			if rng.IntN(4) == 0 {
				b.WriteString("    blocking: true\n")
			}
		}
	}
	return b.String()
}

// randomSummary makes up measurements for every variant at every rate,
// without files: Advise and Rules read nothing else.
func randomSummary(rng *rand.Rand, p *profile.Profile) *summary.Summary {
	s := &summary.Summary{RunID: "random", Profile: p.Name, Budget: p.Budget.P99OverheadPct, Baseline: "none"}
	for _, v := range p.Variants {
		s.Variants = append(s.Variants, summary.VariantInfo{Name: v.Name, Kind: v.Kind, Settings: v.Settings(), SpansPerRequest: v.SpansPerRequest(p.Workload), Language: summary.LanguageGo})
	}
	ms := func(max int) time.Duration { return time.Duration(rng.IntN(max*1000)) * time.Microsecond }
	rates := slices.Clone(p.Rates)
	slices.Sort(rates)
	for _, rate := range slices.Compact(rates) {
		rs := summary.RateSummary{Rate: rate}
		for _, v := range p.Variants {
			r := summary.Row{Variant: v.Name, Kind: v.Kind, Baseline: v.Name == "none", Reps: 2,
				RequestedRate: float64(rate), AchievedRate: float64(rate) * (0.9 + rng.Float64()/5),
				Requests: 1000, CPUPerRequest: ms(1), P99OverheadPct: rng.Float64()*100 - 20}
			r.Latency.Mean, r.Latency.P99 = ms(10), ms(100)
			r.PerRep = summary.RepValues{P50: []float64{rng.Float64(), rng.Float64()}, P99: []float64{rng.Float64(), rng.Float64()},
				CPUPerReq: []float64{rng.Float64(), rng.Float64()}}
			if v.Kind != profile.KindNone {
				r.Spans.PerRequest = v.SpansPerRequest(p.Workload)
				r.Spans.Ended = 1000
				if rng.IntN(3) == 0 {
					r.Spans.Lost = int64(rng.IntN(1000))
				}
				if rng.IntN(5) > 0 {
					r.Blocking.ExportMean = ms([]int{1, 10, 100, 3000}[rng.IntN(4)])
				}
				r.Blocking.OnEndMax = ms(1000)
				r.Spans.SampledShare = rng.Float64()
			}
			rs.Rows = append(rs.Rows, r)
			if v.Kind != profile.KindNone {
				s.Accounting = append(s.Accounting, summary.Account{Variant: v.Name, Kind: v.Kind, Rate: rate, Rep: 1,
					Ended: 1000, Dropped: int64(rng.IntN(100)), Failed: int64(rng.IntN(100)),
					FailedByCode: map[string]int64{"Unavailable": int64(rng.IntN(3))}})
			}
		}
		s.Rates = append(s.Rates, rs)
	}
	return s
}
