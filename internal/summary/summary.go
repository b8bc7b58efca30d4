package summary

import (
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/settings"
)

// SchemaVersion is the version of the Summary's JSON layout (part of
// summary.json).
const SchemaVersion = 2

// Summary is the aggregated view of one run.
type Summary struct {
	Schema  int            `json:"schema"`
	RunID   string         `json:"run_id"`
	Profile string         `json:"profile"`
	Status  results.Status `json:"status"`
	// Started and Finished are the run's; Finished is zero when it did not
	// finish.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Died says run.json says running but the process that measured it is
	// gone; LastSeen is the last sign of its life. The summary holds what
	// it measured before.
	Died     bool      `json:"died,omitempty"`
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Cells and Planned count the cells measured (with a cell.json) and
	// planned.
	Cells   int `json:"cells"`
	Planned int `json:"planned"`
	// Baseline names the variant overheads are measured against.
	Baseline string `json:"baseline"`
	// Service, when set, is the user's own service the run measured.
	Service *results.ServiceInfo `json:"service,omitempty"`
	// Budget is the profile's p99 overhead budget, in percent.
	Budget float64 `json:"p99_overhead_budget_pct"`
	// Rates holds one RateSummary per requested rate, lowest first.
	Rates []RateSummary `json:"rates"`
	// Variants describes every variant of the profile, in its order.
	Variants []VariantInfo `json:"variants"`
	// Collector is what received the spans ("embedded" sink or "otelcol").
	Collector string `json:"collector,omitempty"`
	// Faults describes the sink's misbehaviour during the run, one entry
	// each, as the runner recorded it.
	Faults []string `json:"faults,omitempty"`
	// Burst is the load spike of every measured attack, if any.
	Burst *profile.Burst `json:"burst,omitempty"`
	// Accounting is the span accounting of every measured cell, in run
	// order.
	Accounting []Account `json:"accounting,omitempty"`
	// Shards are the attack processes of every sharded cell, in run
	// order; empty when the in-process attacker sent every cell's load.
	Shards []ShardCell `json:"shards,omitempty"`
	// Trends set the variants that differ only in their OpenTelemetry
	// releases side by side, per rate (see Trend); empty when no two
	// variants do.
	Trends []Trend `json:"trends,omitempty"`
	// Floor splits tracing's CPU per request into the instrumentation,
	// the SDK with nothing sampled and each sampled span, per rate (see
	// Floor); empty when the profile has neither a noop nor a ratio-0
	// variant.
	Floor []Floor `json:"floor,omitempty"`
	// Overhead is where the CPU per request goes, by component, from the
	// cells' CPU profiles; nil when no cell was profiled.
	Overhead *Overhead `json:"overhead,omitempty"`
	// Micro is the micro benchmark of the handler beside the run's
	// figures; its Missing says why when there is none.
	Micro *Micro `json:"micro,omitempty"`
	// Warnings concern the run as a whole (unfinished or failed cells).
	Warnings []Warning `json:"warnings,omitempty"`
	// Environment, Seed and Sink are what the run measured on and with.
	Environment results.Environment `json:"environment"`
	Seed        uint64              `json:"seed"`
	Sink        results.SinkInfo    `json:"sink"`
}

// VariantInfo is one variant of the profile as its targets ran it.
type VariantInfo struct {
	Name string       `json:"name"`
	Kind profile.Kind `json:"kind"`
	// Settings are the span pipeline in effect: the batch processor's
	// options as the target reported them in its ready line when it did
	// (SettingsFrom SettingsFromTarget), else the profile's with the SDK's
	// defaults for what it leaves out (SettingsFromProfile).
	Settings     settings.Tracing `json:"settings"`
	SettingsFrom string           `json:"settings_from"`
	// SpansPerRequest is how many spans a traced request ends, as the
	// cells recorded it (0 for kind none).
	SpansPerRequest int `json:"spans_per_request"`
	// Observability says the SDK's self-observability was on.
	Observability bool `json:"observability,omitempty"`
	// Otel and Otelhttp are the releases of go.opentelemetry.io/otel (the
	// SDK is released with it) and of otelhttp the variant's target was
	// built with, from its binary's build information (run.json's
	// modules), else the profile's sdk_version; "" when unknown (a user's
	// service, a run from before they were recorded).
	Otel     string `json:"otel,omitempty"`
	Otelhttp string `json:"otelhttp,omitempty"`
	// Protocols are the OTLP protocols its cells' exports used, and
	// Senders the SDKs that sent them (telemetry.sdk.* of the resources,
	// by spans): what the embedded sink saw; empty with a Collector or
	// when nothing arrived.
	Protocols []string           `json:"protocols,omitempty"`
	Senders   []results.Resource `json:"senders,omitempty"`
	// Language is the SDK's language (telemetry.sdk.language: "go",
	// "nodejs", "python", "java"…): the bundled target's is go; a user's
	// service's is what every sender of its spans agreed on, "" when they
	// did not or nothing arrived.
	Language string `json:"language,omitempty"`
}

// GoSDK reports whether the variant ran the OpenTelemetry Go SDK, whose
// batch processor the model describes and whose code the advice writes.
func (v VariantInfo) GoSDK() bool { return v.Language == LanguageGo }

// LanguageGo is telemetry.sdk.language of the Go SDK.
const LanguageGo = "go"

// languageOf is the language every sender agreed on, else "".
func languageOf(senders []results.Resource) string {
	lang := ""
	for i, s := range senders {
		if i > 0 && s.SDKLanguage != lang {
			return ""
		}
		lang = s.SDKLanguage
	}
	return lang
}

// Where VariantInfo.Settings come from.
const (
	// SettingsFromTarget: the processor settings the target reported in
	// effect (its ready line, run.json's variant "effective").
	SettingsFromTarget = "target"
	// SettingsFromProfile: the profile's settings, the SDK's defaults for
	// those it leaves out.
	SettingsFromProfile = "profile"
)

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
	// LoadOnly says the row's cells hold the load generator's view alone
	// (results.Cell.LoadOnly): its latency and rates are measured, its
	// target CPU, memory and spans are not.
	LoadOnly bool `json:"load_only,omitempty"`
	// Reps counts the repetitions measured; Failed those whose target
	// failed or whose raw results could not be read.
	Reps   int `json:"reps"`
	Failed int `json:"failed"`

	RequestedRate float64 `json:"requested_rate"`
	// AchievedRate is the lowest achieved send rate over the repetitions.
	AchievedRate float64 `json:"achieved_rate"`
	Requests     uint64  `json:"requests"`
	Errors       uint64  `json:"errors"`
	// Latency is over every measured request of every repetition, by
	// nearest rank.
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
	// AllocBytesPerRequest and AllocObjectsPerRequest are what the target
	// allocated on the heap during the measured attacks (results.Alloc)
	// divided by the requests sent in them, over the repetitions that
	// measured it; 0 when none did.
	AllocBytesPerRequest   float64 `json:"alloc_bytes_per_request,omitempty"`
	AllocObjectsPerRequest float64 `json:"alloc_objects_per_request,omitempty"`
	// Costs are the row's garbage collection and bytes on the wire, and
	// its allocation and collection against the baseline's (see Costs).
	Costs Costs `json:"costs"`
	// PeakRSS is the highest peak RSS of a repetition's target.
	PeakRSS int64 `json:"peak_rss_bytes"`

	Spans SpanTotals `json:"spans"`
	// Loss is the spans lost over every repetition, counted the most
	// direct way the cells allow (see Loss).
	Loss Loss `json:"loss"`
	// OnEndP50/P99 are quantiles of the time requests spent in the span
	// processor's OnEnd, estimated from the target's histogram; OnEndResolution
	// is the relative width of the bucket that holds the p99.
	OnEndP50        time.Duration `json:"on_end_p50"`
	OnEndP99        time.Duration `json:"on_end_p99"`
	OnEndResolution float64       `json:"on_end_p99_resolution"`
	OnEndCount      uint64        `json:"on_end_count"`
	// Blocking is how long requests waited on span export.
	Blocking Blocking `json:"blocking"`
	// Exports merges the targets' histograms of ExportSpans durations.
	Exports results.Histogram `json:"exports"`
	// Harness is what otelbench itself spent measuring the row, and how
	// long its warm-ups took.
	Harness Harness `json:"harness"`

	// Spectrum is the pooled latency at quantiles evenly spaced on the log
	// scale of 1/(1−q), up to what the requests resolve (see Spectrum).
	Spectrum []QuantilePoint `json:"spectrum,omitempty"`
	// Cells are the row's measured cells, one per repetition, with their
	// timelines; failed ones included, with why.
	Cells []CellSeries `json:"cells,omitempty"`

	Warnings []Warning `json:"warnings,omitempty"`
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
	// Expected says Ended is requests × spans per request, not a count (a
	// user's service). PerRequestGiven is the user's -spans (0: none) and
	// PerRequestMeasured the spans per request its traces held, the most
	// common over the repetitions (0: not measured).
	Expected           bool `json:"ended_expected,omitempty"`
	PerRequestGiven    int  `json:"per_request_given,omitempty"`
	PerRequestMeasured int  `json:"per_request_measured,omitempty"`
	// LossUnknown, when set, says why loss cannot be told for this row
	// (a results.LossUnknown constant); Lost and LossPct then mean nothing.
	LossUnknown string `json:"loss_unknown,omitempty"`
}

// Loss is the spans a row lost: those dropped at a full queue plus those
// of failed exports when every cell could tell drops apart (a clean
// shutdown or the SDK's counter; From LossFromAccounting), else ended −
// received at the collector (From LossFromSink).
type Loss struct {
	Lost  int64  `json:"lost"`
	Ended int64  `json:"ended"`
	From  string `json:"from"`
	// Unknown, with From LossFromUnknown, says why (a results.LossUnknown
	// constant).
	Unknown string `json:"unknown,omitempty"`
}

// Known reports whether the loss could be told.
func (l Loss) Known() bool { return l.From != LossFromUnknown }

// Share is the share of the ended spans lost, 0 when none ended.
func (l Loss) Share() float64 {
	if l.Ended <= 0 {
		return 0
	}
	return float64(l.Lost) / float64(l.Ended)
}

// How Loss was counted.
const (
	// LossFromAccounting: spans dropped at a full queue plus spans of
	// failed exports, from the cells' accounting.
	LossFromAccounting = "dropped+failed"
	// LossFromSink: ended − received at the sink, when dropped spans
	// cannot be told apart from spans lost at shutdown.
	LossFromSink = "lost"
	// LossFromUnknown: the loss cannot be told (see Loss.Unknown).
	LossFromUnknown = "unknown"
)

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

// Harness is otelbench's own cost in a row's cells: the load generator and
// the embedded sink run beside the target and compete with it for CPU.
type Harness struct {
	// LoadGenCPUPerRequest is otelbench's CPU time (load generator and
	// embedded sink) per request sent, over every repetition.
	LoadGenCPUPerRequest time.Duration `json:"loadgen_cpu_per_request"`
	// LoadGenShare is the highest share of its CPUs otelbench used during
	// a repetition's attack (see LoadGenCPUShare).
	LoadGenShare float64 `json:"loadgen_share"`
	// SinkCPUPerSpan is the embedded sink's CPU time per span received
	// (decoding and accounting); 0 when it was not measured.
	SinkCPUPerSpan time.Duration `json:"sink_cpu_per_span"`
	// OtherShare is the highest share of the machine's CPUs that anything
	// but the target and otelbench used during a repetition's attack
	// (other processes, the kernel, a hypervisor's steal); OtherKnown
	// says every repetition measured it.
	OtherShare float64 `json:"other_share"`
	OtherKnown bool    `json:"other_known"`
	// Warmup is the longest warm-up of the repetitions; Unsettled counts
	// those whose target's CPU per request had not settled by the cap.
	Warmup    time.Duration `json:"warmup"`
	Unsettled int           `json:"unsettled"`
}

// QuantilePoint is the latency at quantile Q.
type QuantilePoint struct {
	Q       float64       `json:"q"`
	Latency time.Duration `json:"latency_ns"`
}

// CellSeries is one measured cell of a row: its outcome and its timeline,
// binned from its raw results.
type CellSeries struct {
	Dir    string         `json:"dir"`
	Rep    int            `json:"rep"`
	Status results.Status `json:"status"`
	// Error says why a cell did not count: its target failed, or its raw
	// results could not be read.
	Error string `json:"error,omitempty"`
	// Timeline holds the cell's requests by send time from the start of
	// its measured attack, and the sink's arrivals in the same buckets.
	Timeline *results.Timeline `json:"timeline,omitempty"`
}
