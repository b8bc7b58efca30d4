package predict

import (
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// RowCheck sets the model's prediction for one batch or sampled row beside
// what the row measured.
type RowCheck struct {
	Variant string `json:"variant"`
	Rate    int    `json:"rate"`
	// Settings are the processor settings the prediction used;
	// SettingsFrom says where they come from (summary.SettingsFromTarget
	// or summary.SettingsFromProfile).
	Settings     settings.Batch `json:"settings"`
	SettingsFrom string         `json:"settings_from"`
	// SpansPerRequest is the spans each request ends and SampledShare the
	// share of requests sampled (the sample ratio of kind sampled, 1 for
	// batch); SpanRate is the requested rate times both, in spans/s.
	SpansPerRequest int     `json:"spans_per_request"`
	SampledShare    float64 `json:"sampled_share"`
	SpanRate        float64 `json:"span_rate"`
	// ExportLatency is the time of one export the prediction assumed;
	// LatencyFrom says which (LatencyFromExports or LatencyFromSink).
	ExportLatency time.Duration `json:"export_latency"`
	LatencyFrom   string        `json:"latency_from"`
	// Ceiling is the predicted most spans/s the processor exports;
	// Regime what makes it export ("timer", "full", "saturated");
	// TimerRaces that a full batch's export outlasts the batch timeout.
	// Ceiling and PredictedOnset are 0 when no prediction could be made.
	Ceiling    float64 `json:"predicted_ceiling"`
	Regime     string  `json:"predicted_regime"`
	TimerRaces bool    `json:"timer_races,omitempty"`
	// PredictedLoss is the predicted steady-state share of spans lost
	// (dropped or in exports cut by the export timeout).
	PredictedLoss float64 `json:"predicted_loss"`
	// PredictedOnset is the request rate above which the model predicts
	// loss with this latency.
	PredictedOnset float64 `json:"predicted_onset"`
	// RunLoss is the predicted share of spans dropped over one cell (warm-up
	// and attack) by a processor that starts idle, each export's duration
	// drawn from the row's export histogram (model.PredictRun), so that
	// slow exports here and there and the queue's room at the start count;
	// LatencyPoints is the number of histogram buckets that held exports (0:
	// the mean latency alone). Both are 0 when the profile has a burst.
	RunLoss       float64 `json:"predicted_run_loss"`
	LatencyPoints int     `json:"latency_points,omitempty"`
	// MeasuredLoss is the share of the row's spans lost, over every
	// repetition (warm-up included); LossFrom says how it was counted
	// (summary.LossFromAccounting or summary.LossFromSink).
	MeasuredLoss float64 `json:"measured_loss"`
	LossFrom     string  `json:"loss_from"`
	// Delivered is SpanRate × (1 − MeasuredLoss): at a lossy rate, the
	// measured counterpart of Ceiling.
	Delivered float64 `json:"delivered"`
	// Burst compares the spans a burst drops, when the profile has one.
	Burst *BurstCheck `json:"burst,omitempty"`
	// Notes say why a prediction or a measurement is less than it seems.
	Notes []Note `json:"notes,omitempty"`

	// exports is the row's export histogram, for the onset check.
	exports exportHistogram
}

// BurstCheck compares the spans the model predicts a burst drops with the
// spans measured dropped, per measured attack.
type BurstCheck struct {
	// PeakRate is the request rate during the burst and Length how long it
	// lasts.
	PeakRate float64       `json:"peak_rate"`
	Length   time.Duration `json:"length"`
	// Absorb is how long the predicted queue lasts at the peak before its
	// first drop, for a burst that starts as an export begins (model.Forever
	// when the peak does not exceed the ceiling).
	Absorb time.Duration `json:"absorb"`
	// PredictedDropped is the spans a cell is predicted to drop: those of
	// the burst, started at the worst moment, and at the steady loss share
	// those of the rest of the warm-up and the attack.
	PredictedDropped float64 `json:"predicted_dropped"`
	// MeasuredDropped is the spans lost per repetition, counted as for
	// RowCheck.MeasuredLoss.
	MeasuredDropped float64 `json:"measured_dropped"`
}

// checkRow predicts row, of variant v, and sets the prediction beside what
// the row measured.
func checkRow(row summary.Row, v summary.VariantInfo, p *profile.Profile) RowCheck {
	s := v.Settings.Batch
	mc := RowCheck{
		Variant: v.Name, Rate: int(row.RequestedRate),
		Settings: s, SettingsFrom: v.SettingsFrom,
		SpansPerRequest: row.Spans.PerRequest,
		SampledShare:    v.Settings.SampledShare(),
		LossFrom:        row.Loss.From,
		MeasuredLoss:    row.Loss.Share(),
		exports:         exportHistogram(row.Exports),
	}
	mc.SpanRate = row.RequestedRate * float64(mc.SpansPerRequest) * mc.SampledShare
	mc.Delivered = mc.SpanRate * (1 - mc.MeasuredLoss)
	if row.Loss.From == summary.LossFromSink {
		mc.Notes = append(mc.Notes, Note{Kind: NoteLossFromSink})
	}
	mc.ExportLatency, mc.LatencyFrom = row.Blocking.ExportMean, LatencyFromExports
	if mc.ExportLatency <= 0 {
		mc.ExportLatency, mc.LatencyFrom = p.Sink.Delay.D(), LatencyFromSink
	}
	if mc.ExportLatency <= 0 {
		mc.LatencyFrom = ""
		mc.Notes = append(mc.Notes, Note{Kind: NoteNoLatency})
		return mc
	}
	load := loadOf(&mc, row.RequestedRate)
	if b := p.Burst; b != nil {
		load.Burst = model.Burst{PeakRequestsPerSec: row.RequestedRate * b.Factor, Length: b.Length.D()}
	}
	pr, err := model.Predict(s, load)
	if err != nil {
		mc.Notes = append(mc.Notes, Note{Kind: NoteNoPrediction, Detail: err.Error()})
		return mc
	}
	mc.Ceiling = finite(pr.Ceiling, 0)
	mc.Regime = pr.Regime.String()
	mc.TimerRaces = pr.TimerRaces
	mc.PredictedLoss = pr.LossFraction
	mc.PredictedOnset = finite(pr.LossOnsetRequestsPerSec, 0)
	if pr.TimerRaces {
		mc.Notes = append(mc.Notes, Note{Kind: NoteTimerRaces, Value: float64(s.BatchTimeout)})
	}
	if p.Burst != nil {
		mc.Burst = burstCheck(pr, p, row)
		return mc
	}
	lat := mc.exports.points()
	if mc.LatencyFrom != LatencyFromExports {
		lat = nil
	}
	run, err := model.PredictRun(s, load, lat, cellLength(p))
	if err != nil {
		mc.Notes = append(mc.Notes, Note{Kind: NoteNoRunPrediction, Detail: err.Error()})
		return mc
	}
	mc.RunLoss, mc.LatencyPoints = run.DropFraction, len(lat)
	return mc
}

// burstCheck compares the spans one cell is predicted to drop, the burst's
// and the steady loss of the rest of the cell, with those measured.
func burstCheck(pr model.Prediction, p *profile.Profile, row summary.Row) *BurstCheck {
	b := p.Burst
	bc := &BurstCheck{
		PeakRate: pr.Load.Burst.PeakRequestsPerSec,
		Length:   b.Length.D(),
		Absorb:   pr.Burst.Absorb,
	}
	steady := pr.SpanRate * max(0, cellLength(p).Seconds()-b.Length.D().Seconds())
	bc.PredictedDropped = pr.Burst.Dropped + pr.DropFraction*steady
	if row.Reps > 0 {
		bc.MeasuredDropped = float64(row.Loss.Lost) / float64(row.Reps)
	}
	return bc
}
