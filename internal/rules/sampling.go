package rules

import (
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

// SamplingEvidence is a sampled variant against the batch variant with
// the same settings.
type SamplingEvidence struct {
	Sampled string           `json:"sampled"`
	Batch   string           `json:"batch"`
	Ratio   float64          `json:"ratio"`
	Rates   []SamplingAtRate `json:"rates"`
}

// SamplingAtRate is the comparison at one rate.
type SamplingAtRate struct {
	Rate int `json:"rate"`
	// Kept is the share of traces the sampled variant kept.
	Kept float64 `json:"kept"`
	// CPU and BatchCPU are CPU per request; CPUChange the first against
	// the second.
	CPU       time.Duration `json:"cpu_ns"`
	BatchCPU  time.Duration `json:"batch_cpu_ns"`
	CPUChange Change        `json:"cpu_change"`
	// TracingAdded is the batch variant's CPU over the baseline's, and
	// SavedShare the share of it sampling saved (0 without a baseline).
	TracingAdded time.Duration `json:"tracing_added_ns"`
	SavedShare   float64       `json:"saved_share"`
	// P99Pct and BatchP99Pct are both p99 overheads; P99Change the first
	// p99 against the second.
	P99Pct      float64 `json:"p99_pct"`
	BatchP99Pct float64 `json:"batch_p99_pct"`
	P99Change   Change  `json:"p99_change"`
}

// samplingRule: a sampled variant against the batch variant with the same
// settings. It cuts overhead where its CPU per request is clearly lower.
func samplingRule(s *summary.Summary) Verdict {
	for _, sv := range s.Variants {
		if sv.Kind != profile.KindSampled || sv.Settings.SampleRatio == 0 {
			// Ratio 0 is the SDK's floor, not a sampling policy.
			continue
		}
		want := sv.Settings
		want.SampleRatio = 1
		var bv *summary.VariantInfo
		for i, v := range s.Variants {
			if v.Kind == profile.KindBatch && v.Settings == want && v.Observability == sv.Observability {
				bv = &s.Variants[i]
				break
			}
		}
		if bv == nil {
			continue
		}
		e := SamplingEvidence{Sampled: sv.Name, Batch: bv.Name, Ratio: sv.Settings.SampleRatio}
		var holds []bool
		for _, rs := range s.Rates {
			sr, br := s.Row(sv.Name, rs.Rate), s.Row(bv.Name, rs.Rate)
			if sr == nil || br == nil {
				continue
			}
			at := SamplingAtRate{Rate: rs.Rate, Kept: sr.Spans.SampledShare, CPU: sr.CPUPerRequest, BatchCPU: br.CPUPerRequest,
				CPUChange: change(sr.PerRep.CPUPerReq, br.PerRep.CPUPerReq), P99Pct: sr.P99OverheadPct, BatchP99Pct: br.P99OverheadPct,
				P99Change: change(sr.PerRep.P99, br.PerRep.P99)}
			if base := s.BaselineAt(rs.Rate); base != nil && br.CPUPerRequest > base.CPUPerRequest {
				at.TracingAdded = br.CPUPerRequest - base.CPUPerRequest
				at.SavedShare = float64(br.CPUPerRequest-sr.CPUPerRequest) / float64(at.TracingAdded)
			}
			holds = append(holds, at.CPUChange.Counts && at.CPUChange.Pct < 0)
			e.Rates = append(e.Rates, at)
		}
		if len(e.Rates) == 0 {
			continue
		}
		return Verdict{Rule: RuleSampling, Outcome: tally(holds), Applies: true, Evidence: e}
	}
	return untested(RuleSampling)
}
