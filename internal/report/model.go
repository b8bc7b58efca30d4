package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/predict"
)

var (
	modelHeader = []string{"variant", "rate", "export latency used", "predicted ceiling", "delivered", "predicted loss (steady)", "predicted loss (cell)", "measured loss"}
	burstHeader = []string{"variant", "rate", "burst peak", "queue lasts", "predicted dropped/rep", "measured dropped/rep"}
	onsetHeader = []string{"variant", "predicted onset (steady)", "predicted onset (cells)", "measured onset", "between", "ratio (steady)", "ratio (cells)",
		fmt.Sprintf("within %.0f%%?", 100*predict.OnsetTolerance)}
)

// languageClause says which SDK a service runs, for sentences about what
// applies to it.
func languageClause(lang string) string {
	if lang == "" {
		return "the service's SDK could not be told (its spans name no telemetry.sdk.language, or none arrived)"
	}
	return fmt.Sprintf("this service runs the %s SDK (telemetry.sdk.language=%s)", languageName(lang), lang)
}

// languageName is how people name the SDK of a telemetry.sdk.language.
func languageName(lang string) string {
	switch lang {
	case "go":
		return "Go"
	case "nodejs", "webjs":
		return "JavaScript"
	case "python":
		return "Python"
	case "java":
		return "Java"
	case "dotnet":
		return ".NET"
	case "ruby":
		return "Ruby"
	case "php":
		return "PHP"
	case "rust":
		return "Rust"
	case "cpp":
		return "C++"
	case "erlang":
		return "Erlang"
	case "swift":
		return "Swift"
	}
	return lang
}

// modelSection sets internal/model's predictions beside the measurements:
// per batch row the ceiling and loss, then per variant the rate where loss
// starts. It says why when nothing was predicted.
func modelSection(d *doc, c predict.Checks) {
	if c.Skipped == predict.SkipFaults {
		sec := d.newSection(secModel, "Model vs measurement")
		sec.para("Not predicted (n/a): the sink had outages, black holes or injected errors, and the model is of a collector that answers every export; its \"no loss\" beside an outage's losses would only mislead.")
		return
	}
	if c.Skipped == predict.SkipNotGo {
		sec := d.newSection(secModel, "Model vs measurement")
		sec.para("Not predicted (n/a): the model is of the OpenTelemetry Go SDK's batch processor (one worker goroutine, its queue and timer), and " +
			languageClause(c.Language) + "; other SDKs queue, batch and drop differently, so its predictions would not be theirs. The measured loss above is what counts.")
		return
	}
	if len(c.Rows) == 0 {
		return
	}
	t := table{header: modelHeader}
	bt := table{header: burstHeader}
	var notes noteLines
	for _, mc := range c.Rows {
		t.rows = append(t.rows, modelCells(mc))
		rate := fmt.Sprintf("%d/s", mc.Rate)
		if b := mc.Burst; b != nil {
			bt.rows = append(bt.rows, []string{mc.Variant, rate, fmt.Sprintf("%.0f/s for %s", b.PeakRate, dur(b.Length)),
				modelAbsorb(b.Absorb), fmt.Sprintf("%.0f", b.PredictedDropped), fmt.Sprintf("%.0f", b.MeasuredDropped)})
		}
		for _, n := range mc.Notes {
			notes.add(mc.Variant, rate, noteText(n))
		}
	}
	sec := d.newSection(secModel, "Model vs measurement")
	sec.para("internal/model predicts the batch processor from its settings in effect, the requested rate, the sampled spans per request and the export latency the target measured at that rate (the mean of its ExportSpans calls). Ceiling: the most spans/s one worker exports; delivered: spans/s offered × (1 − measured loss), the measured ceiling when loss is high. Steady: the loss of the steady state, with the mean latency. Cell: the loss over one cell (warm-up and attack) of a processor that starts idle, each export's duration drawn from the cell's export histogram, so that the room in the empty queue at the start, slow exports here and there and the timer race below the ceiling count. Measured: dropped + failed over ended, warm-up included.")
	sec.addTable(t)
	if len(bt.rows) > 0 {
		sec.para("Bursts (the queue lasts from a burst starting as an export begins; predicted drops add the steady loss of the rest of the cell):")
		sec.addTable(bt)
	}
	if len(c.Onsets) > 0 {
		sec.para(fmt.Sprintf("Where loss starts: the measured onset is where the loss passes %s, between the lowest rate from which every rate lost more and the rate under it: where the spans the lossy rate delivered would be all but %s of those offered (above its ceiling a processor delivers the same whatever the rate). Steady: where the steady state starts to lose, with the mean export latency of those two rates; cells: where half the cells the model plays (%d at each rate: idle at the start, export durations drawn from those two rates' histograms, timer races split at random) lose more than %s, and in brackets where a tenth and nine tenths do. The verdict is on the cells' prediction.",
			modelShare(predict.OnsetThreshold), modelShare(predict.OnsetThreshold), model.SimulatedRuns, modelShare(predict.OnsetThreshold)))
		ot := table{header: onsetHeader}
		for _, oc := range c.Onsets {
			ot.rows = append(ot.rows, onsetCells(oc))
			for _, n := range oc.Notes {
				notes.add(oc.Variant, "", noteText(n))
			}
		}
		sec.addTable(ot)
	}
	if len(notes.order) > 0 {
		sec.items(notes.items()...)
	}
}

// modelCells formats one row's check.
func modelCells(mc predict.RowCheck) []string {
	lat := "none"
	if mc.LatencyFrom != "" {
		lat = fmt.Sprintf("%s (%s)", dur(mc.ExportLatency), mc.LatencyFrom)
	}
	ceiling, loss, run := "n/a", "n/a", "n/a"
	if mc.Regime != "" {
		ceiling, loss = modelSpansPerSec(mc.Ceiling), modelShare(mc.PredictedLoss)
		if mc.TimerRaces {
			ceiling += " (timer race)"
		}
		if mc.Burst == nil {
			run = modelShare(mc.RunLoss)
		}
	}
	return []string{mc.Variant, fmt.Sprintf("%d/s", mc.Rate), lat, ceiling, modelSpansPerSec(mc.Delivered), loss, run, modelShare(mc.MeasuredLoss)}
}

// noteText is the sentence of a model note.
func noteText(n predict.Note) string {
	switch n.Kind {
	case predict.NoteLossFromSink:
		return "dropped spans could not be told apart from spans lost at shutdown: measured loss is ended − received"
	case predict.NoteNoLatency:
		return "no export was measured and the sink has no delay: no prediction"
	case predict.NoteNoPrediction:
		return "no prediction: " + n.Detail
	case predict.NoteNoRunPrediction:
		return "no prediction over the cell: " + n.Detail
	case predict.NoteTimerRaces:
		return fmt.Sprintf("a full batch's export lasts at least the batch timeout (%s): batches split at random, and the steady ceiling and loss are approximate", dur(time.Duration(n.Value)))
	case predict.NoteBurst:
		return "every attack has a burst: the measured loss is the burst's as much as the steady rate's"
	case predict.NoteAboveHighest:
		return fmt.Sprintf("the highest rate lost no more than %s: the measured onset is above %.0f/s", modelShare(n.Value), n.Rate)
	case predict.NoteBelowLowest:
		return fmt.Sprintf("the lowest rate already lost more than %s: the measured onset is below %.0f/s", modelShare(n.Value), n.Rate)
	case predict.NoteInterpolated:
		return fmt.Sprintf("the rates that bracket the onset (%.0f/s, %.0f/s) are more than %.0f%% apart: the onset between them is interpolated (%.0f/s on a straight line)",
			n.Below, n.Above, 100*n.Limit, n.Value)
	case predict.NoteLossBelowOnset:
		return fmt.Sprintf("%.0f/s lost %.1f%%, below the onset (predicted over the cell, with its export durations: %.1f%%)", n.Rate, 100*n.Value, 100*n.Limit)
	}
	return string(n.Kind)
}

// onsetCells formats one variant's onset comparison.
func onsetCells(oc predict.OnsetCheck) []string {
	predicted, run := "n/a", "n/a"
	if oc.Predicted > 0 {
		predicted = fmt.Sprintf("%.0f/s (%s)", oc.Predicted, dur(oc.ExportLatency))
	}
	if oc.PredictedRun > 0 {
		run = fmt.Sprintf("%.0f/s (%.0f–%.0f)", oc.PredictedRun, oc.PredictedRunLow, oc.PredictedRunHigh)
	}
	measured, between, steady, ratio, within := "", "n/a", "n/a", "n/a", "unknown"
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

// noteLines gathers notes, so that one said of a variant at several rates
// is listed once with them.
type noteLines struct {
	order []string // "variant\x00note", as first seen
	rates map[string][]string
}

func (n *noteLines) add(variant, rate, note string) {
	if n.rates == nil {
		n.rates = map[string][]string{}
	}
	k := variant + "\x00" + note
	if _, seen := n.rates[k]; !seen {
		n.order = append(n.order, k)
	}
	if rate != "" {
		n.rates[k] = append(n.rates[k], rate)
	}
}

func (n *noteLines) items() []item {
	var out []item
	for _, k := range n.order {
		variant, note, _ := strings.Cut(k, "\x00")
		at := ""
		if rs := n.rates[k]; len(rs) > 0 {
			at = " at " + strings.Join(rs, ", ")
		}
		out = append(out, item{text: fmt.Sprintf("%s%s: %s", variant, at, note)})
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
