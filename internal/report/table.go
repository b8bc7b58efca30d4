package report

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

// table is a renderer-agnostic grid of cells: a header and rows of strings.
type table struct {
	header []string
	rows   [][]string
}

var (
	latencyHeader = []string{"variant", "rate ach/req", "p50", "p90", "p99", "p99.9", "max", "Δp50", "Δp99", "p99 of reps", "p99 intended"}
	costHeader    = []string{"variant", "CPU/req", "ΔCPU", "peak RSS", "spans ended", "received", "lost", "loss", "traces missing", "OnEnd p99"}
)

// rateTables lays out one rate: latency, then cost and spans, then the
// warnings that belong to its rows.
func rateTables(rs summary.RateSummary) (latency, cost table, notes []string) {
	latency.header, cost.header = latencyHeader, costHeader
	for _, r := range rs.Rows {
		name := r.Variant
		switch {
		case r.Baseline:
			name += " (baseline)"
		case r.Control:
			name += " (A/A control)"
		}
		if r.Reps == 0 {
			latency.rows = append(latency.rows, padded(len(latencyHeader), name, "not measured"))
			cost.rows = append(cost.rows, padded(len(costHeader), name, "not measured"))
		} else {
			latency.rows = append(latency.rows, latencyCells(name, r))
			cost.rows = append(cost.rows, costCells(name, r))
		}
		for _, w := range r.Warnings {
			notes = append(notes, fmt.Sprintf("%s: %s", r.Variant, w))
		}
	}
	return latency, cost, notes
}

func latencyCells(name string, r summary.Row) []string {
	rate := fmt.Sprintf("%.0f/%.0f", r.AchievedRate, r.RequestedRate)
	if r.AchievedRate < summary.RateShortfall*r.RequestedRate {
		rate += " ⚠"
	}
	d50, d99 := "", ""
	if !r.Baseline {
		d50 = signedDur(r.P50Overhead) + " " + delta(r.P50Delta)
		d99 = signedDur(r.P99Overhead) + " " + delta(r.P99Delta)
	}
	return []string{
		name, rate,
		dur(r.Latency.P50), dur(r.Latency.P90), dur(r.Latency.P99), dur(r.Latency.P999), dur(r.Latency.Max),
		d50, d99, dur(r.P99Low) + "–" + dur(r.P99High), dur(r.Intended.P99),
	}
}

func costCells(name string, r summary.Row) []string {
	dcpu := ""
	if !r.Baseline {
		dcpu = delta(r.CPUDelta)
	}
	ended, received, lost, loss, missing, onEnd := "–", "–", "–", "–", "–", "–"
	if r.Spans.PerRequest > 0 {
		ended = fmt.Sprint(r.Spans.Ended)
		received = fmt.Sprint(r.Spans.Received)
		lost = fmt.Sprint(r.Spans.Lost)
		loss = fmt.Sprintf("%.2f%%", r.Spans.LossPct)
		if r.Spans.Matched {
			missing = fmt.Sprintf("%d of %d", r.Spans.MissingTraces, r.Spans.TracedRequests)
		} else if r.Kind == profile.KindSampled {
			missing = fmt.Sprintf("n/a (kept %.1f%%)", 100*r.Spans.SampledShare)
		} else {
			missing = "n/a"
		}
		if r.OnEndCount > 0 {
			onEnd = dur(r.OnEndP99)
		}
	}
	return []string{name, dur(r.CPUPerRequest), dcpu, bytesIEC(r.PeakRSS), ended, received, lost, loss, missing, onEnd}
}

// padded returns a row of n cells starting with the given ones.
func padded(n int, first ...string) []string {
	row := make([]string, n)
	copy(row, first)
	return row
}
