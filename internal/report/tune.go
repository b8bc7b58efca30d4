package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/tune"
)

// Tune writes a tune result for a person: the candidates the sizing
// proposed, how each measured, the choice and its confirmation, and the
// settings as Go and variables only when they were confirmed.
func Tune(w io.Writer, dir string, r *tune.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "otelbench tune: %d requests/s, %d spans per request", r.Spec.PeakRate, r.SpansPerRequest)
	if r.Measured {
		b.WriteString(" (measured)")
	}
	fmt.Fprintf(&b, ", collector %v per export", r.Spec.Latency)
	if r.Spec.LatencyP99 > r.Spec.Latency {
		fmt.Fprintf(&b, " (p99 %v)", r.Spec.LatencyP99)
	}
	fmt.Fprintf(&b, "; results in %s\n\n", dir)
	if r.Grid {
		fmt.Fprintf(&b, "The model is of the Go SDK's batch processor and %s: not sized, a small grid around the defaults measured instead.\n\n", languageClause(r.Language))
		b.WriteString("Candidates (the SDK's defaults first, then a larger queue and a shorter delay):\n")
	} else {
		b.WriteString("Candidates (the SDK's defaults first, then the model's sizing):\n")
	}
	for _, c := range r.Plan {
		s := c.Settings
		fmt.Fprintf(&b, "  %-22s queue %d, batch %d, delay %v, export timeout %v, exporter timeout %v (%s)\n", c.Name, s.Batch.QueueSize,
			s.Batch.MaxExportBatchSize, s.Batch.BatchTimeout, s.Batch.ExportTimeout, s.Exporter.Timeout, candidateFrom(c.From))
	}
	if len(r.Verdicts) > 0 {
		fmt.Fprintf(&b, "\nMeasured (%s):\n", r.SearchRun)
		for _, v := range r.Verdicts {
			fmt.Fprintf(&b, "  %-22s loss %.2f%%, p99 %+.1f%%, memory %+.1f MiB: %s\n", v.Variant, v.LossPct, v.WorstP99Pct, v.MemoryMiB, candidateState(v))
		}
	}
	if r.Chosen == nil {
		b.WriteString("\nNo candidate met the budgets. To get a recommendation:\n")
		for _, x := range r.Relax {
			fmt.Fprintf(&b, "  - %s\n", relaxText(x))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	label := "Chosen"
	if r.Confirm != nil && !r.Confirmed {
		label = "Best unconfirmed"
	}
	fmt.Fprintf(&b, "\n%s: %s.", label, r.Chosen.Name)
	for _, c := range r.Choice.Against {
		fmt.Fprintf(&b, " Over %s: %s.", c.Other, comparisonText(c, r.Chosen.Name))
	}
	b.WriteString("\n")
	if c := r.Confirm; c != nil {
		fmt.Fprintf(&b, "Confirmation (%s, %d repetitions): loss %.2f%%, memory %+.1f MiB, %s: %s.\n", r.ConfirmRun, tune.ConfirmReps, c.LossPct, c.MemoryMiB,
			confirmP99(r.Confirmation, *c), confirmVerdict(r, *c))
	}
	kind := "sized by the model"
	if r.Grid {
		kind = "measured on a grid"
	}
	fmt.Fprintf(&b, "\nNever sync (every request waits for every export), never a zero batch timeout (the worker spins a core) or a zero queue (an unbuffered channel): the candidates above are all batch processors %s.\n", kind)
	switch {
	case r.Confirmed && r.Language == "go":
		fmt.Fprintf(&b, "\nAs Go:\n%s\nAs standard environment variables:\n%s", indentLines(r.Chosen.Settings.Go()), indentLines(envBlock(r.Chosen.Settings)))
	case r.Confirmed:
		fmt.Fprintf(&b, "\nAs standard environment variables (the service's SDK reads them):\n%s", indentLines(envLinesText(r.Chosen.Settings)))
	default:
		b.WriteString("\nNot confirmed, so not a recommendation: measure again (a longer -duration narrows the noise), or relax the budget that failed.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// confirmP99 is the confirmation's p99 change with the interval of its
// repetitions against the budget.
func confirmP99(c *tune.Confirmation, v advise.Candidate) string {
	if c == nil || c.P99Low == 0 && c.P99High == 0 {
		return fmt.Sprintf("p99 %+.1f%%", v.WorstP99Pct)
	}
	return fmt.Sprintf("p99 %+.1f%% [%+.1f%%, %+.1f%%] against a budget of %.0f%%", c.P99Pct, c.P99Low, c.P99High, c.P99Budget)
}

// confirmVerdict says how the confirmation came out, and why.
func confirmVerdict(r *tune.Result, v advise.Candidate) string {
	c := r.Confirmation
	switch {
	case r.Confirmed && c != nil && c.P99Pct > c.P99Budget:
		return "confirmed within the noise: no span lost, and the p99's interval reaches the budget, so the repetitions cannot tell it from the budget"
	case r.Confirmed:
		return "confirmed: no span lost and every budget met"
	case c != nil && c.Status == tune.InconclusiveStatus:
		return "NOT confirmed: inconclusive, the repetitions could not be compared"
	case c != nil && v.LossPct > 0 && len(c.Misses) == 0:
		return fmt.Sprintf("NOT confirmed: %.3f%% of spans lost", v.LossPct)
	case c != nil:
		var ms []string
		for _, m := range c.Misses {
			ms = append(ms, missText(m))
		}
		return "NOT confirmed: " + strings.Join(ms, "; ")
	}
	return "NOT confirmed: " + candidateState(v)
}

// envLinesText is the settings' variables, one per line.
func envLinesText(t settings.Tracing) string { return joinLines(envLines(t.Env())) }

// candidateState says how a judged candidate fared.
func candidateState(v advise.Candidate) string {
	if v.Qualifies() {
		return "meets the budgets"
	}
	var ms []string
	for _, m := range v.Misses {
		ms = append(ms, missText(m))
	}
	return strings.Join(ms, "; ")
}

func candidateFrom(f tune.CandidateFrom) string {
	switch f {
	case tune.FromDefaults:
		return "the SDK's defaults, the reference"
	case tune.FromSizing:
		return "sized by the model for the stated load"
	case tune.FromDoubleQueue:
		return "the same with twice the queue: room for a collector slower than stated"
	case tune.FromGrid:
		return "a point of the grid around the defaults"
	}
	return string(f)
}

// relaxText says how far to relax a budget.
func relaxText(x tune.Relax) string {
	switch x.Budget {
	case tune.Unreliable:
		return "no candidate was measured reliably (see why per candidate): lower -rate or give the machine more room"
	case advise.MissLoss:
		return fmt.Sprintf("loss: the best candidate lost %.2f%%; relax -budget-loss to %.2f%%, or lower -rate", x.To, x.To)
	case advise.MissP99:
		return fmt.Sprintf("p99 overhead: the best candidate added %+.1f%%; relax -budget-p99 to %.0f%%, or sample (-sample-ratio) to cut the spans", x.To, ceil(x.To))
	case advise.MissMemory:
		return fmt.Sprintf("memory: the smallest candidate added %.1f MiB; relax -budget-mem to %.0f", x.To, ceil(x.To))
	}
	return string(x.Budget)
}

func ceil(x float64) float64 {
	if float64(int64(x)) == x {
		return x
	}
	if x > 0 {
		return float64(int64(x) + 1)
	}
	return float64(int64(x))
}

// indentLines indents every line by four spaces.
func indentLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
