package rules

import (
	"slices"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/stats"
	"github.com/otelbench/otelbench/internal/summary"
)

// Rule names a rule of thumb.
type Rule string

// The rules, as they are usually quoted.
const (
	RuleQueue         Rule = "max queue size = 2× peak concurrent requests"
	RuleDelay         Rule = "schedule delay 2000–5000 ms amortises I/O"
	RuleExportTimeout Rule = "export timeout 5000 ms so retries cannot block"
	RuleSync          Rule = "SimpleSpanProcessor stalls under load"
	RuleSampling      Rule = "10% parent-based sampling cuts overhead"
)

// Outcome is a rule's verdict.
type Outcome string

// The outcomes.
const (
	Holds    Outcome = "holds"
	Fails    Outcome = "does not hold"
	Partly   Outcome = "partly"
	Untested Outcome = "not tested by this run"
)

// MinEffectPct is the smallest change, in percent of the median, that
// counts as a difference when there are too few repetitions for a test of
// significance (fewer than 5 a side: 3 against 3 can never reach p < 0.05)
// but at least 2 a side. The repetitions' ranges must then not overlap
// either. With a single repetition a side nothing counts.
const MinEffectPct = 3.0

// Verdict is what one run says of a rule.
type Verdict struct {
	Rule    Rule    `json:"rule"`
	Outcome Outcome `json:"verdict"`
	// Applies says the run has the variants the rule needs.
	Applies bool `json:"applies"`
	// Evidence is the rule's evidence type (QueueEvidence, DelayEvidence,
	// ExportTimeoutEvidence, SyncEvidence or SamplingEvidence); nil when
	// the rule is untested.
	Evidence any `json:"evidence,omitempty"`
}

// Judge judges every rule against the run summarised in s, whose profile
// is p, in the order of the constants above.
func Judge(s *summary.Summary, p *profile.Profile) []Verdict {
	return []Verdict{
		queueRule(s, p),
		delayRule(s),
		exportTimeoutRule(s, p),
		syncRule(s),
		samplingRule(s),
	}
}

// untested is the verdict of a rule the run has no evidence for.
func untested(r Rule) Verdict { return Verdict{Rule: r, Outcome: Untested} }

// tally turns per-rate outcomes into a verdict: every rate holds, none
// does, or some.
func tally(holds []bool) Outcome {
	n := 0
	for _, h := range holds {
		if h {
			n++
		}
	}
	switch {
	case len(holds) == 0:
		return Untested
	case n == len(holds):
		return Holds
	case n == 0:
		return Fails
	}
	return Partly
}

// Change is how one measurement compared with another, per repetition.
type Change struct {
	// Pct is the change of the medians in percent.
	Pct float64 `json:"pct"`
	// Counts says the change is real: significant, or with 2–4
	// repetitions a side beyond MinEffectPct with the ranges apart.
	Counts bool `json:"counts"`
	// How says how that was decided.
	How ChangeHow `json:"how"`
	// P is the Mann–Whitney p-value; N and BaseN the repetitions compared.
	P     float64 `json:"p"`
	N     int     `json:"n"`
	BaseN int     `json:"base_n"`
}

// ChangeHow says how a Change was decided.
type ChangeHow string

// How changes are decided.
const (
	HowSignificant    ChangeHow = "significant"
	HowNotSignificant ChangeHow = "not-significant"
	HowRangesApart    ChangeHow = "ranges-apart"
	HowBelowMinimum   ChangeHow = "below-minimum"
	HowRangesOverlap  ChangeHow = "ranges-overlap"
	HowTooFew         ChangeHow = "too-few-repetitions"
	HowNotMeasured    ChangeHow = "not-measured"
)

// change compares per-repetition values x with y.
func change(x, y []float64) Change {
	d := summary.NewDelta(x, y)
	c := Change{Pct: d.Pct, P: d.P, N: d.N, BaseN: d.BaseN}
	switch {
	case !d.Valid:
		c.Pct, c.How = 0, HowNotMeasured
	case d.Significant:
		c.Counts, c.How = true, HowSignificant
	case d.N >= 5 && d.BaseN >= 5:
		c.How = HowNotSignificant
	case d.N < 2 || d.BaseN < 2:
		c.How = HowTooFew
	default:
		xl, xh := stats.MinMax(x)
		yl, yh := stats.MinMax(y)
		apart := xh < yl || yh < xl
		switch {
		case apart && abs(d.Pct) >= MinEffectPct:
			c.Counts, c.How = true, HowRangesApart
		case apart:
			c.How = HowBelowMinimum
		default:
			c.How = HowRangesOverlap
		}
	}
	return c
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// pickPair returns a variant of kind a and one of kind b, preferring for b
// the SDK's defaults, then the first.
func pickPair(s *summary.Summary, a, b profile.Kind) (summary.VariantInfo, summary.VariantInfo, bool) {
	var va, vb *summary.VariantInfo
	for i := range s.Variants {
		v := &s.Variants[i]
		switch {
		case v.Kind == a && va == nil:
			va = v
		case v.Kind == b && (vb == nil || isDefaultBatch(*v) && !isDefaultBatch(*vb)):
			vb = v
		}
	}
	if va == nil || vb == nil {
		return summary.VariantInfo{}, summary.VariantInfo{}, false
	}
	return *va, *vb, true
}

func isDefaultBatch(v summary.VariantInfo) bool {
	return v.Kind == profile.KindBatch && v.Settings.Batch.IsDefault() && !v.Observability
}

// twinsBy groups the batch variants of s whose settings are equal once
// clear has cleared the ones allowed to differ; it returns the groups of
// two or more, in profile order.
func twinsBy(s *summary.Summary, clear func(v *summary.VariantInfo)) [][]summary.VariantInfo {
	type key struct {
		kind           profile.Kind
		settings       settings.Tracing
		otel, otelhttp string
		obs            bool
	}
	var keys []key
	groups := map[key][]summary.VariantInfo{}
	for _, v := range s.Variants {
		if v.Kind != profile.KindBatch {
			continue
		}
		c := v
		clear(&c)
		// Builds of other SDK releases are not twins: a release changes
		// what the settings cost.
		k := key{c.Kind, c.Settings, c.Otel, c.Otelhttp, c.Observability}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], v)
	}
	var out [][]summary.VariantInfo
	for _, k := range keys {
		if len(groups[k]) > 1 {
			out = append(out, slices.Clone(groups[k]))
		}
	}
	return out
}
