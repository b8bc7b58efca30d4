package report

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/rules"
)

// rulesSection lists the verdicts of the rules of thumb this run can test,
// each with its evidence; it writes nothing when the run tests none.
func rulesSection(d *doc, vs []rules.Verdict) {
	var items []item
	var untested []string
	for _, v := range vs {
		if !v.Applies {
			untested = append(untested, fmt.Sprintf("%q", v.Rule))
			continue
		}
		items = append(items, item{text: fmt.Sprintf("%q: %s. %s.", v.Rule, v.Outcome, upperFirst(evidenceText(v.Evidence)))})
	}
	if len(items) == 0 {
		return
	}
	sec := d.newSection(secRules, "Rules of thumb")
	sec.para(fmt.Sprintf("What this run's measurements, and the model where they need it, say of popular rules. With fewer than 5 repetitions a side no difference can be significant; one then counts only beyond %.0f%% with the repetitions' ranges apart, and with one repetition a side not at all.", rules.MinEffectPct))
	sec.items(items...)
	if len(untested) > 0 {
		sec.para("Not tested by this run: " + strings.Join(untested, "; ") + ".")
	}
}

// evidenceText writes a rule's evidence.
func evidenceText(e any) string {
	switch e := e.(type) {
	case rules.SyncEvidence:
		return syncText(e)
	case rules.SamplingEvidence:
		return samplingText(e)
	case rules.QueueEvidence:
		return queueText(e)
	case rules.DelayEvidence:
		return delayText(e)
	case rules.ExportTimeoutEvidence:
		return exportTimeoutText(e)
	}
	return "no evidence"
}

func syncText(e rules.SyncEvidence) string {
	var ev []string
	for _, at := range e.Rates {
		what := map[rules.SyncOutcome]string{rules.SyncStalled: "stalled", rules.SyncSlowed: "kept the rate but not the latency", rules.SyncKeptUp: "kept up"}[at.Outcome]
		s := fmt.Sprintf("at %d/s %s %s: it sent %.0f/s, %d of %d requests failed, p99 %s (%+.1f%%) against %s (%+.1f%%) for %s",
			at.Rate, e.Sync, what, at.Achieved, at.Errors, at.Requests, roundDur(at.P99), at.P99Pct, roundDur(at.BatchP99), at.BatchP99Pct, e.Batch)
		if at.LockWait > 0 {
			s += fmt.Sprintf("; each span waited %s on the processor's lock behind other requests' exports", roundDur(at.LockWait))
		}
		if at.CapRPS > 0 {
			s += fmt.Sprintf("; one export took %s on average, which caps it at 1/(%d × %s) = %.0f requests/s", roundDur(at.ExportMean), at.Spans, roundDur(at.ExportMean), at.CapRPS)
		}
		ev = append(ev, s)
	}
	if e.UnderLoadOnly {
		ev = append(ev, "so it holds under load, not below it")
	}
	return strings.Join(ev, "; ")
}

// changeHow says how a change was decided.
func changeHow(c rules.Change) string {
	switch c.How {
	case rules.HowSignificant:
		return fmt.Sprintf("p=%.3f", c.P)
	case rules.HowNotSignificant:
		return fmt.Sprintf("not significant, p=%.2f", c.P)
	case rules.HowRangesApart:
		return fmt.Sprintf("%d and %d repetitions, ranges apart", c.N, c.BaseN)
	case rules.HowBelowMinimum:
		return fmt.Sprintf("below %.0f%%", rules.MinEffectPct)
	case rules.HowRangesOverlap:
		return fmt.Sprintf("%d and %d repetitions, ranges overlap", c.N, c.BaseN)
	case rules.HowTooFew:
		return fmt.Sprintf("%d and %d repetitions: too few to tell", c.N, c.BaseN)
	}
	return "not measured"
}

func samplingText(e rules.SamplingEvidence) string {
	var ev []string
	if e.Ratio != 0.1 {
		ev = append(ev, fmt.Sprintf("measured with a ratio of %g, not 10%%", e.Ratio))
	}
	for _, at := range e.Rates {
		s := fmt.Sprintf("at %d/s %s (kept %.1f%% of traces) used %s CPU per request against %s for %s, %+.1f%% (%s)",
			at.Rate, e.Sampled, 100*at.Kept, roundDur(at.CPU), roundDur(at.BatchCPU), e.Batch, at.CPUChange.Pct, changeHow(at.CPUChange))
		if at.TracingAdded > 0 {
			s += fmt.Sprintf(", %.0f%% of the %s tracing added", 100*at.SavedShare, roundDur(at.TracingAdded))
		}
		s += fmt.Sprintf("; p99 overhead %+.1f%% against %+.1f%% (p99 %+.1f%%, %s)", at.P99Pct, at.BatchP99Pct, at.P99Change.Pct, changeHow(at.P99Change))
		if at.P99Change.Counts && at.P99Change.Pct > 0 {
			s += ", higher"
		}
		ev = append(ev, s)
	}
	ev = append(ev, "unsampled spans are still started and ended, and otelhttp still builds its attributes: sampling removes only the export's share")
	return strings.Join(ev, "; ")
}

func queueText(e rules.QueueEvidence) string {
	var ev []string
	for _, at := range e.Rates {
		burst := ""
		if at.BurstFactor > 1 {
			burst = fmt.Sprintf(" during the ×%g burst", at.BurstFactor)
		}
		s := fmt.Sprintf("at %d/s%s: %.0f/s × %s mean latency = %.1f requests in flight, so the rule gives a queue of %d (and batches of %d); with exports of %s (the shortest mean export, of %s) the worker moves at most %.0f spans/s against %.0f offered",
			at.Rate, burst, at.Offered, roundDur(at.MeanLatency), at.InFlight, at.Queue, at.Batch, roundDur(at.ExportLatency), at.From, at.Ceiling, at.SpanRate)
		if at.LossPct == 0 {
			s += ": the model loses nothing"
		} else {
			s += fmt.Sprintf(": the model drops %.0f%%", at.LossPct)
		}
		s += fmt.Sprintf("; the queue must hold what arrives during one export, %.0f × %s = %.0f spans, however many requests are in flight",
			at.SpanRate, roundDur(at.ExportLatency), at.PerExport)
		for _, m := range at.Measured {
			if m.Against {
				s += fmt.Sprintf("; measured: %s, with a queue of %d, at least the rule's, lost %d of %d spans (%.1f%%)", m.Variant, m.Queue, m.Lost, m.Ended, m.LossPct)
			} else {
				s += fmt.Sprintf("; measured: %s, with a queue of %d, at most the rule's, lost nothing", m.Variant, m.Queue)
			}
		}
		ev = append(ev, s)
	}
	return strings.Join(ev, "; ")
}

func delayText(e rules.DelayEvidence) string {
	var ev []string
	for _, at := range e.Rates {
		short := at.Delays[0]
		s := fmt.Sprintf("at %d/s CPU per request was %s with a %s delay (%s)", at.Rate, roundDur(short.CPU), short.Delay, short.Variant)
		for _, l := range at.Delays[1:] {
			s += fmt.Sprintf(", %s with %s (%s, %+.1f%%: %s)", roundDur(l.CPU), l.Delay, l.Variant, l.Change.Pct, changeHow(l.Change))
		}
		var parts, fresh []string
		for _, m := range at.Delays {
			parts = append(parts, fmt.Sprintf("%.1f exports/s of %.0f spans with %s", m.ExportsPerSec, m.BatchSize, m.Delay))
			if m.Freshness > 0 {
				fresh = append(fresh, fmt.Sprintf("%s with %s", roundDur(m.Freshness), m.Delay))
			}
		}
		s += fmt.Sprintf("; the model: %s; a delay beyond %d/%.0f spans/s = %s changes nothing, batches are full",
			strings.Join(parts, ", "), at.Batch, at.SpanRate, roundDur(at.FullAfter))
		if at.Same {
			s += ": here any difference is noise"
		}
		if len(fresh) == len(at.Delays) {
			s += "; spans reached the collector within " + strings.Join(fresh, ", ") + " (p99)"
			if !at.Same {
				s += ": the price of a longer delay"
			}
		}
		ev = append(ev, s)
	}
	if e.Floor > 0 {
		ev = append(ev, fmt.Sprintf("a saving counts only beyond this run's noise floor of %.1f%%", e.Floor))
	}
	return strings.Join(ev, "; ")
}

func exportTimeoutText(e rules.ExportTimeoutEvidence) string {
	var ev []string
	for _, at := range e.Rates {
		s := fmt.Sprintf("at %d/s, with the sink down for %s: %s", at.Rate, e.Window, faultText(at.Rule))
		s += fmt.Sprintf(" (one stuck export of %s lets %.0f spans arrive against a queue of %d)", at.Rule.Bound, at.Arrivals, at.Queue)
		for _, o := range at.Shorter {
			s += "; " + faultText(o)
		}
		ev = append(ev, s)
	}
	ev = append(ev, fmt.Sprintf("the exporter's first retry waits %s–%s (5 s randomised), so within %s it retries at most once: the timeout bounds how long the worker is held, it does not stop the hold",
		e.RetryLow, e.RetryHigh, e.Rates[0].Rule.Bound))
	return strings.Join(ev, "; ")
}

// faultText says what a variant lost during a fault and when its spans
// came back.
func faultText(f rules.FaultOutcome) string {
	s := fmt.Sprintf("%s (export bound %s) lost %d of %d spans (dropped %d, failed %d)", f.Variant, f.Bound, f.Lost, f.Ended, f.Dropped, f.Failed)
	switch {
	case !f.Recovered:
	case f.SpansBack < 0:
		s += ", spans not back before the attack ended"
	default:
		s += fmt.Sprintf(", spans back %s after the fault", roundDur(f.SpansBack))
	}
	if f.Measured {
		s += fmt.Sprintf(", mean export %s, p99 overhead %+.1f%%", roundDur(f.ExportMean), f.P99Pct)
	}
	return s
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	for i, c := range s {
		if c >= 'a' && c <= 'z' {
			return s[:i] + string(c-'a'+'A') + s[i+1:]
		}
		return s
	}
	return s
}
