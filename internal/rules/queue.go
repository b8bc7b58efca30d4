package rules

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// QueueEvidence is the rule's queue, from Little's law, at each rate.
type QueueEvidence struct {
	Rates []QueueAtRate `json:"rates"`
}

// QueueAtRate is the rule's queue at one rate and what it would do.
type QueueAtRate struct {
	Rate int `json:"rate"`
	// BurstFactor is the burst's factor when the rule is sized for it (0
	// without a burst); Offered is the request rate then (Rate × factor).
	BurstFactor float64 `json:"burst_factor,omitempty"`
	Offered     float64 `json:"offered"`
	// MeanLatency is the baseline's; InFlight = Offered × MeanLatency, and
	// Queue = ⌈2 × InFlight⌉, which also caps the batch at Batch.
	MeanLatency time.Duration `json:"mean_latency_ns"`
	InFlight    float64       `json:"in_flight"`
	Queue       int           `json:"queue"`
	Batch       int           `json:"batch"`
	// ExportLatency is the shortest mean export of the batch variants
	// (From), the nearest to the small batches of a small queue.
	ExportLatency time.Duration `json:"export_latency_ns"`
	From          string        `json:"from"`
	// Ceiling is what the model's worker moves with the rule's queue,
	// SpanRate what is offered, LossPct what it drops (0: nothing).
	Ceiling  float64 `json:"ceiling"`
	SpanRate float64 `json:"span_rate"`
	LossPct  float64 `json:"loss_pct"`
	// PerExport is what arrives during one export: SpanRate ×
	// ExportLatency, whatever the requests in flight.
	PerExport float64 `json:"per_export"`
	// Measured are batch variants whose queue, measured, tells: one at
	// least the rule's that lost spans (Against), one at most the rule's
	// that lost none.
	Measured []QueueMeasured `json:"measured,omitempty"`
	Holds    bool            `json:"holds"`
}

// QueueMeasured is a measured batch variant that bears on the rule.
type QueueMeasured struct {
	Variant string  `json:"variant"`
	Queue   int     `json:"queue"`
	Lost    int64   `json:"lost"`
	Ended   int64   `json:"ended"`
	LossPct float64 `json:"loss_pct"`
	// Against says it lost spans with a queue at least the rule's.
	Against bool `json:"against"`
}

// queueRule: Little's law gives the requests in flight, C = rate × mean
// latency (at the burst's rate, if any); the rule's queue is 2C. The model
// says whether that queue, which also caps the batch (the SDK clamps a
// batch above the queue to it), keeps up with the spans offered; batch
// variants whose queue is at most twice the rule's show what it measured.
func queueRule(s *summary.Summary, p *profile.Profile) Verdict {
	if len(p.Sink.FaultWindows()) > 0 {
		return untested(RuleQueue)
	}
	var e QueueEvidence
	var holds []bool
	for _, rs := range s.Rates {
		at, ok := queueAt(s, p, rs.Rate)
		if !ok {
			continue
		}
		holds = append(holds, at.Holds)
		e.Rates = append(e.Rates, at)
	}
	if len(e.Rates) == 0 {
		return untested(RuleQueue)
	}
	return Verdict{Rule: RuleQueue, Outcome: tally(holds), Applies: true, Evidence: e}
}

// queueAt judges the rule at one rate.
func queueAt(s *summary.Summary, p *profile.Profile, rate int) (QueueAtRate, bool) {
	base := s.BaselineAt(rate)
	lat, from, spans := exportAt(s, rate)
	if base == nil || lat <= 0 || base.Latency.Mean <= 0 || spans <= 0 {
		return QueueAtRate{}, false
	}
	at := QueueAtRate{Rate: rate, Offered: float64(rate), MeanLatency: base.Latency.Mean, ExportLatency: lat, From: from}
	if b := p.Burst; b != nil && b.Factor > 1 {
		at.BurstFactor, at.Offered = b.Factor, float64(rate)*b.Factor
	}
	at.InFlight = at.Offered * base.Latency.Mean.Seconds()
	at.Queue = max(1, int(math.Ceil(2*at.InFlight)))
	st := settingsOfQueue(at.Queue)
	at.Batch = st.MaxExportBatchSize
	load := model.Load{RequestsPerSec: at.Offered, SpansPerRequest: float64(spans), SampledShare: 1, ExportLatency: lat}
	pr, err := model.Predict(st, load)
	if err != nil {
		return QueueAtRate{}, false
	}
	at.Ceiling, at.SpanRate, at.PerExport = pr.Ceiling, model.SpanRate(load), model.SpanRate(load)*lat.Seconds()
	at.Holds = !pr.Loses
	if pr.Loses {
		at.LossPct = 100 * pr.LossFraction
	}
	// A measured queue at least the rule's that lost spans shows that the
	// rule's loses too; one at most the rule's that lost none, that the
	// rule's is enough. Measurements outweigh the model.
	against, for_ := false, false
	for _, v := range s.Variants {
		q := v.Settings.Batch.QueueSize
		r := s.Row(v.Name, rate)
		if v.Kind != profile.KindBatch || v.Settings.Batch.Blocking || r == nil {
			continue
		}
		switch {
		case q >= at.Queue && r.Spans.Lost > 0:
			at.Measured = append(at.Measured, QueueMeasured{Variant: v.Name, Queue: q, Lost: r.Spans.Lost, Ended: r.Spans.Ended, LossPct: r.Spans.LossPct, Against: true})
			against = true
		case q <= at.Queue && r.Spans.Lost == 0:
			at.Measured = append(at.Measured, QueueMeasured{Variant: v.Name, Queue: q, Ended: r.Spans.Ended})
			for_ = true
		}
	}
	switch {
	case against:
		at.Holds = false
	case for_:
		at.Holds = true
	}
	return at, true
}

// exportAt returns the export latency at a rate: the shortest mean export
// of the unsampled batch rows there, the closest to the small batches of
// the rule's small queue; with the variant it comes from and its spans
// per request.
func exportAt(s *summary.Summary, rate int) (time.Duration, string, int) {
	var lat time.Duration
	from, spans := "", 0
	for _, v := range s.Variants {
		if v.Kind != profile.KindBatch {
			continue
		}
		if r := s.Row(v.Name, rate); r != nil && r.Blocking.ExportMean > 0 && (lat == 0 || r.Blocking.ExportMean < lat) {
			lat, from, spans = r.Blocking.ExportMean, v.Name, r.Spans.PerRequest
		}
	}
	return lat, from, spans
}

// settingsOfQueue is the SDK's defaults with a queue of q, the batch
// clamped to it.
func settingsOfQueue(q int) settings.Batch {
	st := settings.DefaultBatch()
	st.QueueSize, st.MaxExportBatchSize = q, min(st.MaxExportBatchSize, q)
	return st
}
