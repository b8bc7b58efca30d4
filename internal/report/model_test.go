package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/summary"
)

// modelSummary has the model checks of a sweep: a variant whose onset the
// model finds, one with a timer race whose steady onset is off, one that
// never lost, one that lost from the lowest rate, and a burst row.
func modelSummary() *summary.Summary {
	ms := time.Millisecond
	race := "a full batch's export lasts at least the batch timeout (10ms): batches split at random, and the steady ceiling and loss are approximate"
	check := func(lat time.Duration, ceiling, rate, steady, run, measured float64, warnings ...string) *summary.ModelCheck {
		return &summary.ModelCheck{QueueSize: 128, MaxExportBatchSize: 32, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second,
			SettingsFrom: summary.SettingsFromTarget, SpansPerRequest: 3, SampledShare: 1, SpanRate: 3 * rate,
			ExportLatency: lat, LatencyFrom: summary.LatencyFromExports, Ceiling: ceiling, Regime: "full",
			PredictedLoss: steady, PredictedOnset: ceiling / 3, RunLoss: run, LatencyPoints: 12,
			MeasuredLoss: measured, LossFrom: summary.LossFromAccounting, Delivered: 3 * rate * (1 - measured), Warnings: warnings}
	}
	row := func(variant string, rate float64, mc *summary.ModelCheck) summary.Row {
		return summary.Row{Variant: variant, Kind: "batch", Reps: 1, RequestedRate: rate, Model: mc}
	}
	racing := func(mc *summary.ModelCheck) *summary.ModelCheck {
		mc.TimerRaces, mc.BatchTimeout = true, 10*ms
		return mc
	}
	burst := check(100*ms, 5120, 500, 0, 0, 0.21)
	burst.Burst = &summary.BurstCheck{PeakRate: 3000, Length: time.Second, Absorb: 398 * ms, PredictedDropped: 2335, MeasuredDropped: 2512}
	calm := check(100*ms, 5120, 200, 0, 0, 0)
	calm.Burst = &summary.BurstCheck{PeakRate: 1200, Length: time.Second, Absorb: model.Forever}
	noLatency := &summary.ModelCheck{SpansPerRequest: 3, SampledShare: 1, SpanRate: 600, Delivered: 600, LossFrom: summary.LossFromSink,
		Warnings: []string{"no export was measured and the sink has no delay: no prediction"}}
	return &summary.Summary{
		RunID: "20250102T030405Z-modelcheck", Profile: "modelcheck", Status: "complete", Baseline: "none",
		Rates: []summary.RateSummary{
			{Rate: 400, Rows: []summary.Row{
				{Variant: "none", Kind: "none", Baseline: true, Reps: 1, RequestedRate: 400},
				row("m32", 400, check(21700*time.Microsecond, 1475, 400, 0, 0, 0)),
				row("race", 400, racing(check(22200*time.Microsecond, 1487, 400, 0, 0.006, 0.006, race))),
				row("idle", 400, check(22*ms, 2909, 400, 0, 0, 0)),
				row("tiny", 400, check(6500*time.Microsecond, 1230, 400, 0, 0.0004, 0.024)),
				row("burst", 400, calm),
				row("unmeasured", 400, noLatency),
			}},
			{Rate: 600, Rows: []summary.Row{
				{Variant: "none", Kind: "none", Baseline: true, Reps: 1, RequestedRate: 600},
				row("m32", 600, check(21600*time.Microsecond, 1479, 600, 0.178, 0.164, 0.35)),
				row("race", 600, racing(check(22100*time.Microsecond, 1493, 600, 0.17, 0.157, 0.191, race))),
				row("idle", 600, check(22*ms, 2909, 600, 0, 0, 0)),
				row("tiny", 600, check(6400*time.Microsecond, 1250, 600, 0.306, 0.30, 0.377)),
				row("burst", 600, burst),
			}},
		},
		ModelChecks: []summary.OnsetCheck{
			{Variant: "m32", Kind: "batch", Rates: 2, Threshold: summary.OnsetThreshold, ExportLatency: 21650 * time.Microsecond,
				LatencyFrom: summary.LatencyFromExports, Predicted: 492.3, PredictedRun: 501.2, PredictedRunLow: 380, PredictedRunHigh: 520, Below: 400, Above: 600, AboveLoss: 0.35,
				Measured: 400, MeasuredLinear: 402.9, Ratio: 501.2 / 400, SteadyRatio: 492.3 / 400, Within: false, InBand: true,
				Notes: []string{"the rates that bracket the onset (400/s, 600/s) are more than 20% apart: the onset between them is interpolated (403/s on a straight line)"}},
			{Variant: "race", Kind: "batch", Rates: 2, Threshold: summary.OnsetThreshold, ExportLatency: 22150 * time.Microsecond,
				LatencyFrom: summary.LatencyFromExports, Predicted: 492, PredictedRun: 389, PredictedRunLow: 351, PredictedRunHigh: 493, Below: 300, BelowLoss: 0, Above: 400, AboveLoss: 0.006,
				Measured: 389, Ratio: 1, SteadyRatio: 1.265, Within: true},
			{Variant: "idle", Kind: "batch", Rates: 2, Threshold: summary.OnsetThreshold, ExportLatency: 22 * ms,
				LatencyFrom: summary.LatencyFromExports, Predicted: 969.7, PredictedRun: 981, PredictedRunLow: 971, PredictedRunHigh: 988,
				Notes: []string{"the highest rate lost no more than 0.5%: the measured onset is above 600/s"}},
			{Variant: "tiny", Kind: "batch", Rates: 2, Threshold: summary.OnsetThreshold, ExportLatency: 6500 * time.Microsecond,
				LatencyFrom: summary.LatencyFromExports, Predicted: 410, PredictedRun: 351, PredictedRunLow: 154, PredictedRunHigh: 393, Above: 400, AboveLoss: 0.024,
				Notes: []string{"the lowest rate already lost more than 0.5%: the measured onset is below 400/s"}},
		},
	}
}

func TestModelSectionGolden(t *testing.T) {
	for _, ext := range []string{"txt", "md"} {
		t.Run(ext, func(t *testing.T) {
			var b bytes.Buffer
			var r renderer = &markdownRenderer{w: &b}
			if ext == "txt" {
				r = &textRenderer{w: &b}
			}
			modelSection(r, modelSummary())
			if err := r.err(); err != nil {
				t.Fatal(err)
			}
			golden(t, "model."+ext, b.Bytes())
		})
	}
}

// A run without a batch variant has no model section.
func TestModelSectionEmpty(t *testing.T) {
	var b bytes.Buffer
	r := &markdownRenderer{w: &b}
	modelSection(r, &summary.Summary{Rates: []summary.RateSummary{{Rate: 100, Rows: []summary.Row{{Variant: "none", Kind: "none"}}}}})
	if b.Len() != 0 {
		t.Errorf("wrote %q, want nothing", b.String())
	}
}
