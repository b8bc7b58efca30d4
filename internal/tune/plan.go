package tune

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
)

// Candidate is one set of settings worth measuring, with what the model
// predicts for it.
type Candidate struct {
	Name     string           `json:"name"`
	Settings settings.Tracing `json:"settings"`
	// From says where the settings come from (FromDefaults, FromSizing,
	// FromDoubleQueue); Reasons are the sizing's, for FromSizing.
	From    CandidateFrom   `json:"from"`
	Reasons []advise.Reason `json:"reasons,omitempty"`
	// Predicted is the model's view at the peak load.
	Predicted model.Prediction `json:"predicted"`
}

// CandidateFrom says where a candidate's settings come from.
type CandidateFrom string

// Where candidates come from.
const (
	// FromDefaults: the SDK's defaults, measured first as the reference.
	FromDefaults CandidateFrom = "defaults"
	// FromSizing: the defaults sized by advise.Size for the stated load.
	FromSizing CandidateFrom = "sizing"
	// FromDoubleQueue: the sized settings with twice the queue, room for a
	// collector slower than stated.
	FromDoubleQueue CandidateFrom = "double-queue"
	// FromGrid: a point of the small grid measured for an SDK the model
	// does not describe (GridPlan).
	FromGrid CandidateFrom = "grid"
)

// Inputs returns what the sizing works from for s at spansPerRequest.
func (s Spec) Inputs(spansPerRequest int) advise.Inputs {
	in := advise.Inputs{
		PeakRequestsPerSec: float64(s.PeakRate),
		LowRequestsPerSec:  float64(s.PeakRate),
		SpansPerRequest:    spansPerRequest,
		SampledShare:       s.SampleRatio,
		// The p99 when given, so that the slow exports do not fill the queue.
		ExportLatency: max(s.Latency, s.LatencyP99),
		LatencySource: advise.LatencyGiven,
	}
	if b := s.Burst; b != nil {
		in.BurstRequestsPerSec, in.BurstLength = float64(s.PeakRate)*b.Factor, b.Length.D()
	}
	return in
}

// Plan narrows the settings to the few candidates worth measuring: the
// SDK's defaults first (the reference, whatever the model says of them),
// the defaults sized by the one sizing policy of package advise, and
// those with twice the queue. It never proposes a zero queue, a zero batch
// timeout or a batch timeout an export outlasts, and it keeps the queue's
// memory within the budget.
func Plan(s Spec, spansPerRequest int) ([]Candidate, error) {
	in := s.Inputs(spansPerRequest)
	l := model.Load{RequestsPerSec: in.PeakRequestsPerSec, SpansPerRequest: float64(spansPerRequest), SampledShare: in.SampledShare, ExportLatency: in.ExportLatency}
	if in.BurstRequestsPerSec > 0 {
		l.Burst = model.Burst{PeakRequestsPerSec: in.BurstRequestsPerSec, Length: in.BurstLength}
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	def := settings.Default()
	def.SampleRatio = s.SampleRatio
	cands := []Candidate{{Name: "defaults", Settings: def, From: FromDefaults}}
	sz := advise.Size(def, advise.Origin{}, in)
	for _, n := range sz.Notes {
		if n.Kind == advise.NoteNoBatchSize || n.Kind == advise.NoteNoQueue {
			return nil, fmt.Errorf("no settings keep %.0f spans/s with exports of %v: %s: %w", n.Value, in.ExportLatency, n.Detail, model.ErrNoSolution)
		}
	}
	sized := Candidate{Settings: sz.Settings, From: FromSizing, Reasons: sz.Reasons}
	double := Candidate{Settings: sz.Settings, From: FromDoubleQueue}
	double.Settings.Batch.QueueSize *= 2
	if !sized.Settings.Batch.IsDefault() || sized.Settings.Exporter.Timeout != def.Exporter.Timeout {
		cands = append(cands, sized)
	}
	cands = append(cands, double)
	for i := range cands {
		c := &cands[i]
		if c.Name == "" {
			c.Name = fmt.Sprintf("q%d-b%d-x%s", c.Settings.Batch.QueueSize, c.Settings.Batch.MaxExportBatchSize, c.Settings.Exporter.Timeout)
		}
		c.Predicted, _ = model.Predict(c.Settings.Batch, l)
	}
	if s.Budget.MemoryMiB > 0 {
		over := func(c Candidate) bool {
			return c.From != FromDefaults && float64(queueBytes(c.Settings.Batch))/(1<<20) > s.Budget.MemoryMiB
		}
		if sized := cands[len(cands)-1]; len(cands) > 1 && slices.ContainsFunc(cands, over) && !slices.ContainsFunc(cands[1:], func(c Candidate) bool { return !over(c) }) {
			return nil, fmt.Errorf("a queue of %d spans needs %.1f MiB, above the memory budget of %.1f MiB: relax -budget-mem or the burst",
				sized.Settings.Batch.QueueSize, float64(queueBytes(sized.Settings.Batch))/(1<<20), s.Budget.MemoryMiB)
		}
		cands = slices.DeleteFunc(cands, over)
	}
	for _, c := range cands {
		if err := c.Settings.Batch.Validate(); err != nil {
			return nil, errors.Join(fmt.Errorf("plan made invalid settings %s", c.Name), err)
		}
	}
	return cands, nil
}

// GridPlan is the candidates for a service whose SDK the model does not
// describe (not Go): the SDK's defaults first, then four times the queue,
// a one-second batch delay, and both; measured, not predicted. The
// defaults here are the specification's (the same in the Go, Java,
// JavaScript and Python SDKs: queue 2048, batch 512, delay 5 s).
func GridPlan(s Spec) []Candidate {
	def := settings.Default()
	def.SampleRatio = s.SampleRatio
	bigQueue, shortDelay := def, def
	bigQueue.Batch.QueueSize *= 4
	shortDelay.Batch.BatchTimeout = time.Second
	both := bigQueue
	both.Batch.BatchTimeout = time.Second
	cands := []Candidate{{Name: "defaults", Settings: def, From: FromDefaults}}
	for _, st := range []settings.Tracing{bigQueue, shortDelay, both} {
		cands = append(cands, Candidate{Name: fmt.Sprintf("q%d-d%s", st.Batch.QueueSize, st.Batch.BatchTimeout), Settings: st, From: FromGrid})
	}
	return cands
}

// queueBytes is what a full queue holds, by the model's measured bytes per
// span.
func queueBytes(s settings.Batch) int64 {
	return model.MemoryOf(s, model.BytesPerQueuedSpan).Held
}

// Variant returns the profile variant of a candidate.
func (c Candidate) Variant() profile.Variant { return profile.VariantOf(c.Name, c.Settings) }
