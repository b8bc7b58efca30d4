package summary

import (
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// SchemaVersion is the version of summary.json's layout.
const SchemaVersion = 1

// Summary is the aggregated view of one run.
type Summary struct {
	Schema  int            `json:"schema"`
	RunID   string         `json:"run_id"`
	Profile string         `json:"profile"`
	Status  results.Status `json:"status"`
	// Baseline names the variant overheads are measured against.
	Baseline string `json:"baseline"`
	// Budget is the p99 overhead budget (percent) the recommendation uses.
	Budget         float64        `json:"p99_overhead_budget_pct"`
	Rates          []RateSummary  `json:"rates"`
	Recommendation Recommendation `json:"recommendation"`
	// Rules are the verdicts of popular rules of thumb on this run (see
	// Rules); those it cannot test have Applies false.
	Rules []RuleVerdict `json:"rules,omitempty"`
	// Collector is what received the spans ("embedded" sink or "otelcol").
	Collector string `json:"collector,omitempty"`
	// Faults lists the sink's misbehaviour during the run, one line each.
	Faults []string `json:"faults,omitempty"`
	// Burst describes the load spike of every measured attack, if any.
	Burst string `json:"burst,omitempty"`
	// Accounting is the span accounting of every measured cell, in run
	// order.
	Accounting []Account `json:"accounting,omitempty"`
	// ModelChecks compare, per batch variant measured at several rates,
	// the loss onset internal/model predicts with the measured one.
	ModelChecks []OnsetCheck `json:"model_checks,omitempty"`
	// Warnings concern the run as a whole (unfinished cells, failures).
	Warnings []string `json:"warnings,omitempty"`
}

// RateSummary holds one row per variant measured at one requested rate.
type RateSummary struct {
	Rate int   `json:"rate"`
	Rows []Row `json:"rows"`
}

// Row is one variant at one rate, over all its successful repetitions.
type Row struct {
	Variant  string       `json:"variant"`
	Kind     profile.Kind `json:"kind"`
	Baseline bool         `json:"baseline,omitempty"`
	// Control marks a further variant of kind none: an A/A control whose
	// difference from the baseline is the noise floor of the measurement.
	Control bool `json:"control,omitempty"`
	// Reps counts the repetitions measured; Failed those whose target failed.
	Reps   int `json:"reps"`
	Failed int `json:"failed"`

	RequestedRate float64 `json:"requested_rate"`
	// AchievedRate is the lowest achieved send rate over the repetitions.
	AchievedRate float64 `json:"achieved_rate"`
	Requests     uint64  `json:"requests"`
	Errors       uint64  `json:"errors"`
	// Latency is over every measured request of every repetition.
	Latency results.Latency `json:"latency"`
	// P99Low and P99High are the lowest and highest p99 of single repetitions.
	P99Low  time.Duration `json:"p99_low"`
	P99High time.Duration `json:"p99_high"`

	// Intended is latency measured from each request's intended send time
	// (start + n/rate for the constant pacer) rather than from when vegeta
	// sent it, so that queueing in the load generator (coordinated omission)
	// shows. SendLagP99 is the p99 of how late requests were sent.
	Intended   results.Latency `json:"intended_latency"`
	SendLagP99 time.Duration   `json:"send_lag_p99"`

	// PerRep holds one value per repetition; the deltas compare them with
	// the baseline's (significance and confidence intervals).
	PerRep   RepValues `json:"per_rep"`
	P50Delta Delta     `json:"p50_delta"`
	P99Delta Delta     `json:"p99_delta"`
	CPUDelta Delta     `json:"cpu_delta"`

	// Overheads against the baseline at the same rate, from the latency over
	// every request of every repetition (zero for the baseline).
	P50Overhead    time.Duration `json:"p50_overhead"`
	P50OverheadPct float64       `json:"p50_overhead_pct"`
	P99Overhead    time.Duration `json:"p99_overhead"`
	P99OverheadPct float64       `json:"p99_overhead_pct"`

	// CPUPerRequest is the target's CPU during the measured attacks divided by
	// the requests sent in them; CPUOverheadPct compares it with the baseline.
	CPUPerRequest  time.Duration `json:"cpu_per_request"`
	CPUOverheadPct float64       `json:"cpu_overhead_pct"`
	// PeakRSS is the highest peak RSS of a repetition's target.
	PeakRSS int64 `json:"peak_rss_bytes"`

	Spans SpanTotals `json:"spans"`
	// OnEndP50/P99 are quantiles of the time requests spent in the span
	// processor's OnEnd, estimated from the target's histogram; OnEndResolution
	// is the relative width of the bucket that holds the p99.
	OnEndP50        time.Duration `json:"on_end_p50"`
	OnEndP99        time.Duration `json:"on_end_p99"`
	OnEndResolution float64       `json:"on_end_p99_resolution"`
	OnEndCount      uint64        `json:"on_end_count"`
	// Blocking is how long requests waited on span export.
	Blocking Blocking `json:"blocking"`
	// Model sets internal/model's prediction beside the measurement (batch
	// and sampled rows).
	Model *ModelCheck `json:"model,omitempty"`

	Warnings []string `json:"warnings,omitempty"`
}

// SpanTotals adds up the span accounting of a row's repetitions.
type SpanTotals struct {
	PerRequest     int     `json:"per_request"`
	Ended          int64   `json:"ended"`
	ExportedOK     int64   `json:"exported_ok"`
	ExportFailed   int64   `json:"export_failed"`
	Received       int64   `json:"received"`
	Duplicates     int64   `json:"duplicates"`
	Lost           int64   `json:"lost"`
	LossPct        float64 `json:"loss_pct"`
	Matched        bool    `json:"matched"`
	TracedRequests int64   `json:"traced_requests"`
	MissingTraces  int64   `json:"missing_traces"`
	MissingSpans   int64   `json:"missing_spans"`
	ServerSpans    int64   `json:"server_spans"`
	// TargetRequests counts requests the targets served (warm-up included).
	TargetRequests int64 `json:"target_requests"`
	// SampledShare is received server spans over requests served: the share
	// of requests whose trace was kept.
	SampledShare float64 `json:"sampled_share"`
}

// Blocking is how long the request path waited on span export, from the
// target's OnEnd and export histograms over every repetition (warm-up
// included).
type Blocking struct {
	// OnEndMax is the longest single OnEnd.
	OnEndMax time.Duration `json:"on_end_max"`
	// OnEndMean is the mean time in OnEnd per span; PerRequest per request
	// (OnEndMean × spans per request).
	OnEndMean  time.Duration `json:"on_end_mean"`
	PerRequest time.Duration `json:"per_request"`
	// Share is PerRequest over the mean request latency: the part of the
	// latency that waiting on span export explains.
	Share float64 `json:"share"`
	// LockWait is, for sync, the mean time per span spent waiting for other
	// spans' exports (OnEnd minus its own export): the serialisation on the
	// processor's lock.
	LockWait time.Duration `json:"lock_wait,omitempty"`
	// ExportMean is the mean duration of one ExportSpans call.
	ExportMean time.Duration `json:"export_mean"`
}
