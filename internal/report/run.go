package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// runDoc lays out a run's report: the answer first, then the warnings by
// kind, the conditions, every rate's tables, the span accounting, the
// model, the rules of thumb, the recommendation with its reasons, and how
// to read the columns. Variants measured with several OpenTelemetry
// releases get a section of their own after the rates.
func runDoc(a *analysis.Analysis) *doc {
	s := a.Summary
	d := &doc{title: fmt.Sprintf("otelbench run %s", s.RunID)}
	intro := d.newSection(secIntro, "")
	intro.para(introText(s))
	answer(d, a.Advice)
	if ws := ws(s); len(ws) > 0 {
		sec := d.newSection(secWarnings, "Warnings")
		sec.para("What limits these numbers, one line per kind; the details are beside the numbers they concern.")
		sec.items(warningGroups(ws)...)
	}
	failedCells(d, ws(s))
	conditions(d, s)
	senders(d, s)
	for _, rs := range s.Rates {
		rateSection(d, s, rs)
	}
	costsSection(d, s)
	floorSection(d, s)
	versionsSection(d, s)
	overheadSection(d, s)
	accounting(d, s)
	shardsSection(d, s)
	recoveryTable(d, s)
	modelSection(d, a.Checks)
	rulesSection(d, a.Rules)
	recommendation(d, a.Advice)
	reading(d)
	return d
}

// introText says what was measured and how far the run got.
func introText(s *summary.Summary) string {
	status := fmt.Sprintf("status %s", s.Status)
	switch {
	case s.Died:
		status = fmt.Sprintf("status died: the process measuring it is gone (last seen %s), with %d of %d cells measured; this report covers those",
			s.LastSeen.UTC().Format(time.RFC3339), s.Cells, s.Planned)
	case s.Status == results.StatusRunning:
		status = fmt.Sprintf("status running: still being measured, %d of %d cells so far; this report covers those", s.Cells, s.Planned)
	}
	return fmt.Sprintf("Profile %s, %s. Overheads are against the baseline (%s) at the same rate.", s.Profile, status, s.Baseline)
}

// conditions says what the spans were sent to and how it misbehaved.
func conditions(d *doc, s *summary.Summary) {
	if len(s.Faults) == 0 && s.Burst == nil && s.Collector != "otelcol" {
		return
	}
	sec := d.newSection(secConditions, "Conditions")
	if s.Collector == "otelcol" {
		sec.para("Spans went to a real OpenTelemetry Collector (`make collector`): received is its otelcol_receiver_accepted_spans; it counts spans, not traces, so there is no trace matching and no freshness.")
	}
	if len(s.Faults) == 0 && s.Burst == nil {
		return
	}
	var items []item
	for _, f := range s.Faults {
		items = append(items, item{text: "sink " + f})
	}
	if b := s.Burst; b != nil {
		items = append(items, item{text: fmt.Sprintf("load burst: ×%g the cell's rate from %s for %s of every measured attack", b.Factor, b.At, b.Length)})
	}
	sec.para("Faults and load shape active in every cell (windows are from the start of each measured attack):")
	sec.items(items...)
}

var (
	latencyHeader  = []string{"variant", "rate ach/req", "p50", "p90", "p99", "p99.9", "max", "p99 of reps", "p99 intended"}
	changeHeader   = []string{"variant", "Δp50", "Δp99", "CPU/req", "ΔCPU"}
	costHeader     = []string{"variant", "peak RSS", "spans ended", "received", "lost", "loss", "traces missing", "OnEnd p99"}
	harnessHeader  = []string{"variant", "otelbench CPU/req", "of its CPUs", "sink CPU/span", "others' CPU", "warm-up"}
	blockingHeader = []string{"variant", "OnEnd p50", "OnEnd p99", "OnEnd max", "wait/req", "share of latency", "lock wait/span", "export mean"}
)

// rateSection lays out one rate: latency, the changes against the
// baseline, memory and spans, export blocking, the noise floor and the
// caveats of its rows.
func rateSection(d *doc, s *summary.Summary, rs summary.RateSummary) {
	sec := d.add(&section{kind: secRate, rate: rs.Rate, title: fmt.Sprintf("%d requests/s", rs.Rate)})
	lat, change, cost := table{header: latencyHeader}, table{header: changeHeader, class: "changes"}, table{header: costHeader}
	harness := table{header: harnessHeader}
	var notes []item
	for _, r := range rs.Rows {
		name := releaseLabel(s, r.Variant)
		switch {
		case r.Baseline:
			name += " (baseline)"
		case r.Control:
			name += " (A/A control)"
			if r.Reps > 0 {
				notes = append(notes, item{text: fmt.Sprintf("noise floor (A/A %s against %s): Δp50 %s, Δp99 %s, ΔCPU %s",
					r.Variant, s.Baseline, delta(r.P50Delta), delta(r.P99Delta), delta(r.CPUDelta))})
			}
		}
		if r.Reps == 0 {
			why := "not measured"
			if r.Failed > 0 {
				why = fmt.Sprintf("not measured: %d repetition(s) failed", r.Failed)
			}
			lat.rows = append(lat.rows, padded(len(latencyHeader), name, why))
			change.rows = append(change.rows, padded(len(changeHeader), name, why))
			cost.rows = append(cost.rows, padded(len(costHeader), name, why))
			continue
		}
		lat.rows = append(lat.rows, latencyCells(name, r))
		if r.LoadOnly {
			// Latency is the load generator's; the rest is the target's.
			change.rows = append(change.rows, loadOnlyChangeCells(name, r))
			cost.rows = append(cost.rows, padded(len(costHeader), name, loadOnlyNA))
		} else {
			change.rows = append(change.rows, changeCells(name, r))
			cost.rows = append(cost.rows, costCells(name, r))
		}
		harness.rows = append(harness.rows, harnessCells(name, r))
	}
	sec.addTable(lat)
	sec.para("Against the baseline:")
	sec.addTable(change)
	sec.addTable(cost)
	sec.para("What otelbench itself spent beside the target (its load generator and embedded sink), what anything else on the machine used (the busiest repetition's share of all CPUs), and how long each cell warmed up:")
	sec.addTable(harness)
	switch bt, unmeasured := blockingTable(rs); {
	case len(bt.rows) > 0:
		sec.para("Time the request path waited on span export:")
		sec.addTable(bt)
		if len(unmeasured) > 0 {
			sec.para(fmt.Sprintf("Time the request path waited on span export is n/a for %s: the service exposes no OnEnd or export histogram.", strings.Join(unmeasured, ", ")))
		}
	case len(unmeasured) > 0:
		sec.para("Time the request path waited on span export: n/a (not measured: the service exposes no OnEnd or export histogram).")
	}
	notes = append(notes, rateNotes(rs)...)
	if len(notes) > 0 {
		sec.items(notes...)
	}
}

func latencyCells(name string, r summary.Row) []string {
	rate := fmt.Sprintf("%.0f/%.0f", r.AchievedRate, r.RequestedRate)
	if r.AchievedRate < summary.RateShortfall*r.RequestedRate {
		rate += " (not reached)"
	}
	p999 := dur(r.Latency.P999)
	if float64(r.Requests)*0.001 < summary.MinTailSamples {
		p999 += " (few)"
	}
	return []string{
		name, rate,
		dur(r.Latency.P50), dur(r.Latency.P90), dur(r.Latency.P99), p999, dur(r.Latency.Max),
		dur(r.P99Low) + " – " + dur(r.P99High), dur(r.Intended.P99),
	}
}

// changeCells are a row's changes against the baseline: of the pooled
// percentile, then of the repetitions' medians with their interval.
func changeCells(name string, r summary.Row) []string {
	d50, d99, dcpu := "", "", ""
	if !r.Baseline {
		d50 = signedDur(r.P50Overhead) + " " + delta(r.P50Delta)
		d99 = signedDur(r.P99Overhead) + " " + delta(r.P99Delta)
		dcpu = delta(r.CPUDelta)
	}
	return []string{name, d50, d99, dur(r.CPUPerRequest), dcpu}
}

// harnessCells are otelbench's own cost in a row: CPU per request of the
// load generator, the busiest cell's share of its CPUs, the sink's CPU per
// span and the longest warm-up; each is n/a when it was not measured.
func harnessCells(name string, r summary.Row) []string {
	h := r.Harness
	sinkCPU := "n/a"
	if h.SinkCPUPerSpan > 0 {
		sinkCPU = dur(h.SinkCPUPerSpan)
	}
	warm := dur(h.Warmup)
	if h.Warmup == 0 {
		warm = "n/a"
	}
	if h.Unsettled > 0 {
		warm += fmt.Sprintf(" (%d unsettled)", h.Unsettled)
	}
	gen, share := "n/a", "n/a"
	if h.LoadGenCPUPerRequest > 0 {
		gen, share = dur(h.LoadGenCPUPerRequest), fmt.Sprintf("%.0f%%", 100*h.LoadGenShare)
	}
	others := "n/a"
	if h.OtherKnown {
		others = fmt.Sprintf("%.0f%%", 100*h.OtherShare)
	}
	return []string{name, gen, share, sinkCPU, others, warm}
}

func costCells(name string, r summary.Row) []string {
	sp := spanCells(r)
	return []string{name, bytesIEC(r.PeakRSS), sp.ended, sp.received, sp.lost, sp.loss, sp.missing, sp.onEnd}
}

// spanCellsOf are the span columns of a row as the tables show them.
type spanCellsOf struct {
	ended, received, lost, loss, missing, onEnd string
}

// spanCells formats a row's span columns; "–" where the row has no spans.
func spanCells(r summary.Row) spanCellsOf {
	c := spanCellsOf{"–", "–", "–", "–", "–", "–"}
	if r.Spans.PerRequest == 0 && r.Spans.Received == 0 {
		return c
	}
	t := r.Spans
	c.ended = fmt.Sprint(t.Ended)
	if t.Expected {
		c.ended += " (expected)"
	}
	c.received = fmt.Sprint(t.Received)
	switch {
	case t.LossUnknown != "":
		c.ended, c.lost, c.loss = "n/a", "n/a", "n/a"
	case t.Lost < 0:
		// More arrived than ended: the counts are wrong, not the loss
		// negative (a warning says by how much).
		c.lost, c.loss = "n/a", "n/a"
	default:
		c.lost = fmt.Sprint(t.Lost)
		c.loss = fmt.Sprintf("%.2f%%", t.LossPct)
	}
	switch {
	case t.Matched:
		c.missing = fmt.Sprintf("%d of %d", t.MissingTraces, t.TracedRequests)
	case r.Kind == profile.KindSampled:
		c.missing = fmt.Sprintf("n/a (kept %.1f%%)", 100*t.SampledShare)
	default:
		c.missing = "n/a"
	}
	if r.OnEndCount > 0 {
		c.onEnd = dur(r.OnEndP99)
	}
	return c
}

// blockingTable lays out how long requests waited on span export at one
// rate, and names the variants whose service measured none of it.
func blockingTable(rs summary.RateSummary) (table, []string) {
	var unmeasured []string
	t := table{header: blockingHeader}
	for _, row := range rs.Rows {
		if !row.Kind.Exports() || row.Reps == 0 || row.LoadOnly {
			continue
		}
		b := row.Blocking
		if row.Spans.Ended == 0 && !row.Spans.Expected {
			// Nothing sampled (ratio 0): no span reached the processor.
			continue
		}
		if row.OnEndCount == 0 && row.Exports.Count == 0 {
			// A service that exposes neither histogram: nothing measured.
			unmeasured = append(unmeasured, row.Variant)
			continue
		}
		lock := ""
		if row.Kind == profile.KindSync {
			lock = dur(b.LockWait)
		}
		onEnd := []string{dur(row.OnEndP50), dur(row.OnEndP99), dur(b.OnEndMax), dur(b.PerRequest), fmt.Sprintf("%.1f%%", 100*b.Share)}
		if row.OnEndCount == 0 {
			onEnd = []string{"n/a", "n/a", "n/a", "n/a", "n/a"}
		}
		export := "n/a"
		if row.Exports.Count > 0 {
			export = dur(b.ExportMean)
		}
		t.rows = append(t.rows, append(append([]string{row.Variant}, onEnd...), lock, export))
	}
	return t, unmeasured
}

// padded returns a row of n cells starting with the given ones.
func padded(n int, first ...string) []string {
	row := make([]string, n)
	copy(row, first)
	return row
}

// reading says how to read the columns.
func reading(d *doc) {
	sec := d.newSection(secReading, "How to read the tables")
	sec.items(plain(
		"Latency columns are from the moment a request is sent, over every measured request of every repetition, by nearest rank; \"p99 intended\" measures from when the request was due (start + n/rate), so queueing in the load generator cannot hide; \"p99 of reps\" is the range of single repetitions' p99; \"(few)\" marks a p99.9 with fewer than 10 requests beyond it.",
		fmt.Sprintf("Δ columns: the absolute difference of the pooled percentile, then the change of the median of the repetitions' values with a %.0f%% bootstrap confidence interval (repetitions resampled), when a Mann–Whitney U test over the repetitions finds it significant (p < %.2f); \"~\" means not significant. With n repetitions per side the smallest p is 2/C(2n,n): 3 against 3 can never reach 0.05, 5 against 5 can.", 100*summary.Confidence, summary.Alpha),
		"A/A control rows measure the baseline again as a separate variant: their Δ is the noise floor of this machine and profile.",
		"spans ended: spans that reached the span processor in the target (warm-up included); lost = ended − received by the sink.",
		"traces missing: successful requests whose server span never reached the sink, found by matching each request's trace id; n/a for sampled variants, whose requests start root traces (the share kept is shown instead).",
		"OnEnd p99: time a request spent in the span processor's OnEnd, the request path's wait on span export, from the target's histogram (buckets about 25% wide).",
		"wait/req: mean time in OnEnd per span × spans per request; share of latency: that over the mean request latency. lock wait/span (sync): OnEnd minus the span's own export, the wait behind other requests' exports on the processor's lock.",
		"CPU/req: the target's CPU time (user+sys, all threads) during the measured attack divided by the requests sent.",
	)...)
}
