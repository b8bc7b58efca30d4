package summary

import (
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

// The rules about the batch processor's queue, delay and export timeout.

// queueRule: Little's law gives the requests in flight, C = rate × mean
// latency (at the burst's rate, if any); the rule's queue is 2C. The model
// says whether that queue, which also caps the batch (the SDK clamps a
// batch above the queue to it), keeps up with the spans offered; batch
// variants whose queue is at most twice the rule's show what it measured.
func queueRule(s *Summary, p *profile.Profile) RuleVerdict {
	const needs = "a baseline and a batch variant with a measured export latency, and no sink outage"
	if len(faultWindows(p.Sink)) > 0 {
		return untested(RuleQueue, needs)
	}
	var holds []bool
	var ev []string
	for _, rs := range s.Rates {
		base := baselineAt(s, rs.Rate)
		lat, from := exportAt(s, p, rs.Rate)
		if base == nil || lat <= 0 || base.Latency.Mean <= 0 {
			continue
		}
		rate := float64(rs.Rate)
		burst := ""
		if b := p.Burst; b != nil && b.Factor > 1 {
			rate *= b.Factor
			burst = fmt.Sprintf(" during the ×%g burst", b.Factor)
		}
		inFlight := rate * base.Latency.Mean.Seconds()
		q := max(1, int(math.Ceil(2*inFlight)))
		st := settings.DefaultBatch()
		st.QueueSize, st.MaxExportBatchSize = q, min(st.MaxExportBatchSize, q)
		spans := float64(2 + p.Workload.ExtraSpans)
		load := model.Load{RequestsPerSec: rate, SpansPerRequest: spans, SampledShare: 1, ExportLatency: lat}
		pr, err := model.Predict(st, load)
		if err != nil {
			continue
		}
		ok := !pr.Loses
		e := fmt.Sprintf("at %d/s%s: %.0f/s × %s mean latency = %.1f requests in flight, so the rule gives a queue of %d (and batches of %d); with exports of %s (%s) the worker moves at most %.0f spans/s against %.0f offered",
			rs.Rate, burst, rate, roundDur(base.Latency.Mean), inFlight, q, st.MaxExportBatchSize, roundDur(lat), from, pr.Ceiling, model.SpanRate(load))
		if ok {
			e += ": the model loses nothing"
		} else {
			e += fmt.Sprintf(": the model drops %.0f%%", 100*pr.LossFraction)
		}
		e += fmt.Sprintf("; the queue must hold what arrives during one export, %.0f × %s = %.0f spans, however many requests are in flight",
			model.SpanRate(load), roundDur(lat), model.SpanRate(load)*lat.Seconds())
		// A measured queue at least the rule's that lost spans shows that
		// the rule's loses too; one at most the rule's that lost none, that
		// the rule's is enough. Measurements outweigh the model.
		against, for_ := false, false
		for _, v := range p.Variants {
			st := effective(v)
			r := rowAt(s, v.Name, rs.Rate)
			if v.Kind != profile.KindBatch || st.Blocking || r == nil {
				continue
			}
			switch {
			case st.QueueSize >= q && r.Spans.Lost > 0:
				e += fmt.Sprintf("; measured: %s, with a queue of %d, at least the rule's, lost %d of %d spans (%.1f%%)", v.Name, st.QueueSize, r.Spans.Lost, r.Spans.Ended, r.Spans.LossPct)
				against = true
			case st.QueueSize <= q && r.Spans.Lost == 0:
				e += fmt.Sprintf("; measured: %s, with a queue of %d, at most the rule's, lost nothing", v.Name, st.QueueSize)
				for_ = true
			}
		}
		switch {
		case against:
			ok = false
		case for_:
			ok = true
		}
		holds = append(holds, ok)
		ev = append(ev, e)
	}
	if len(ev) == 0 {
		return untested(RuleQueue, needs)
	}
	return RuleVerdict{Rule: RuleQueue, Verdict: tally(holds), Evidence: strings.Join(ev, "; "), Applies: true}
}

// exportAt returns the export latency at a rate: the shortest mean export
// of the unsampled batch rows there, the closest to the small batches of
// the rule's small queue.
func exportAt(s *Summary, p *profile.Profile, rate int) (time.Duration, string) {
	var lat time.Duration
	from := ""
	for _, v := range p.Variants {
		if v.Kind != profile.KindBatch {
			continue
		}
		if r := rowAt(s, v.Name, rate); r != nil && r.Blocking.ExportMean > 0 && (lat == 0 || r.Blocking.ExportMean < lat) {
			lat, from = r.Blocking.ExportMean, "the shortest mean export, of "+v.Name
		}
	}
	return lat, from
}

// rangeLow and rangeHigh bound the rule's schedule delays.
const (
	delayRangeLow  = 2000 * time.Millisecond
	delayRangeHigh = 5000 * time.Millisecond
)

// delayRule: batch variants that differ only in the batch timeout, one
// below 2000 ms and one or more within 2000–5000 ms. A longer delay
// amortises I/O at a rate where it clearly costs less CPU per request than
// the shortest, by more than the run's noise floor: the largest difference
// at rates where the model predicts the same exports for every delay.
func delayRule(s *Summary, p *profile.Profile) RuleVerdict {
	const needs = "batch variants that differ only in batch_timeout, one below 2000 ms and one within 2000–5000 ms"
	for _, g := range twinsBy(p, func(u *profile.Variant) { u.BatchTimeout = nil }) {
		slices.SortStableFunc(g, func(a, b profile.Variant) int {
			return int(effective(a).BatchTimeout - effective(b).BatchTimeout)
		})
		short := g[0]
		if effective(short).BatchTimeout >= delayRangeLow {
			continue
		}
		var longs []profile.Variant
		for _, v := range g[1:] {
			if t := effective(v).BatchTimeout; t >= delayRangeLow && t <= delayRangeHigh {
				longs = append(longs, v)
			}
		}
		type saving struct {
			pct    float64
			counts bool
		}
		var savings []saving // at rates where the model predicts a difference
		floor := 0.0
		var ev []string
		for _, rs := range s.Rates {
			sr := rowAt(s, short.Name, rs.Rate)
			if sr == nil {
				continue
			}
			vs, rows := []profile.Variant{short}, []*Row{sr}
			for _, long := range longs {
				if lr := rowAt(s, long.Name, rs.Rate); lr != nil {
					vs, rows = append(vs, long), append(rows, lr)
				}
			}
			if len(vs) == 1 {
				continue
			}
			modelText, same := delayModel(p, rs.Rate, vs, rows)
			e := fmt.Sprintf("at %d/s CPU per request was %s with a %s delay (%s)", rs.Rate, roundDur(sr.CPUPerRequest), effective(short).BatchTimeout, short.Name)
			for i, lr := range rows[1:] {
				pct, counts, how := change(lr.PerRep.CPUPerReq, sr.PerRep.CPUPerReq)
				e += fmt.Sprintf(", %s with %s (%s, %+.1f%%: %s)", roundDur(lr.CPUPerRequest), effective(vs[i+1]).BatchTimeout, vs[i+1].Name, pct, how)
				if same {
					floor = max(floor, abs64(pct))
				} else {
					savings = append(savings, saving{pct, counts})
				}
			}
			e += modelText
			if same {
				e += ": here any difference is noise"
			}
			ev = append(ev, e+delayFreshness(s, rs.Rate, vs, !same))
		}
		if len(ev) == 0 {
			continue
		}
		var holds []bool
		for _, sv := range savings {
			holds = append(holds, sv.counts && sv.pct < 0 && -sv.pct > floor)
		}
		if floor > 0 {
			ev = append(ev, fmt.Sprintf("a saving counts only beyond this run's noise floor of %.1f%%", floor))
		}
		v := RuleVerdict{Rule: RuleDelay, Verdict: tally(holds), Evidence: strings.Join(ev, "; "), Applies: true}
		if len(savings) == 0 {
			// The model predicts no saving at any measured rate, and none
			// was measured beyond the noise.
			v.Verdict = VerdictFails
		}
		return v
	}
	return untested(RuleDelay, needs)
}

// delayModel says what the model predicts of each delay at a rate: exports
// per second and batch sizes (the delay sets the batch only below M/λ), and
// whether every delay exports the same.
func delayModel(p *profile.Profile, rate int, vs []profile.Variant, rows []*Row) (string, bool) {
	var lat time.Duration
	for _, r := range rows {
		lat = max(lat, r.Blocking.ExportMean)
	}
	load := model.Load{RequestsPerSec: float64(rate), SpansPerRequest: float64(vs[0].SpansPerRequest(p.Workload)), SampledShare: 1, ExportLatency: lat}
	var parts []string
	same := true
	var first float64
	for i, v := range vs {
		pr, err := model.Predict(effective(v), load)
		if err != nil {
			return "", false
		}
		if i == 0 {
			first = pr.ExportsPerSec
		}
		same = same && math.Abs(pr.ExportsPerSec-first) <= 0.01*first
		parts = append(parts, fmt.Sprintf("%.1f exports/s of %.0f spans with %s", pr.ExportsPerSec, pr.BatchSize, effective(v).BatchTimeout))
	}
	m := effective(vs[0]).MaxExportBatchSize
	full := time.Duration(float64(m) / model.SpanRate(load) * float64(time.Second))
	return fmt.Sprintf("; the model: %s; a delay beyond %d/%.0f spans/s = %s changes nothing, batches are full",
		strings.Join(parts, ", "), m, model.SpanRate(load), roundDur(full)), same
}

// delayFreshness gives how stale spans arrived with each delay at a rate,
// and calls it the price of the longer delay when the delays differ there.
func delayFreshness(s *Summary, rate int, vs []profile.Variant, price bool) string {
	var parts []string
	for _, v := range vs {
		f := freshnessP99(s, v.Name, rate)
		if f <= 0 {
			return ""
		}
		parts = append(parts, fmt.Sprintf("%s with %s", roundDur(f), effective(v).BatchTimeout))
	}
	e := "; spans reached the collector within " + strings.Join(parts, ", ") + " (p99)"
	if price {
		e += ": the price of a longer delay"
	}
	return e
}

// ruleExportBound is the export timeout the rule names.
const ruleExportBound = 5 * time.Second

// exportTimeoutRule: a run with sink outages or black holes and batch
// variants that differ only in their export bound (the processor's export
// timeout or the exporter's). The variant closest to 5 s holds the rule
// where it lost no span, fails it where it lost more than a shorter bound.
func exportTimeoutRule(s *Summary, p *profile.Profile) RuleVerdict {
	const needs = "a sink outage or black hole and batch variants that differ only in export_timeout or exporter_timeout"
	o := faultWindow(p)
	if o <= 0 {
		return untested(RuleExportTimeout, needs)
	}
	for _, g := range twinsBy(p, func(u *profile.Variant) { u.ExportTimeout, u.ExporterTimeout = nil, nil }) {
		slices.SortStableFunc(g, func(a, b profile.Variant) int { return int(exportBound(a) - exportBound(b)) })
		if exportBound(g[0]) == exportBound(g[len(g)-1]) {
			continue
		}
		rule := g[0]
		for _, v := range g {
			if absDur(exportBound(v)-ruleExportBound) < absDur(exportBound(rule)-ruleExportBound) {
				rule = v
			}
		}
		var holds []bool
		var ev []string
		partly := false
		for _, rs := range s.Rates {
			tr := totals(s, rule.Name, rs.Rate)
			if tr.cells == 0 {
				continue
			}
			spr := float64(rule.SpansPerRequest(p.Workload))
			lambda := float64(rs.Rate) * spr
			x := exportBound(rule)
			e := fmt.Sprintf("at %d/s, with the sink down for %s: %s", rs.Rate, o, describeFault(s, rule, rs.Rate, tr))
			e += fmt.Sprintf(" (one stuck export of %s lets %.0f spans arrive against a queue of %d)", x, lambda*x.Seconds(), effective(rule).QueueSize)
			lessLost := false
			for _, v := range g {
				if v.Name == rule.Name || exportBound(v) >= exportBound(rule) {
					continue
				}
				tv := totals(s, v.Name, rs.Rate)
				if tv.cells == 0 {
					continue
				}
				e += "; " + describeFault(s, v, rs.Rate, tv)
				lessLost = lessLost || tv.lost() < tr.lost()
			}
			switch {
			case tr.lost() == 0:
				holds = append(holds, true)
			case lessLost:
				holds = append(holds, false)
			default:
				holds = append(holds, false)
				partly = true
			}
			ev = append(ev, e)
		}
		if len(ev) == 0 {
			continue
		}
		lo, hi := DefaultRetryInitialInterval/2, DefaultRetryInitialInterval*3/2
		ev = append(ev, fmt.Sprintf("the exporter's first retry waits %s–%s (5 s randomised), so within %s it retries at most once: the timeout bounds how long the worker is held, it does not stop the hold", lo, hi, exportBound(rule)))
		v := RuleVerdict{Rule: RuleExportTimeout, Verdict: tally(holds), Evidence: strings.Join(ev, "; "), Applies: true}
		if v.Verdict == VerdictFails && partly {
			v.Verdict = VerdictPartly
		}
		return v
	}
	return untested(RuleExportTimeout, needs)
}

// describeFault says what a variant lost during a fault and when its spans
// came back.
func describeFault(s *Summary, v profile.Variant, rate int, t cellTotals) string {
	e := fmt.Sprintf("%s (export bound %s) lost %d of %d spans (dropped %d, failed %d)", v.Name, exportBound(v), t.lost(), t.ended, t.dropped, t.failed)
	switch {
	case t.recoveries == 0:
	case t.spansBack < 0:
		e += ", spans not back before the attack ended"
	default:
		e += fmt.Sprintf(", spans back %s after the fault", roundDur(t.spansBack))
	}
	if r := rowAt(s, v.Name, rate); r != nil {
		e += fmt.Sprintf(", mean export %s, p99 overhead %+.1f%%", roundDur(r.Blocking.ExportMean), r.P99OverheadPct)
	}
	return e
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
