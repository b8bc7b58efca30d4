package predict

import (
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// Thresholds of the checks.
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

// Where a check's export latency comes from.
const (
	// LatencyFromExports: the mean duration of the target's ExportSpans
	// calls, from its export histogram (failures and retries included).
	LatencyFromExports = "export mean"
	// LatencyFromSink: the sink's configured delay, when no export was
	// measured.
	LatencyFromSink = "sink delay"
)

// Checks are the model's predictions for one run.
type Checks struct {
	// Skipped says why nothing was predicted ("" when the checks ran);
	// Language, with SkipNotGo, is the SDK's language.
	Skipped  SkipReason `json:"skipped,omitempty"`
	Language string     `json:"language,omitempty"`
	// Rows holds a check per measured batch and sampled row, by rate then
	// profile order.
	Rows []RowCheck `json:"rows,omitempty"`
	// Onsets holds a check per batch or sampled variant (blocking ones
	// excepted) measured at two rates or more.
	Onsets []OnsetCheck `json:"onsets,omitempty"`
}

// SkipReason says why a run has no model checks.
type SkipReason string

// Why a run has no model checks.
const (
	// SkipFaults: the sink had outages, black holes or injected errors.
	SkipFaults SkipReason = "sink-faults"
	// SkipNotGo: the service does not run the OpenTelemetry Go SDK (or
	// could not be told to), whose batch processor the model describes;
	// Checks.Language names the SDK's language ("" when unknown).
	SkipNotGo SkipReason = "not-go-sdk"
)

// Row returns the check of variant at rate, nil when there is none.
func (c *Checks) Row(variant string, rate int) *RowCheck {
	for i := range c.Rows {
		if c.Rows[i].Variant == variant && c.Rows[i].Rate == rate {
			return &c.Rows[i]
		}
	}
	return nil
}

// Onset returns the onset check of variant, nil when there is none.
func (c *Checks) Onset(variant string) *OnsetCheck {
	for i := range c.Onsets {
		if c.Onsets[i].Variant == variant {
			return &c.Onsets[i]
		}
	}
	return nil
}

// Check predicts every batch and sampled row of s, whose profile is p.
func Check(s *summary.Summary, p *profile.Profile) Checks {
	if len(p.Sink.Outages) > 0 || len(p.Sink.BlackHoles) > 0 || p.Sink.Errors != nil {
		return Checks{Skipped: SkipFaults}
	}
	var out Checks
	for _, v := range s.Variants {
		if v.Settings.Processor != settings.ProcessorBatch || v.Settings.SampleRatio == 0 {
			// Ratio 0 sends nothing for the model to predict.
			continue
		}
		if !v.GoSDK() {
			return Checks{Skipped: SkipNotGo, Language: v.Language}
		}
		var rows []RowCheck
		for _, rs := range s.Rates {
			r := s.Row(v.Name, rs.Rate)
			if r == nil {
				continue
			}
			rows = append(rows, checkRow(*r, v, p))
		}
		out.Rows = append(out.Rows, rows...)
		if len(rows) < 2 || v.Settings.Batch.Blocking {
			continue
		}
		out.Onsets = append(out.Onsets, onsetCheck(v, p, rows))
	}
	return out
}

// cellLength is how long each target receives spans: warm-up and attack.
func cellLength(p *profile.Profile) time.Duration {
	return p.Warmup.D() + p.Duration.D()
}

// loadOf is the model's load of a check at rate requests/s.
func loadOf(mc *RowCheck, rate float64) model.Load {
	return model.Load{
		RequestsPerSec:  rate,
		SpansPerRequest: float64(mc.SpansPerRequest),
		SampledShare:    mc.SampledShare,
		ExportLatency:   mc.ExportLatency,
	}
}

func finite(x, fallback float64) float64 {
	if x != x || x > 1e300 || x < -1e300 {
		return fallback
	}
	return x
}
