package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
)

// DropFraction returns the steady-state share of spans OnEnd drops because
// the queue is full: 1 − μ/λ when the span rate λ exceeds the Ceiling μ, else
// 0. It is 0 with settings.Batch.Blocking, where OnEnd waits instead (see
// BlockingPrediction).
func DropFraction(s settings.Batch, l Load) float64 {
	return dropFractionAt(s, l, SpanRate(l))
}

func dropFractionAt(s settings.Batch, l Load, rate float64) float64 {
	mu := Ceiling(s, l)
	if s.Blocking || rate <= mu || rate <= 0 {
		return 0
	}
	return 1 - mu/rate
}

// LossFraction returns the steady-state share of spans that never reach the
// collector: those dropped at a full queue (DropFraction), and those in
// exports that outlast ExportTimeout and are cancelled (all of them when the
// typical batch's export does): 1 − (1 − drop)(1 − failed).
func LossFraction(s settings.Batch, l Load) float64 {
	f := flowAt(s, l, SpanRate(l))
	return 1 - (1-dropFractionAt(s, l, f.rate))*(1-failFraction(s, l, f))
}

// failFraction returns the share of exported spans whose export is cancelled
// by ExportTimeout: all or none, judged on the mean batch of flow f.
func failFraction(s settings.Batch, l Load, f flow) float64 {
	if exportFails(s, l, f.batch) {
		return 1
	}
	return 0
}

// LossOnsetRequestsPerSec returns the request rate above which spans are
// lost with these settings, latency and sampling: the Ceiling divided by the
// sampled spans per request, μ / (SpansPerRequest × SampledShare). When
// batches big enough to outlast ExportTimeout would form first (a large
// PerSpanExportCost), it is the rate at which they form; when every export
// outlasts ExportTimeout it is 0. It is +Inf when no span reaches the
// processor or exports take no time. With Blocking, it is the rate at which
// OnEnd starts to wait and above which the service cannot serve more.
func LossOnsetRequestsPerSec(s settings.Batch, l Load) float64 {
	perRequest := spansPerRequest(l)
	if perRequest <= 0 {
		return math.Inf(1)
	}
	return onsetSpanRate(s, l) / perRequest
}

// onsetSpanRate returns the span rate at which loss starts: the Ceiling, or
// the rate at which the timer gathers a batch whose export outlasts
// ExportTimeout, whichever is lower.
func onsetSpanRate(s settings.Batch, l Load) float64 {
	onset := Ceiling(s, l)
	x := s.ExportTimeout.Seconds()
	if x <= 0 {
		return onset
	}
	lat, per := l.ExportLatency.Seconds(), l.PerSpanExportCost.Seconds()
	if lat >= x {
		return 0
	}
	if per <= 0 {
		return onset
	}
	// Batches of more than (x − lat)/per spans fail. The timer gathers λ·T
	// spans, a full batch M.
	largest := (x - lat) / per
	if largest < float64(s.MaxExportBatchSize) && s.BatchTimeout > 0 {
		onset = math.Min(onset, largest/s.BatchTimeout.Seconds())
	}
	return onset
}
