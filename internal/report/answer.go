package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// answer is the report's opening: the settings to use, what tracing cost
// with them at each rate, and whether that meets the budgets.
func answer(d *doc, a advise.Advice) {
	sec := d.newSection(secAnswer, "Answer")
	if !a.Measured {
		text := "No settings: nothing instrumented was measured in this run (n/a), so there is nothing to recommend from. Run it to the end, or see why its cells failed."
		if hasNote(a, advise.NoteLoadOnly) {
			text = "No settings: this run holds the load generator's view alone (cells merged from shard folders), so the target's CPU, memory and spans were not measured (n/a) and there is nothing to recommend from; its latency and rates below are measured."
		}
		sec.items(item{text: text, warn: true})
		return
	}
	sec.para(answerLead(a))
	sec.code("sh", envText(a.Settings))
	var lines []item
	for _, c := range a.Costs {
		lines = append(lines, item{text: costLine(a, c)})
	}
	lines = append(lines, verdictItem(a))
	if hasNote(a, advise.NoteNotMeasuredAsSuch) {
		lines = append(lines, item{text: fmt.Sprintf("These settings differ from %s's as measured: %s. The costs above are %s's; measure the settings themselves before relying on them (otelbench tune).",
			a.Choice.Variant, differences(a), a.Choice.Variant)})
	}
	if opts := a.CodeOnly; len(opts) > 0 {
		lines = append(lines, item{text: fmt.Sprintf("No variable sets %s: the Go code below does.", strings.Join(opts, " or "))})
	}
	if !a.Sized {
		lines = append(lines, item{text: fmt.Sprintf("Not sized by the model, which is of the Go SDK's batch processor: %s. Give these variables to the service; its SDK reads them.", languageClause(a.Language))})
	}
	sec.items(lines...)
}

// answerLead says what the settings are and where they come from.
func answerLead(a advise.Advice) string {
	ch := a.Choice
	what := "the batch processor"
	if a.Settings.Sampled() {
		what = fmt.Sprintf("the batch processor with %s of traces sampled", pct0(a.Settings.SampleRatio))
	}
	sized, below := ", sized by the model for this run's load,", "the Go code and every reason are below"
	if !a.Sized {
		sized, below = ", as measured,", "every reason is below"
	}
	switch ch.Pool {
	case advise.PoolBest:
		return fmt.Sprintf("No measured variant met the budgets. The closest, %s%s gives these settings (%s); %s:", ch.Variant, sized, what, below)
	case advise.PoolBlocking:
		return fmt.Sprintf("Only %s, measured with blocking, met the budgets; without blocking, which is never advised, its queue may drop spans where it blocked. Its settings%s (%s):", ch.Variant, strings.TrimSuffix(sized, ","), what)
	}
	if !a.Sized {
		return fmt.Sprintf("Use these settings: %s, as measured in %s (every reason is below):", what, ch.Variant)
	}
	return fmt.Sprintf("Use these settings: %s, as measured in %s and sized by the model for this run's load (the Go code and every reason are below):", what, ch.Variant)
}

// envText is the settings as OTEL_* lines.
func envText(t settings.Tracing) string {
	return joinLines(envLines(t.Env()))
}

// costLine is what tracing cost at one rate with the chosen variant.
func costLine(a advise.Advice, c advise.Cost) string {
	lost := fmt.Sprintf("%d of %d spans lost", c.Lost, c.Ended)
	switch {
	case c.LossUnknown != "":
		lost = "loss n/a (" + lossUnknownText(c.LossUnknown) + "; the loss budget was not judged)"
	case c.Lost < 0:
		lost = fmt.Sprintf("%d more spans received than ended", -c.Lost)
	}
	if a.Settings.Sampled() {
		lost += fmt.Sprintf(" (%.1f%% of traces kept)", 100*c.Sampled)
	}
	return fmt.Sprintf("At %d requests/s, %s used %s of CPU per request against %s: %s; p50 %s; p99 %s; %s.",
		c.Rate, a.Choice.Variant, dur(c.CPU), dur(c.BaseCPU), answerDelta(c.CPUDelta), answerDelta(c.P50Delta), answerDelta(c.P99Delta), lost)
}

// answerDelta writes a change for the answer: with its interval when it is
// significant, with "not significant" and the p-value when it is not.
func answerDelta(d summary.Delta) string {
	switch {
	case !d.Valid:
		return "n/a (not measured on both sides)"
	case !d.Significant:
		return fmt.Sprintf("%+.1f%% (not significant, p=%.2f with %d+%d repetitions)", d.Pct, d.P, d.N, d.BaseN)
	}
	return fmt.Sprintf("%+.1f%% [%+.1f, %+.1f] (p=%.3f)", d.Pct, d.Low, d.High, d.P)
}

// verdictItem says whether the chosen variant met the budgets, and what
// the run's noise floor says of the p99 budget.
func verdictItem(a advise.Advice) item {
	b := a.Budgets
	budgets := fmt.Sprintf("p99 change within %s%s", pctNum(b.P99OverheadPct), lossBudget(b))
	if a.Verdict.Within {
		return item{text: fmt.Sprintf("Within the budgets (%s) at every rate.%s", budgets, floorText(a))}
	}
	var misses []string
	for _, m := range a.Verdict.Misses {
		misses = append(misses, missText(m))
	}
	return item{warn: true, text: fmt.Sprintf("Not within the budgets (%s): %s.%s", budgets, strings.Join(misses, "; "), floorText(a))}
}

func lossBudget(b advise.Budgets) string {
	s := ", no span lost"
	if b.LossPct > 0 {
		s = fmt.Sprintf(", at most %s of spans lost", pctNum(b.LossPct))
	}
	if b.MemoryMiB > 0 {
		s += fmt.Sprintf(", at most %.0f MiB more memory", b.MemoryMiB)
	}
	return s
}

// floorText sets the run's noise floor beside the p99 budget.
func floorText(a advise.Advice) string {
	var parts []string
	below := false
	known := false
	for _, f := range a.Verdict.Floors {
		if f.Control == "" {
			continue
		}
		known = true
		parts = append(parts, fmt.Sprintf("±%.1f%% at %d/s", f.P99Pct, f.Rate))
		below = below || f.BudgetBelow
	}
	switch {
	case !known:
		return " The run's noise floor is unknown: the profile has no A/A control (a second variant of kind none)."
	case below:
		return fmt.Sprintf(" This run's noise floor for the p99 (its A/A control, nothing changed) reaches %s: the %s budget is below it there, so this run cannot tell whether it is met.",
			strings.Join(parts, ", "), pctNum(a.Budgets.P99OverheadPct))
	}
	return fmt.Sprintf(" This run's noise floor for the p99 (its A/A control) reaches %s, below the budget.", strings.Join(parts, ", "))
}

// missText says which budget a variant missed, where, and by how much.
func missText(m advise.Miss) string {
	at := ""
	if m.Rate > 0 {
		at = fmt.Sprintf(" at %d/s", m.Rate)
	}
	switch m.Kind {
	case advise.MissNotMeasured:
		return "not measured" + at
	case advise.MissTargetFailed:
		return fmt.Sprintf("the target failed in %d repetition(s)%s", m.N, at)
	case advise.MissNoBaseline:
		return "no overhead known" + at + ": the baseline was not measured"
	case advise.MissLoss:
		if m.N < 0 {
			return fmt.Sprintf("the sink received %d more spans than ended%s", -m.N, at)
		}
		return fmt.Sprintf("lost %d of %d spans (%.2f%%, budget %s)%s", m.N, m.Of, m.Value, pctNum(m.Limit), at)
	case advise.MissTracesMissing:
		return fmt.Sprintf("trace matching finds %d spans missing%s", m.N, at)
	case advise.MissRequestsFailed:
		return fmt.Sprintf("%d of %d requests failed%s", m.N, m.Of, at)
	case advise.MissRateNotReached:
		return fmt.Sprintf("the rate was not reached%s (%.0f/s)", at, m.Value)
	case advise.MissP99:
		return fmt.Sprintf("p99 %+.1f%%%s, %.1f points over the %s budget", m.Value, at, m.Over(), pctNum(m.Limit))
	case advise.MissMemory:
		return fmt.Sprintf("%.1f MiB more memory%s, %.1f over the %.0f MiB budget", m.Value, at, m.Over(), m.Limit)
	}
	return string(m.Kind) + at
}

// differences names the settings the sizing changed from the measured
// variant's.
func differences(a advise.Advice) string {
	var measured settings.Tracing
	for _, c := range a.Candidates {
		if c.Variant == a.Choice.Variant {
			measured = c.Settings
		}
	}
	m, s := measured.Batch, a.Settings.Batch
	var out []string
	if m.QueueSize != s.QueueSize {
		out = append(out, fmt.Sprintf("queue %d (measured %d)", s.QueueSize, m.QueueSize))
	}
	if m.MaxExportBatchSize != s.MaxExportBatchSize {
		out = append(out, fmt.Sprintf("batch %d (measured %d)", s.MaxExportBatchSize, m.MaxExportBatchSize))
	}
	if m.BatchTimeout != s.BatchTimeout {
		out = append(out, fmt.Sprintf("delay %s (measured %s)", dur(s.BatchTimeout), dur(m.BatchTimeout)))
	}
	if m.ExportTimeout != s.ExportTimeout {
		out = append(out, fmt.Sprintf("export timeout %s (measured %s)", dur(s.ExportTimeout), dur(m.ExportTimeout)))
	}
	if measured.Exporter.Timeout != a.Settings.Exporter.Timeout {
		out = append(out, fmt.Sprintf("exporter timeout %s (measured %s)", dur(a.Settings.Exporter.Timeout), dur(measured.Exporter.Timeout)))
	}
	return strings.Join(out, ", ")
}

func hasNote(a advise.Advice, k advise.NoteKind) bool {
	for _, n := range a.Notes {
		if n.Kind == k {
			return true
		}
	}
	return false
}

// pctNum writes a budget in percent as short as it is exact.
func pctNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) + "%" }

// pct0 writes a share as a whole percentage when it is one.
func pct0(x float64) string { return pctNum(100 * x) }
