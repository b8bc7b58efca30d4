package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/summary"
)

// sampleRules are verdicts of every kind, one rule the run cannot test.
var sampleRules = []summary.RuleVerdict{
	{Rule: summary.RuleSync, Verdict: summary.VerdictHolds, Applies: true,
		Evidence: "at 2000/s sync stalled: it sent 114/s; one export took 6.2ms on average, which caps it at 1/(2 × 6.2ms) = 81 requests/s"},
	{Rule: summary.RuleDelay, Verdict: summary.VerdictFails, Applies: true,
		Evidence: "at 500/s CPU per request was 313µs with a 200ms delay (batch-d200ms), 339µs with 5s (batch, +8.2%: 2 and 2 repetitions, ranges overlap)"},
	{Rule: summary.RuleSampling, Verdict: summary.VerdictPartly, Applies: true,
		Evidence: "at 2000/s sampled-10 (kept 9.9% of traces) used 147µs CPU per request against 190µs for batch, -22.8% (2 and 2 repetitions, ranges apart) | a pipe"},
	{Rule: summary.RuleExportTimeout, Verdict: summary.VerdictUntested,
		Evidence: "needs a sink outage or black hole and batch variants that differ only in export_timeout or exporter_timeout"},
}

// TestRulesSection renders the section in both formats: applicable
// verdicts with their evidence, the untested rules named once.
func TestRulesSection(t *testing.T) {
	for _, f := range []struct {
		ext string
		r   func(*bytes.Buffer) renderer
	}{
		{"txt", func(b *bytes.Buffer) renderer { return &textRenderer{w: b} }},
		{"md", func(b *bytes.Buffer) renderer { return &markdownRenderer{w: b} }},
	} {
		t.Run(f.ext, func(t *testing.T) {
			var b bytes.Buffer
			r := f.r(&b)
			rulesOfThumb(r, &summary.Summary{Rules: sampleRules})
			if err := r.err(); err != nil {
				t.Fatal(err)
			}
			golden(t, "rules.golden."+f.ext, b.Bytes())
		})
	}
}

// TestRulesSectionOmitted checks that a run that tests no rule has no
// section at all.
func TestRulesSectionOmitted(t *testing.T) {
	var b bytes.Buffer
	rulesOfThumb(&textRenderer{w: &b}, &summary.Summary{Rules: sampleRules[3:]})
	if b.Len() != 0 {
		t.Errorf("wrote %q for a run that tests no rule", b.String())
	}
}

// TestRulesInReport checks that the section sits in the report, before the
// recommendation.
func TestRulesInReport(t *testing.T) {
	s := sampleSummary(t)
	s.Rules = sampleRules
	var b bytes.Buffer
	if err := Text(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i, j := strings.Index(out, "\nRules of thumb\n"), strings.Index(out, "\nRecommendation\n")
	if i < 0 || j < i {
		t.Errorf("rules of thumb at %d, recommendation at %d:\n%s", i, j, out)
	}
}
