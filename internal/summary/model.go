package summary

import (
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// Thresholds of the model check.
const (
	// OnsetThreshold is the measured loss share above which a rate counts as
	// lossy when the loss onset is read from the measurements: a few spans
	// lost at a rate below the onset (a scheduling hiccup, a slow export)
	// should not count.
	OnsetThreshold = 0.005
	// OnsetTolerance is how far, relative to the measured onset, the
	// predicted onset may be and still agree with it.
	OnsetTolerance = 0.20
)

// Where a model check's inputs come from.
const (
	// SettingsFromTarget: the processor settings the target reported in
	// effect (its ready line, run.json's variant "effective").
	SettingsFromTarget = "target"
	// SettingsFromProfile: the profile's settings, the SDK's defaults for
	// those it leaves out.
	SettingsFromProfile = "profile"
	// LatencyFromExports: the mean duration of the target's ExportSpans
	// calls, from its export histogram (failures and retries included).
	LatencyFromExports = "export mean"
	// LatencyFromSink: the sink's configured delay, when no export was
	// measured.
	LatencyFromSink = "sink delay"
	// LossFromAccounting: spans dropped at a full queue plus spans of
	// failed exports, over spans ended, from the cells' accounting.
	LossFromAccounting = "dropped+failed"
	// LossFromSink: ended − received at the sink, over spans ended, when
	// dropped spans cannot be told apart from spans lost at shutdown.
	LossFromSink = "lost"
)

// ModelCheck sets internal/model's prediction for one batch or sampled row
// beside what the row measured. The prediction uses the processor settings
// in effect, the requested rate, the sampled spans per request and the
// export latency the row measured, so that it checks the model's account of
// the processor rather than a guess at the collector's speed.
type ModelCheck struct {
	// Settings are the processor settings the prediction used;
	// SettingsFrom says where they come from (SettingsFromTarget or
	// SettingsFromProfile).
	QueueSize          int           `json:"queue_size"`
	MaxExportBatchSize int           `json:"max_export_batch_size"`
	BatchTimeout       time.Duration `json:"batch_timeout"`
	ExportTimeout      time.Duration `json:"export_timeout"`
	Blocking           bool          `json:"blocking,omitempty"`
	SettingsFrom       string        `json:"settings_from"`
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
	// (LossFromAccounting or LossFromSink).
	MeasuredLoss float64 `json:"measured_loss"`
	LossFrom     string  `json:"loss_from"`
	// Delivered is SpanRate × (1 − MeasuredLoss): at a lossy rate, the
	// measured counterpart of Ceiling.
	Delivered float64 `json:"delivered"`
	// Burst compares the spans a burst drops, when the profile has one.
	Burst *BurstCheck `json:"burst,omitempty"`
	// Warnings say why a prediction or a measurement is less than it seems.
	Warnings []string `json:"warnings,omitempty"`
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
	// ModelCheck.MeasuredLoss.
	MeasuredDropped float64 `json:"measured_dropped"`
}

// OnsetCheck compares, for one variant measured at several rates, the
// request rate where the model predicts loss begins with the rate where the
// measured loss passes OnsetThreshold for good.
type OnsetCheck struct {
	Variant string       `json:"variant"`
	Kind    profile.Kind `json:"kind"`
	// Rates is how many rates the variant was measured at.
	Rates int `json:"rates"`
	// Threshold is the loss share that counts as lossy (OnsetThreshold).
	Threshold float64 `json:"threshold"`
	// ExportLatency is the latency of the prediction: the mean of the
	// latencies of the two rates that bracket the measured onset (or of the
	// one nearest to it), as LatencyFrom says.
	ExportLatency time.Duration `json:"export_latency"`
	LatencyFrom   string        `json:"latency_from"`
	// Predicted is the steady-state onset (model.LossOnsetRequestsPerSec),
	// in requests/s.
	Predicted float64 `json:"predicted"`
	// PredictedRun is the rate at which half the cells the model plays
	// (model.RunOnsetBand: idle at the start, export durations drawn from
	// the histograms of the rates that bracket the measured onset, timer
	// races split at random) lose more than Threshold: the onset a cell of
	// this profile should measure. PredictedRunLow and PredictedRunHigh
	// are where a tenth and nine tenths of them do: how far one cell's
	// onset may stray. 0 when not computed (a burst, no latency).
	PredictedRun     float64 `json:"predicted_run"`
	PredictedRunLow  float64 `json:"predicted_run_low"`
	PredictedRunHigh float64 `json:"predicted_run_high"`
	// Above is the lowest rate from which every rate measured lost more
	// than the threshold, and AboveLoss its loss; 0 and 0 when the highest
	// rate did not. A lossy rate below it is a loss below the onset (slow
	// exports here and there), listed in Notes.
	Above     float64 `json:"above"`
	AboveLoss float64 `json:"above_loss"`
	// Below is the rate under Above, and BelowLoss its loss; 0 and 0 when
	// Above is the lowest rate.
	Below     float64 `json:"below"`
	BelowLoss float64 `json:"below_loss"`
	// Measured is where the loss crosses the threshold between Below and
	// Above: Above × (1 − AboveLoss)/(1 − Threshold), the rate at which the
	// spans Above delivered would be all but the threshold's share, kept
	// within [Below, Above]. Above its ceiling a processor delivers the same
	// spans whatever the rate, so loss grows as 1 − c/rate; a straight
	// line between Below and Above, MeasuredLinear, puts the onset too low
	// when they are far apart. Both are 0 when the rates do not bracket
	// the onset.
	Measured       float64 `json:"measured"`
	MeasuredLinear float64 `json:"measured_linear"`
	// Ratio is PredictedRun / Measured (Predicted / Measured when there
	// is no PredictedRun), and Within says it is within OnsetTolerance of
	// 1; SteadyRatio is Predicted / Measured. All are zero when Measured
	// is.
	Ratio       float64 `json:"ratio"`
	Within      bool    `json:"within"`
	SteadyRatio float64 `json:"steady_ratio"`
	// InBand says Measured lies between PredictedRunLow and
	// PredictedRunHigh: a single cell's onset the model finds likely.
	InBand bool `json:"in_band"`
	// Notes say what limits the comparison.
	Notes []string `json:"notes,omitempty"`
}

// modelChecks fills the Model of every batch and sampled row of rates and
// returns an OnsetCheck for every such variant (blocking ones excepted)
// measured at two rates or more.
//
// It checks nothing when the sink had outages, black holes or injected
// errors: the model is of a collector that answers every export, and its
// "no loss" beside an outage's losses would only mislead.
func modelChecks(l *results.Loaded, p *profile.Profile, rates []RateSummary) []OnsetCheck {
	if len(p.Sink.Outages) > 0 || len(p.Sink.BlackHoles) > 0 || p.Sink.Errors != nil {
		return nil
	}
	var out []OnsetCheck
	for _, v := range p.Variants {
		if v.Kind != profile.KindBatch && v.Kind != profile.KindSampled {
			continue
		}
		s, from := variantSettings(v, readyLineOf(l, v.Name))
		var rows []checkedRow
		for i := range rates {
			for j := range rates[i].Rows {
				row := &rates[i].Rows[j]
				if row.Variant != v.Name || row.Reps == 0 {
					continue
				}
				cells := measuredCells(l, v.Name, rates[i].Rate)
				row.Model = checkRow(*row, v, p, s, from, cells)
				rows = append(rows, checkedRow{row, cells})
			}
		}
		if len(rows) < 2 || s.Blocking {
			continue
		}
		out = append(out, onsetCheck(v, p, s, rows))
	}
	return out
}

// checkedRow is a row with a model check and what its cells measured.
type checkedRow struct {
	*Row
	cells rowCells
}

// checkRow predicts row with settings s (from says where they come from)
// and sets the prediction beside what the row's cells measured.
func checkRow(row Row, v profile.Variant, p *profile.Profile, s settings.Batch, from string, cells rowCells) *ModelCheck {
	mc := &ModelCheck{
		QueueSize: s.QueueSize, MaxExportBatchSize: s.MaxExportBatchSize,
		BatchTimeout: s.BatchTimeout, ExportTimeout: s.ExportTimeout, Blocking: s.Blocking,
		SettingsFrom:    from,
		SpansPerRequest: row.Spans.PerRequest,
		SampledShare:    sampledShare(v),
		LossFrom:        cells.from,
	}
	mc.SpanRate = row.RequestedRate * float64(mc.SpansPerRequest) * mc.SampledShare
	if cells.ended > 0 {
		mc.MeasuredLoss = float64(cells.lost) / float64(cells.ended)
	}
	mc.Delivered = mc.SpanRate * (1 - mc.MeasuredLoss)
	if cells.from == LossFromSink {
		mc.Warnings = append(mc.Warnings, "dropped spans could not be told apart from spans lost at shutdown: measured loss is ended − received")
	}
	mc.ExportLatency, mc.LatencyFrom = row.Blocking.ExportMean, LatencyFromExports
	if mc.ExportLatency <= 0 {
		mc.ExportLatency, mc.LatencyFrom = p.Sink.Delay.D(), LatencyFromSink
	}
	if mc.ExportLatency <= 0 {
		mc.LatencyFrom = ""
		mc.Warnings = append(mc.Warnings, "no export was measured and the sink has no delay: no prediction")
		return mc
	}
	load := modelLoad(mc, row.RequestedRate)
	if b := p.Burst; b != nil {
		load.Burst = model.Burst{PeakRequestsPerSec: row.RequestedRate * b.Factor, Length: b.Length.D()}
	}
	pr, err := model.Predict(s, load)
	if err != nil {
		mc.Warnings = append(mc.Warnings, fmt.Sprintf("no prediction: %v", err))
		return mc
	}
	mc.Ceiling = finite(pr.Ceiling, 0)
	mc.Regime = pr.Regime.String()
	mc.TimerRaces = pr.TimerRaces
	mc.PredictedLoss = pr.LossFraction
	mc.PredictedOnset = finite(pr.LossOnsetRequestsPerSec, 0)
	if pr.TimerRaces {
		mc.Warnings = append(mc.Warnings, fmt.Sprintf("a full batch's export lasts at least the batch timeout (%s): batches split at random, and the steady ceiling and loss are approximate", s.BatchTimeout))
	}
	if p.Burst != nil {
		mc.Burst = burstCheck(pr, p, cells)
		return mc
	}
	lat := cells.exports.points()
	if mc.LatencyFrom != LatencyFromExports {
		lat = nil
	}
	run, err := model.PredictRun(s, load, lat, cellLength(p))
	if err != nil {
		mc.Warnings = append(mc.Warnings, fmt.Sprintf("no prediction over the cell: %v", err))
		return mc
	}
	mc.RunLoss, mc.LatencyPoints = run.DropFraction, len(lat)
	return mc
}

// sampledShare is the share of requests whose spans reach the processor.
func sampledShare(v profile.Variant) float64 {
	if v.Kind == profile.KindSampled && v.SampleRatio != nil {
		return *v.SampleRatio
	}
	return 1
}

// modelLoad is the load of a model check at rate requests/s.
func modelLoad(mc *ModelCheck, rate float64) model.Load {
	return model.Load{
		RequestsPerSec:  rate,
		SpansPerRequest: float64(mc.SpansPerRequest),
		SampledShare:    mc.SampledShare,
		ExportLatency:   mc.ExportLatency,
	}
}

// cellLength is how long each target receives spans: warm-up and attack.
func cellLength(p *profile.Profile) time.Duration {
	return p.Warmup.D() + p.Duration.D()
}

// burstCheck compares the spans one cell is predicted to drop, the burst's
// and the steady loss of the rest of the cell, with those measured.
func burstCheck(pr model.Prediction, p *profile.Profile, cells rowCells) *BurstCheck {
	b := p.Burst
	bc := &BurstCheck{
		PeakRate: pr.Load.Burst.PeakRequestsPerSec,
		Length:   b.Length.D(),
		Absorb:   pr.Burst.Absorb,
	}
	steady := pr.SpanRate * max(0, cellLength(p).Seconds()-b.Length.D().Seconds())
	bc.PredictedDropped = pr.Burst.Dropped + pr.DropFraction*steady
	if cells.reps > 0 {
		bc.MeasuredDropped = float64(cells.lost) / float64(cells.reps)
	}
	return bc
}
