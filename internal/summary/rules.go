package summary

import (
	"fmt"
	"slices"
	"strings"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/stats"
)

// The popular rules of thumb Rules judges, as they are usually quoted.
const (
	RuleQueue         = "max queue size = 2× peak concurrent requests"
	RuleDelay         = "schedule delay 2000–5000 ms amortises I/O"
	RuleExportTimeout = "export timeout 5000 ms so retries cannot block"
	RuleSync          = "SimpleSpanProcessor stalls under load"
	RuleSampling      = "10% parent-based sampling cuts overhead"
)

// The verdicts of a RuleVerdict.
const (
	VerdictHolds    = "holds"
	VerdictFails    = "does not hold"
	VerdictPartly   = "partly"
	VerdictUntested = "not tested by this run"
)

// RuleMinEffectPct is the smallest change, in percent of the median, that
// counts as a difference when there are too few repetitions for a test of
// significance (fewer than 5 a side: 3 against 3 can never reach p < 0.05).
// The repetitions' ranges must then not overlap either.
const RuleMinEffectPct = 3.0

// RuleVerdict is what one run's measurements, and package model where they
// need it, say of a rule of thumb.
type RuleVerdict struct {
	Rule string `json:"rule"`
	// Verdict is VerdictHolds, VerdictFails, VerdictPartly or
	// VerdictUntested.
	Verdict string `json:"verdict"`
	// Evidence gives the numbers behind the verdict, or, when the run has
	// none, what a run needs to test the rule.
	Evidence string `json:"evidence"`
	// Applies says the run has the variants the rule needs.
	Applies bool `json:"applies"`
}

// Rules judges the rules of thumb against the run summarised in s, whose
// profile is p. Every rule is listed; those the run cannot test have
// Applies false.
func Rules(s *Summary, p *profile.Profile) []RuleVerdict {
	return []RuleVerdict{
		queueRule(s, p),
		delayRule(s, p),
		exportTimeoutRule(s, p),
		syncRule(s, p),
		samplingRule(s, p),
	}
}

// untested is the verdict of a rule the run has no evidence for.
func untested(rule, needs string) RuleVerdict {
	return RuleVerdict{Rule: rule, Verdict: VerdictUntested, Evidence: "needs " + needs}
}

// tally turns per-rate outcomes into a verdict: every rate holds, none
// does, or some.
func tally(holds []bool) string {
	n := 0
	for _, h := range holds {
		if h {
			n++
		}
	}
	switch {
	case len(holds) == 0:
		return VerdictUntested
	case n == len(holds):
		return VerdictHolds
	case n == 0:
		return VerdictFails
	}
	return VerdictPartly
}

// change compares per-repetition values x with y: the change of the
// medians in percent, whether it counts (significant, or with too few
// repetitions for that, beyond RuleMinEffectPct with the repetitions'
// ranges apart), and how that was decided, for the evidence.
func change(x, y []float64) (pct float64, counts bool, how string) {
	d := NewDelta(x, y)
	if !d.Valid {
		return 0, false, "not measured"
	}
	if d.Significant {
		return d.Pct, true, fmt.Sprintf("p=%.3f", d.P)
	}
	if d.N >= 5 && d.BaseN >= 5 {
		return d.Pct, false, fmt.Sprintf("not significant, p=%.2f", d.P)
	}
	xl, xh := stats.MinMax(x)
	yl, yh := stats.MinMax(y)
	apart := xh < yl || yh < xl
	switch {
	case apart && abs64(d.Pct) >= RuleMinEffectPct:
		return d.Pct, true, fmt.Sprintf("%d and %d repetitions, ranges apart", d.N, d.BaseN)
	case apart:
		return d.Pct, false, fmt.Sprintf("below %.0f%%", RuleMinEffectPct)
	}
	return d.Pct, false, fmt.Sprintf("%d and %d repetitions, ranges overlap", d.N, d.BaseN)
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// syncRule: the synchronous processor against a batch one at each rate.
// It stalls where it does not reach the requested rate or fails requests;
// it only slows where it keeps the rate but exceeds the p99 budget.
func syncRule(s *Summary, p *profile.Profile) RuleVerdict {
	const needs = "a sync variant and a batch variant measured at the same rate"
	syncV, batchV, ok := pickPair(p, profile.KindSync, profile.KindBatch)
	if !ok {
		return untested(RuleSync, needs)
	}
	var holds []bool
	var ev []string
	partly := false
	for _, rs := range s.Rates {
		sr, br := rowAt(s, syncV.Name, rs.Rate), rowAt(s, batchV.Name, rs.Rate)
		if sr == nil || br == nil {
			continue
		}
		stalls := sr.AchievedRate < RateShortfall*sr.RequestedRate || sr.Errors > 0
		slows := sr.P99OverheadPct > p.Budget.P99OverheadPct
		what := "kept up"
		switch {
		case stalls:
			what = "stalled"
		case slows:
			what = "kept the rate but not the latency"
			partly = true
		}
		e := fmt.Sprintf("at %d/s %s %s: it sent %.0f/s, %d of %d requests failed, p99 %s (%+.1f%%) against %s (%+.1f%%) for %s",
			rs.Rate, syncV.Name, what, sr.AchievedRate, sr.Errors, sr.Requests, roundDur(sr.Latency.P99), sr.P99OverheadPct,
			roundDur(br.Latency.P99), br.P99OverheadPct, batchV.Name)
		b := sr.Blocking
		if b.LockWait > 0 {
			e += fmt.Sprintf("; each span waited %s on the processor's lock behind other requests' exports", roundDur(b.LockWait))
		}
		if per := float64(sr.Spans.PerRequest); per > 0 && b.ExportMean > 0 {
			e += fmt.Sprintf("; one export took %s on average, which caps it at 1/(%g × %s) = %.0f requests/s", roundDur(b.ExportMean), per, roundDur(b.ExportMean), 1/(per*b.ExportMean.Seconds()))
		}
		holds = append(holds, stalls)
		ev = append(ev, e)
	}
	if len(ev) == 0 {
		return untested(RuleSync, needs)
	}
	v := RuleVerdict{Rule: RuleSync, Applies: true, Evidence: strings.Join(ev, "; ")}
	switch {
	case holds[len(holds)-1]: // stalls at the highest rate: "under load"
		v.Verdict = VerdictHolds
		if !holds[0] {
			v.Evidence += "; so it holds under load, not below it"
		}
	case partly:
		v.Verdict = VerdictPartly
	default:
		v.Verdict = VerdictFails
	}
	return v
}

// pickPair returns a variant of kind a and one of kind b, preferring for b
// the SDK's defaults, then the first.
func pickPair(p *profile.Profile, a, b profile.Kind) (profile.Variant, profile.Variant, bool) {
	var va, vb *profile.Variant
	for i := range p.Variants {
		v := &p.Variants[i]
		switch {
		case v.Kind == a && va == nil:
			va = v
		case v.Kind == b && (vb == nil || isDefaultBatch(*v) && !isDefaultBatch(*vb)):
			vb = v
		}
	}
	if va == nil || vb == nil {
		return profile.Variant{}, profile.Variant{}, false
	}
	return *va, *vb, true
}

func isDefaultBatch(v profile.Variant) bool {
	return v.Kind == profile.KindBatch && setupOf(v) == setupOf(profile.Variant{Kind: profile.KindBatch})
}

// samplingRule: a sampled variant against the batch variant with the same
// settings. It cuts overhead where its CPU per request is clearly lower.
func samplingRule(s *Summary, p *profile.Profile) RuleVerdict {
	const needs = "a sampled variant and a batch variant with the same settings"
	for _, sv := range p.Variants {
		if sv.Kind != profile.KindSampled {
			continue
		}
		bv, ok := findTwin(p, sv, func(u *profile.Variant) {
			if u.Kind == profile.KindBatch {
				u.Kind, u.SampleRatio = profile.KindSampled, sv.SampleRatio
			}
		})
		if !ok {
			continue
		}
		var holds []bool
		var ev []string
		for _, rs := range s.Rates {
			sr, br := rowAt(s, sv.Name, rs.Rate), rowAt(s, bv.Name, rs.Rate)
			if sr == nil || br == nil {
				continue
			}
			cpu, cpuCounts, cpuHow := change(sr.PerRep.CPUPerReq, br.PerRep.CPUPerReq)
			p99, p99Counts, p99How := change(sr.PerRep.P99, br.PerRep.P99)
			e := fmt.Sprintf("at %d/s %s (kept %.1f%% of traces) used %s CPU per request against %s for %s, %+.1f%% (%s)",
				rs.Rate, sv.Name, 100*sr.Spans.SampledShare, roundDur(sr.CPUPerRequest), roundDur(br.CPUPerRequest), bv.Name, cpu, cpuHow)
			if base := baselineAt(s, rs.Rate); base != nil && br.CPUPerRequest > base.CPUPerRequest {
				over := br.CPUPerRequest - base.CPUPerRequest
				e += fmt.Sprintf(", %.0f%% of the %s tracing added", 100*float64(br.CPUPerRequest-sr.CPUPerRequest)/float64(over), roundDur(over))
			}
			e += fmt.Sprintf("; p99 overhead %+.1f%% against %+.1f%% (p99 %+.1f%%, %s)", sr.P99OverheadPct, br.P99OverheadPct, p99, p99How)
			if p99Counts && p99 > 0 {
				e += ", higher"
			}
			holds = append(holds, cpuCounts && cpu < 0)
			ev = append(ev, e)
		}
		if len(ev) == 0 {
			continue
		}
		if r := sv.SampleRatio; r != nil && *r != 0.1 {
			ev = append([]string{fmt.Sprintf("measured with a ratio of %g, not 10%%", *r)}, ev...)
		}
		ev = append(ev, "unsampled spans are still started and ended, and otelhttp still builds its attributes: sampling removes only the export's share")
		return RuleVerdict{Rule: RuleSampling, Verdict: tally(holds), Evidence: strings.Join(ev, "; "), Applies: true}
	}
	return untested(RuleSampling, needs)
}

// twinsBy groups the batch variants of p whose setups are equal once key
// has cleared the options allowed to differ; it returns the groups of two or
// more, in profile order.
func twinsBy(p *profile.Profile, clear func(u *profile.Variant)) [][]profile.Variant {
	var keys []setup
	groups := map[setup][]profile.Variant{}
	for _, v := range p.Variants {
		if v.Kind != profile.KindBatch {
			continue
		}
		c := v
		clear(&c)
		k := setupOf(c)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], v)
	}
	var out [][]profile.Variant
	for _, k := range keys {
		if len(groups[k]) > 1 {
			out = append(out, slices.Clone(groups[k]))
		}
	}
	return out
}
