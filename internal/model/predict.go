package model

import (
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// Prediction is the model's steady-state answer for one settings.Batch and Load.
// Caveats about its own accuracy are in Warnings, beside the numbers.
type Prediction struct {
	// Settings and Load are the inputs, as given.
	Settings settings.Batch
	Load     Load

	// SpanRate is λ, the spans per second reaching the processor.
	SpanRate float64
	// Ceiling is μ, the most spans per second the worker takes from the
	// queue (+Inf when exports take no time).
	Ceiling float64
	// Utilisation is λ/μ; above 1 the queue overflows.
	Utilisation float64
	// Regime says what makes the worker export.
	Regime Regime
	// TimerRaces reports that a full batch's export lasts at least
	// BatchTimeout, so that batches split at random (see TimerRaces).
	TimerRaces bool

	// BatchSize is the mean number of spans per ExportSpans call.
	BatchSize float64
	// ExportsPerSec is the number of ExportSpans calls per second.
	ExportsPerSec float64
	// ExportDuration is the time of one such call, cut at ExportTimeout.
	ExportDuration time.Duration

	// Loses reports whether any span is lost in the steady state.
	Loses bool
	// DropFraction is the share of spans dropped at a full queue.
	DropFraction float64
	// LossFraction is the share of spans that never reach the collector:
	// dropped, or in an export cancelled by ExportTimeout.
	LossFraction float64
	// DeliveredSpanRate is the spans per second the collector receives.
	DeliveredSpanRate float64
	// LossOnsetRequestsPerSec is the request rate above which spans are lost
	// (see LossOnsetRequestsPerSec).
	LossOnsetRequestsPerSec float64

	// Burst is what Load.Burst (or the steady rate, without one) does to
	// the queue; Burst.Absorb is the time before the first drop.
	Burst BurstPrediction
	// Staleness is how old spans are when exported.
	Staleness Staleness
	// Blocking is the cost of WithBlocking under overload.
	Blocking BlockingPrediction
	// Memory is the processor's heap for spans of BytesPerQueuedSpan.
	Memory Memory

	// Warnings name the conditions in which the numbers above are
	// approximate or the settings misbehave.
	Warnings []error
}

// Predict returns the steady state of a BatchSpanProcessor with settings s
// under load l, or an error naming every invalid input.
func Predict(s settings.Batch, l Load) (Prediction, error) {
	if err := errors.Join(s.Validate(), l.Validate()); err != nil {
		return Prediction{}, err
	}
	f := flowAt(s, l, SpanRate(l))
	p := Prediction{
		Settings:                s,
		Load:                    l,
		SpanRate:                f.rate,
		Ceiling:                 f.ceiling,
		Regime:                  f.regime,
		TimerRaces:              f.races,
		ExportsPerSec:           f.exportsPerSec(),
		ExportDuration:          seconds(f.export),
		DropFraction:            dropFractionAt(s, l, f.rate),
		LossFraction:            LossFraction(s, l),
		LossOnsetRequestsPerSec: LossOnsetRequestsPerSec(s, l),
		Burst:                   burstAt(s, l),
		Staleness:               stalenessOf(s, f),
		Blocking:                blockingOf(s, l, f),
		Memory:                  MemoryOf(s, BytesPerQueuedSpan),
	}
	if !math.IsInf(f.ceiling, 1) {
		p.Utilisation = f.rate / f.ceiling
	}
	switch {
	case f.regime == RegimeSaturated:
		p.BatchSize = f.batch
	case p.ExportsPerSec > 0:
		p.BatchSize = f.rate / p.ExportsPerSec
	}
	p.Loses = p.LossFraction > 0
	p.DeliveredSpanRate = math.Min(f.rate, f.ceiling) * (1 - failFraction(s, l, f))
	p.Warnings = warnings(s, l, f)
	return p, nil
}

// warnings returns the caveats of flow f.
func warnings(s settings.Batch, l Load, f flow) []error {
	var w []error
	if f.rate == 0 {
		w = append(w, errors.New("no spans reach the processor: requests per second, spans per request or sampled share is zero"))
	}
	if f.races {
		full := exportSeconds(s, l, float64(s.MaxExportBatchSize))
		w = append(w, fmt.Errorf("a full batch's export (%v) lasts at least the batch timeout (%v): the timer fires during every export and batches split at random, about %.0f spans on average instead of %d; the ceiling, staleness and burst figures are approximate; make the batch timeout longer than the export",
			seconds(full), s.BatchTimeout, RaceBatchSize(s.MaxExportBatchSize), s.MaxExportBatchSize))
	}
	if exportFails(s, l, f.batch) {
		w = append(w, fmt.Errorf("an export of %.0f spans takes %v, beyond the export timeout %v: it is cancelled and its spans are lost",
			f.batch, seconds(l.ExportLatency.Seconds()+f.batch*l.PerSpanExportCost.Seconds()), s.ExportTimeout))
	}
	if s.Blocking && f.regime == RegimeSaturated {
		w = append(w, fmt.Errorf("blocking with %.0f spans/s offered against a ceiling of %.0f: OnEnd waits grow without bound for an open-loop client, and the request path is throttled to the ceiling",
			f.rate, f.ceiling))
	}
	return w
}
