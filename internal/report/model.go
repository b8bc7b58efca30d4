package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/summary"
)

var (
	modelHeader = []string{"variant", "rate", "export latency used", "predicted ceiling", "delivered", "predicted loss (steady)", "predicted loss (cell)", "measured loss"}
	burstHeader = []string{"variant", "rate", "burst peak", "queue lasts", "predicted dropped/rep", "measured dropped/rep"}
	onsetHeader = []string{"variant", "predicted onset (steady)", "predicted onset (cells)", "measured onset", "between", "ratio (steady)", "ratio (cells)",
		fmt.Sprintf("within %.0f%%?", 100*summary.OnsetTolerance)}
)

// modelSection sets internal/model's predictions beside the measurements:
// per batch row the ceiling and loss, then per variant the rate where loss
// starts. It writes nothing when no row has a model check.
func modelSection(r renderer, s *summary.Summary) {
	t := table{header: modelHeader}
	bt := table{header: burstHeader}
	warned := rateNotes{}
	for _, row := range modelRows(s) {
		mc := row.Model
		lat := "none"
		if mc.LatencyFrom != "" {
			lat = fmt.Sprintf("%s (%s)", dur(mc.ExportLatency), mc.LatencyFrom)
		}
		ceiling, loss, run := "–", "–", "–"
		if mc.Regime != "" {
			ceiling, loss = modelSpansPerSec(mc.Ceiling), modelShare(mc.PredictedLoss)
			if mc.TimerRaces {
				ceiling += " (timer race)"
			}
			if mc.Burst == nil {
				run = modelShare(mc.RunLoss)
			}
		}
		rate := fmt.Sprintf("%.0f/s", row.RequestedRate)
		t.rows = append(t.rows, []string{row.Variant, rate, lat, ceiling, modelSpansPerSec(mc.Delivered), loss, run, modelShare(mc.MeasuredLoss)})
		if b := mc.Burst; b != nil {
			bt.rows = append(bt.rows, []string{row.Variant, rate, fmt.Sprintf("%.0f/s for %s", b.PeakRate, dur(b.Length)),
				modelAbsorb(b.Absorb), fmt.Sprintf("%.0f", b.PredictedDropped), fmt.Sprintf("%.0f", b.MeasuredDropped)})
		}
		for _, w := range mc.Warnings {
			warned.add(row.Variant, rate, w)
		}
	}
	notes := warned.lines()
	if len(t.rows) == 0 {
		return
	}
	r.heading(2, "Model vs measurement")
	r.para("internal/model predicts the batch processor from its settings in effect, the requested rate, the sampled spans per request and the export latency the target measured at that rate (the mean of its ExportSpans calls). Ceiling: the most spans/s one worker exports; delivered: spans/s offered × (1 − measured loss), the measured ceiling when loss is high. Steady: the loss of the steady state, with the mean latency. Cell: the loss over one cell (warm-up and attack) of a processor that starts idle, each export's duration drawn from the cell's export histogram, so that the room in the empty queue at the start, slow exports here and there and the timer race below the ceiling count. Measured: dropped + failed over ended, warm-up included.")
	r.table(t)
	if len(bt.rows) > 0 {
		r.para("Bursts (the queue lasts from a burst starting as an export begins; predicted drops add the steady loss of the rest of the cell):")
		r.table(bt)
	}
	if len(s.ModelChecks) > 0 {
		r.para(fmt.Sprintf("Where loss starts: the measured onset is where the loss passes %s, between the lowest rate from which every rate lost more and the rate under it: where the spans the lossy rate delivered would be all but %s of those offered (above its ceiling a processor delivers the same whatever the rate). Steady: where the steady state starts to lose, with the mean export latency of those two rates; cells: where half the cells the model plays (%d at each rate: idle at the start, export durations drawn from those two rates' histograms, timer races split at random) lose more than %s, and in brackets where a tenth and nine tenths do. The verdict is on the cells' prediction.",
			modelShare(summary.OnsetThreshold), modelShare(summary.OnsetThreshold), model.SimulatedRuns, modelShare(summary.OnsetThreshold)))
		ot := table{header: onsetHeader}
		for _, oc := range s.ModelChecks {
			ot.rows = append(ot.rows, onsetCells(oc))
			for _, n := range oc.Notes {
				notes = append(notes, fmt.Sprintf("⚠ %s: %s", oc.Variant, n))
			}
		}
		r.table(ot)
	}
	if len(notes) > 0 {
		r.list(notes)
	}
}

// onsetCells formats one variant's onset comparison.
func onsetCells(oc summary.OnsetCheck) []string {
	predicted, run := "–", "–"
	if oc.Predicted > 0 {
		predicted = fmt.Sprintf("%.0f/s (%s)", oc.Predicted, dur(oc.ExportLatency))
	}
	if oc.PredictedRun > 0 {
		run = fmt.Sprintf("%.0f/s (%.0f–%.0f)", oc.PredictedRun, oc.PredictedRunLow, oc.PredictedRunHigh)
	}
	measured, between, steady, ratio, within := "–", "–", "–", "–", "unknown"
	switch {
	case oc.Measured > 0:
		measured = fmt.Sprintf("%.0f/s", oc.Measured)
		between = fmt.Sprintf("%.0f/s (%s) – %.0f/s (%s)", oc.Below, modelShare(oc.BelowLoss), oc.Above, modelShare(oc.AboveLoss))
	case oc.Above > 0:
		measured = fmt.Sprintf("below %.0f/s", oc.Above)
		between = fmt.Sprintf("… – %.0f/s (%s)", oc.Above, modelShare(oc.AboveLoss))
	default:
		measured = "above the highest rate"
	}
	if oc.SteadyRatio > 0 {
		steady = fmt.Sprintf("%.2f", oc.SteadyRatio)
	}
	if oc.PredictedRun > 0 && oc.Ratio > 0 {
		ratio = fmt.Sprintf("%.2f", oc.Ratio)
	}
	if oc.Ratio > 0 {
		switch {
		case oc.Within:
			within = "yes"
		case oc.InBand:
			within = "NO (in the band)"
		default:
			within = "NO"
		}
	}
	return []string{oc.Variant, predicted, run, measured, between, steady, ratio, within}
}

// modelRows returns the rows with a model check, variant by variant in the
// order they first appear, each in rate order.
func modelRows(s *summary.Summary) []summary.Row {
	var order []string
	byVariant := map[string][]summary.Row{}
	for _, rs := range s.Rates {
		for _, row := range rs.Rows {
			if row.Model == nil {
				continue
			}
			if _, seen := byVariant[row.Variant]; !seen {
				order = append(order, row.Variant)
			}
			byVariant[row.Variant] = append(byVariant[row.Variant], row)
		}
	}
	var out []summary.Row
	for _, v := range order {
		out = append(out, byVariant[v]...)
	}
	return out
}

// rateNotes gathers the warnings of a variant's rows, so that one said at
// several rates is listed once with them.
type rateNotes struct {
	order []string // "variant\x00warning", as first seen
	rates map[string][]string
}

func (n *rateNotes) add(variant, rate, warning string) {
	if n.rates == nil {
		n.rates = map[string][]string{}
	}
	k := variant + "\x00" + warning
	if _, seen := n.rates[k]; !seen {
		n.order = append(n.order, k)
	}
	n.rates[k] = append(n.rates[k], rate)
}

func (n *rateNotes) lines() []string {
	var out []string
	for _, k := range n.order {
		variant, warning, _ := strings.Cut(k, "\x00")
		out = append(out, fmt.Sprintf("⚠ %s at %s: %s", variant, strings.Join(n.rates[k], ", "), warning))
	}
	return out
}

// modelSpansPerSec formats a rate of spans.
func modelSpansPerSec(x float64) string { return fmt.Sprintf("%.0f spans/s", x) }

// modelShare formats a share (0–1) as a percentage.
func modelShare(x float64) string {
	if x != 0 && x < 0.001 {
		return fmt.Sprintf("%.3f%%", 100*x)
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

// modelAbsorb formats how long a queue lasts; model.Forever is "for ever".
func modelAbsorb(d time.Duration) string {
	if d == model.Forever {
		return "for ever"
	}
	return dur(d)
}
