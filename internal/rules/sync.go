package rules

import (
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

// SyncEvidence is the synchronous processor against a batch one.
type SyncEvidence struct {
	Sync  string       `json:"sync"`
	Batch string       `json:"batch"`
	Rates []SyncAtRate `json:"rates"`
	// UnderLoadOnly says it stalled at the highest rate but not the lowest.
	UnderLoadOnly bool `json:"under_load_only,omitempty"`
}

// SyncAtRate is the comparison at one rate.
type SyncAtRate struct {
	Rate int `json:"rate"`
	// Outcome is SyncStalled (rate not reached or requests failed),
	// SyncSlowed (the rate kept but the p99 beyond the budget) or
	// SyncKeptUp.
	Outcome  SyncOutcome   `json:"outcome"`
	Achieved float64       `json:"achieved"`
	Errors   uint64        `json:"errors"`
	Requests uint64        `json:"requests"`
	P99      time.Duration `json:"p99_ns"`
	P99Pct   float64       `json:"p99_pct"`
	// BatchP99 and BatchP99Pct are the batch variant's.
	BatchP99    time.Duration `json:"batch_p99_ns"`
	BatchP99Pct float64       `json:"batch_p99_pct"`
	// LockWait is each span's wait on the processor's lock; ExportMean
	// one export; Spans per request; CapRPS the cap 1/(Spans × ExportMean)
	// (0 when not known).
	LockWait   time.Duration `json:"lock_wait_ns"`
	ExportMean time.Duration `json:"export_mean_ns"`
	Spans      int           `json:"spans"`
	CapRPS     float64       `json:"cap_rps"`
}

// SyncOutcome is what sync did at one rate.
type SyncOutcome string

// What sync did.
const (
	SyncStalled SyncOutcome = "stalled"
	SyncSlowed  SyncOutcome = "slowed"
	SyncKeptUp  SyncOutcome = "kept-up"
)

// syncRule: the synchronous processor against a batch one at each rate.
// It stalls where it does not reach the requested rate or fails requests;
// it only slows where it keeps the rate but exceeds the p99 budget.
func syncRule(s *summary.Summary) Verdict {
	sv, bv, ok := pickPair(s, profile.KindSync, profile.KindBatch)
	if !ok {
		return untested(RuleSync)
	}
	e := SyncEvidence{Sync: sv.Name, Batch: bv.Name}
	var holds []bool
	partly := false
	for _, rs := range s.Rates {
		sr, br := s.Row(sv.Name, rs.Rate), s.Row(bv.Name, rs.Rate)
		if sr == nil || br == nil {
			continue
		}
		at := SyncAtRate{Rate: rs.Rate, Outcome: SyncKeptUp, Achieved: sr.AchievedRate, Errors: sr.Errors, Requests: sr.Requests,
			P99: sr.Latency.P99, P99Pct: sr.P99OverheadPct, BatchP99: br.Latency.P99, BatchP99Pct: br.P99OverheadPct,
			LockWait: sr.Blocking.LockWait, ExportMean: sr.Blocking.ExportMean, Spans: sr.Spans.PerRequest}
		stalls := sr.AchievedRate < summary.RateShortfall*sr.RequestedRate || sr.Errors > 0
		switch {
		case stalls:
			at.Outcome = SyncStalled
		case sr.P99OverheadPct > s.Budget:
			at.Outcome = SyncSlowed
			partly = true
		}
		if at.Spans > 0 && at.ExportMean > 0 {
			at.CapRPS = 1 / (float64(at.Spans) * at.ExportMean.Seconds())
		}
		holds = append(holds, stalls)
		e.Rates = append(e.Rates, at)
	}
	if len(e.Rates) == 0 {
		return untested(RuleSync)
	}
	v := Verdict{Rule: RuleSync, Applies: true}
	switch {
	case holds[len(holds)-1]: // stalls at the highest rate: "under load"
		v.Outcome = Holds
		e.UnderLoadOnly = !holds[0]
	case partly:
		v.Outcome = Partly
	default:
		v.Outcome = Fails
	}
	v.Evidence = e
	return v
}
