package predict

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

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
	Notes []Note `json:"notes,omitempty"`
}

// onsetCheck reads the measured loss onset of one variant from its row
// checks, lowest rate first, and sets the model's beside it.
func onsetCheck(v summary.VariantInfo, p *profile.Profile, rows []RowCheck) OnsetCheck {
	oc := OnsetCheck{Variant: v.Name, Kind: v.Kind, Rates: len(rows), Threshold: OnsetThreshold}
	first := onsetIndex(rows)
	near := bracket(&oc, rows, first)
	predictOnset(&oc, v, p, near)
	onsetNotes(&oc, p, rows, first)
	if oc.Measured > 0 {
		if oc.Predicted > 0 {
			oc.SteadyRatio = oc.Predicted / oc.Measured
			oc.Ratio = oc.SteadyRatio
		}
		if oc.PredictedRun > 0 {
			oc.Ratio = oc.PredictedRun / oc.Measured
		}
		oc.Within = oc.Ratio > 0 && math.Abs(oc.Ratio-1) <= OnsetTolerance
		oc.InBand = oc.PredictedRun > 0 && oc.Measured >= oc.PredictedRunLow && oc.Measured <= oc.PredictedRunHigh
	}
	return oc
}

// lossy says a row lost more than the threshold.
func lossy(r RowCheck) bool { return r.MeasuredLoss > OnsetThreshold }

// onsetIndex is the index of the first row of the run of lossy rates that
// reaches the highest; -1 when the highest did not lose.
func onsetIndex(rows []RowCheck) int {
	first := len(rows)
	for first > 0 && lossy(rows[first-1]) {
		first--
	}
	if first == len(rows) {
		return -1
	}
	return first
}

// bracket fills the measured onset between the rates that bracket it and
// returns the rows nearest it, which give the prediction its latency.
func bracket(oc *OnsetCheck, rows []RowCheck, first int) []RowCheck {
	switch {
	case first < 0:
		return rows[len(rows)-1:]
	case first == 0:
		oc.Above, oc.AboveLoss = float64(rows[0].Rate), rows[0].MeasuredLoss
		return rows[:1]
	}
	lo, hi := rows[first-1], rows[first]
	oc.Below, oc.BelowLoss = float64(lo.Rate), lo.MeasuredLoss
	oc.Above, oc.AboveLoss = float64(hi.Rate), hi.MeasuredLoss
	oc.Measured = min(max(oc.Above*(1-oc.AboveLoss)/(1-OnsetThreshold), oc.Below), oc.Above)
	oc.MeasuredLinear = oc.Below + (oc.Above-oc.Below)*(OnsetThreshold-oc.BelowLoss)/(oc.AboveLoss-oc.BelowLoss)
	return rows[first-1 : first+1]
}

// predictOnset predicts the onset with the latency of the rows near it.
func predictOnset(oc *OnsetCheck, v summary.VariantInfo, p *profile.Profile, near []RowCheck) {
	var sum time.Duration
	var hist exportHistogram
	for _, r := range near {
		sum += r.ExportLatency
		oc.LatencyFrom = r.LatencyFrom
		hist = hist.merge(r.exports)
	}
	oc.ExportLatency = sum / time.Duration(len(near))
	if oc.ExportLatency <= 0 {
		return
	}
	s := v.Settings.Batch
	load := loadOf(&near[0], 0)
	load.ExportLatency = oc.ExportLatency
	oc.Predicted = finite(model.LossOnsetRequestsPerSec(s, load), 0)
	if p.Burst != nil {
		return
	}
	lat := hist.points()
	if oc.LatencyFrom != LatencyFromExports {
		lat = nil
	}
	if band, err := model.RunOnsetBand(s, load, lat, cellLength(p), OnsetThreshold); err == nil {
		oc.PredictedRunLow, oc.PredictedRun, oc.PredictedRunHigh = finite(band.Low, 0), finite(band.Median, 0), finite(band.High, 0)
	}
}

// onsetNotes says what limits the comparison.
func onsetNotes(oc *OnsetCheck, p *profile.Profile, rows []RowCheck, first int) {
	switch {
	case p.Burst != nil:
		oc.Notes = append(oc.Notes, Note{Kind: NoteBurst})
	case first < 0:
		oc.Notes = append(oc.Notes, Note{Kind: NoteAboveHighest, Rate: float64(rows[len(rows)-1].Rate), Value: OnsetThreshold})
	case first == 0:
		oc.Notes = append(oc.Notes, Note{Kind: NoteBelowLowest, Rate: float64(rows[0].Rate), Value: OnsetThreshold})
	}
	if oc.Measured > 0 && oc.Above > (1+OnsetTolerance)*oc.Below {
		oc.Notes = append(oc.Notes, Note{Kind: NoteInterpolated, Below: oc.Below, Above: oc.Above, Limit: OnsetTolerance, Value: oc.MeasuredLinear})
	}
	for i, r := range rows {
		if (first < 0 || i < first) && lossy(r) {
			oc.Notes = append(oc.Notes, Note{Kind: NoteLossBelowOnset, Rate: float64(r.Rate), Value: r.MeasuredLoss, Limit: r.RunLoss})
		}
	}
}
