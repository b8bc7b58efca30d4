package rules

import (
	"cmp"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// RuleExportBound is the export timeout the rule names.
const RuleExportBound = 5 * time.Second

// ExportTimeoutEvidence is batch variants that differ only in their export
// bound, during the sink's outages or black holes.
type ExportTimeoutEvidence struct {
	// Window is the sink's longest outage or black hole.
	Window time.Duration `json:"window_ns"`
	// Variant is the one whose bound is nearest the rule's 5 s.
	Variant string                `json:"variant"`
	Rates   []ExportTimeoutAtRate `json:"rates"`
	// RetryLow and RetryHigh bound the exporter's first retry (its 5 s
	// default, randomised), which rarely fits within the bound.
	RetryLow  time.Duration `json:"retry_low_ns"`
	RetryHigh time.Duration `json:"retry_high_ns"`
}

// ExportTimeoutAtRate is the variants at one rate.
type ExportTimeoutAtRate struct {
	Rate int `json:"rate"`
	// Rule is the rule's variant; Arrivals the spans that arrive during
	// one stuck export of its bound, against its Queue.
	Rule     FaultOutcome `json:"rule"`
	Arrivals float64      `json:"arrivals"`
	Queue    int          `json:"queue"`
	// Shorter are the variants with a shorter bound.
	Shorter []FaultOutcome `json:"shorter,omitempty"`
}

// FaultOutcome is what one variant lost during the faults at one rate.
type FaultOutcome struct {
	Variant string        `json:"variant"`
	Bound   time.Duration `json:"bound_ns"`
	Lost    int64         `json:"lost"`
	Ended   int64         `json:"ended"`
	Dropped int64         `json:"dropped"`
	Failed  int64         `json:"failed"`
	// Recovered says the timeline measured when spans came back, SpansBack
	// after how long (−1: not before the attack ended).
	Recovered bool          `json:"recovered"`
	SpansBack time.Duration `json:"spans_back_ns"`
	// ExportMean and P99Pct are the row's; Measured says the row exists.
	ExportMean time.Duration `json:"export_mean_ns"`
	P99Pct     float64       `json:"p99_pct"`
	Measured   bool          `json:"measured"`
}

// exportTimeoutRule: a run with sink outages or black holes and batch
// variants that differ only in their export bound (the processor's export
// timeout or the exporter's). The variant closest to 5 s holds the rule
// where it lost no span, fails it where it lost more than a shorter bound.
func exportTimeoutRule(s *summary.Summary, p *profile.Profile) Verdict {
	o := p.LongestFaultWindow()
	if o <= 0 {
		return untested(RuleExportTimeout)
	}
	bound := func(v summary.VariantInfo) time.Duration { return v.Settings.ExportBound() }
	for _, g := range twinsBy(s, func(v *summary.VariantInfo) {
		v.Settings.Batch.ExportTimeout, v.Settings.Exporter.Timeout = 0, 0
	}) {
		slices.SortStableFunc(g, func(a, b summary.VariantInfo) int { return cmp.Compare(bound(a), bound(b)) })
		if bound(g[0]) == bound(g[len(g)-1]) {
			continue
		}
		rule := g[0]
		for _, v := range g {
			if absDur(bound(v)-RuleExportBound) < absDur(bound(rule)-RuleExportBound) {
				rule = v
			}
		}
		e := ExportTimeoutEvidence{Window: o, Variant: rule.Name,
			RetryLow: settings.DefaultRetryInitialInterval / 2, RetryHigh: settings.DefaultRetryInitialInterval * 3 / 2}
		var holds []bool
		partly := false
		for _, rs := range s.Rates {
			tr, ok := faultOutcome(s, rule, rs.Rate)
			if !ok {
				continue
			}
			at := ExportTimeoutAtRate{Rate: rs.Rate, Rule: tr, Queue: rule.Settings.Batch.QueueSize,
				Arrivals: float64(rs.Rate) * float64(rule.SpansPerRequest) * bound(rule).Seconds()}
			lessLost := false
			for _, v := range g {
				if v.Name == rule.Name || bound(v) >= bound(rule) {
					continue
				}
				if tv, ok := faultOutcome(s, v, rs.Rate); ok {
					at.Shorter = append(at.Shorter, tv)
					lessLost = lessLost || tv.Lost < tr.Lost
				}
			}
			switch {
			case tr.Lost == 0:
				holds = append(holds, true)
			case lessLost:
				holds = append(holds, false)
			default:
				holds = append(holds, false)
				partly = true
			}
			e.Rates = append(e.Rates, at)
		}
		if len(e.Rates) == 0 {
			continue
		}
		v := Verdict{Rule: RuleExportTimeout, Outcome: tally(holds), Applies: true, Evidence: e}
		if v.Outcome == Fails && partly {
			v.Outcome = Partly
		}
		return v
	}
	return untested(RuleExportTimeout)
}

// faultOutcome adds up what a variant's cells lost at a rate.
func faultOutcome(s *summary.Summary, v summary.VariantInfo, rate int) (FaultOutcome, bool) {
	t := s.FaultTotals(v.Name, rate)
	f := FaultOutcome{Variant: v.Name, Bound: v.Settings.ExportBound(), Lost: t.Lost, Ended: t.Ended, Dropped: t.Dropped, Failed: t.Failed,
		Recovered: t.Recovered, SpansBack: t.SpansBack}
	if r := s.Row(v.Name, rate); r != nil {
		f.ExportMean, f.P99Pct, f.Measured = r.Blocking.ExportMean, r.P99OverheadPct, true
	}
	return f, t.Cells > 0
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
