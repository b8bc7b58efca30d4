package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/otelbench/otelbench/internal/advise"
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
	b.WriteString("Candidates (the SDK's defaults first, then the model's sizing):\n")
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
	fmt.Fprintf(&b, "\nChosen: %s.", r.Chosen.Name)
	for _, c := range r.Choice.Against {
		fmt.Fprintf(&b, " Over %s: %s.", c.Other, comparisonText(c, r.Chosen.Name))
	}
	b.WriteString("\n")
	if c := r.Confirm; c != nil {
		verdict := "confirmed: no span lost and every budget met"
		if !r.Confirmed {
			verdict = "NOT confirmed: " + candidateState(*c)
			if c.LossPct > 0 && c.Qualifies() {
				verdict = fmt.Sprintf("NOT confirmed: %.3f%% of spans lost", c.LossPct)
			}
		}
		fmt.Fprintf(&b, "Confirmation (%s): loss %.2f%%, p99 %+.1f%%, memory %+.1f MiB: %s.\n", r.ConfirmRun, c.LossPct, c.WorstP99Pct, c.MemoryMiB, verdict)
	}
	b.WriteString("\nNever sync (every request waits for every export), never a zero batch timeout (the worker spins a core) or a zero queue (an unbuffered channel): the candidates above are all batch processors sized by the model.\n")
	if r.Confirmed {
		fmt.Fprintf(&b, "\nAs Go:\n%s\nAs standard environment variables:\n%s", indentLines(r.Chosen.Settings.Go()), indentLines(envBlock(r.Chosen.Settings)))
	} else {
		b.WriteString("\nNot confirmed, so not a recommendation: measure again, or relax the budget that failed.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

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
