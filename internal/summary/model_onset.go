package summary

import (
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

// onsetCheck reads the measured loss onset of one variant from its rows, in
// rate order, and sets the model's beside it.
func onsetCheck(v profile.Variant, p *profile.Profile, s settings.Batch, rows []checkedRow) OnsetCheck {
	oc := OnsetCheck{Variant: v.Name, Kind: v.Kind, Rates: len(rows), Threshold: OnsetThreshold}
	lossy := func(r checkedRow) bool { return r.Model.MeasuredLoss > OnsetThreshold }
	// The onset starts the run of lossy rates that reaches the highest.
	first := len(rows)
	for first > 0 && lossy(rows[first-1]) {
		first--
	}
	if first == len(rows) {
		first = -1
	}
	// The rows nearest the onset give the latency of the prediction.
	var near []checkedRow
	switch {
	case first < 0:
		near = rows[len(rows)-1:]
	case first == 0:
		near = rows[:1]
		oc.Above, oc.AboveLoss = rows[0].RequestedRate, rows[0].Model.MeasuredLoss
	default:
		near = rows[first-1 : first+1]
		lo, hi := rows[first-1], rows[first]
		oc.Below, oc.BelowLoss = lo.RequestedRate, lo.Model.MeasuredLoss
		oc.Above, oc.AboveLoss = hi.RequestedRate, hi.Model.MeasuredLoss
		oc.Measured = min(max(oc.Above*(1-oc.AboveLoss)/(1-OnsetThreshold), oc.Below), oc.Above)
		oc.MeasuredLinear = oc.Below + (oc.Above-oc.Below)*(OnsetThreshold-oc.BelowLoss)/(oc.AboveLoss-oc.BelowLoss)
	}
	var sum time.Duration
	var hist exportHistogram
	for _, r := range near {
		sum += r.Model.ExportLatency
		oc.LatencyFrom = r.Model.LatencyFrom
		hist = hist.merge(r.cells.exports)
	}
	oc.ExportLatency = sum / time.Duration(len(near))
	if oc.ExportLatency > 0 {
		load := modelLoad(near[0].Model, 0)
		load.ExportLatency = oc.ExportLatency
		oc.Predicted = finite(model.LossOnsetRequestsPerSec(s, load), 0)
		if p.Burst == nil {
			lat := hist.points()
			if oc.LatencyFrom != LatencyFromExports {
				lat = nil
			}
			if band, err := model.RunOnsetBand(s, load, lat, cellLength(p), OnsetThreshold); err == nil {
				oc.PredictedRunLow, oc.PredictedRun, oc.PredictedRunHigh = finite(band.Low, 0), finite(band.Median, 0), finite(band.High, 0)
			}
		}
	}
	switch {
	case p.Burst != nil:
		oc.Notes = append(oc.Notes, "every attack has a burst: the measured loss is the burst's as much as the steady rate's")
	case first < 0:
		oc.Notes = append(oc.Notes, fmt.Sprintf("the highest rate lost no more than %.1f%%: the measured onset is above %.0f/s", 100*OnsetThreshold, rows[len(rows)-1].RequestedRate))
	case first == 0:
		oc.Notes = append(oc.Notes, fmt.Sprintf("the lowest rate already lost more than %.1f%%: the measured onset is below %.0f/s", 100*OnsetThreshold, rows[0].RequestedRate))
	}
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
		if oc.Above > (1+OnsetTolerance)*oc.Below {
			oc.Notes = append(oc.Notes, fmt.Sprintf("the rates that bracket the onset (%.0f/s, %.0f/s) are more than %.0f%% apart: the onset between them is interpolated (%.0f/s on a straight line)",
				oc.Below, oc.Above, 100*OnsetTolerance, oc.MeasuredLinear))
		}
	}
	for i, r := range rows {
		if (first < 0 || i < first) && lossy(r) {
			oc.Notes = append(oc.Notes, fmt.Sprintf("%.0f/s lost %.1f%%, below the onset (predicted over the cell, with its export durations: %.1f%%)",
				r.RequestedRate, 100*r.Model.MeasuredLoss, 100*r.Model.RunLoss))
		}
	}
	return oc
}
