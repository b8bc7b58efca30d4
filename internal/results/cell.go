package results

import (
	"encoding/json"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// Cell is cell.json: everything measured for one rate × variant × repetition.
type Cell struct {
	Schema   int          `json:"schema"`
	Index    int          `json:"index"`
	Rep      int          `json:"rep"`
	Rate     int          `json:"rate"`
	Variant  string       `json:"variant"`
	Kind     profile.Kind `json:"kind"`
	Dir      string       `json:"dir"`
	Status   Status       `json:"status"`
	Error    string       `json:"error,omitempty"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`

	Target Target    `json:"target"`
	Load   Load      `json:"load"`
	CPU    CPU       `json:"cpu"`
	Spans  Spans     `json:"spans"`
	OnEnd  Histogram `json:"on_end"`
	Export Histogram `json:"export"`
}

// Target is what is known of the target process of a cell.
type Target struct {
	PID      int    `json:"pid"`
	ExitCode int    `json:"exit_code"`
	ExitErr  string `json:"exit_error,omitempty"`
	// Ready is the target's ready line: its address and effective settings.
	Ready json.RawMessage `json:"ready,omitempty"`
	// ShutdownTime is from SIGTERM to exit (drain, flush, shutdown).
	ShutdownTime time.Duration `json:"shutdown_ns"`
}

// Load is the load generator's view of the measured attack (warm-up excluded).
type Load struct {
	RequestedRate  float64        `json:"requested_rate"`
	AchievedRate   float64        `json:"achieved_rate"`
	Throughput     float64        `json:"throughput"`
	Requests       uint64         `json:"requests"`
	Successes      uint64         `json:"successes"`
	StatusCodes    map[string]int `json:"status_codes"`
	Errors         []string       `json:"errors,omitempty"`
	Duration       time.Duration  `json:"duration_ns"`
	Wait           time.Duration  `json:"wait_ns"`
	Latency        Latency        `json:"latency"`
	WarmupRequests uint64         `json:"warmup_requests"`
	// LoadGenCPU is otelbench's own CPU time during the attack; it includes
	// the embedded sink, which runs in the same process.
	LoadGenCPU time.Duration `json:"loadgen_cpu_ns"`
	// TraceParent says whether every request carried a sampled traceparent.
	TraceParent bool `json:"traceparent"`
}

// Latency holds vegeta's latency figures for an attack, in nanoseconds.
type Latency struct {
	Mean time.Duration `json:"mean"`
	Min  time.Duration `json:"min"`
	P50  time.Duration `json:"p50"`
	P90  time.Duration `json:"p90"`
	P99  time.Duration `json:"p99"`
	P999 time.Duration `json:"p999"`
	Max  time.Duration `json:"max"`
}

// CPU is the target's resource use, from the operating system.
type CPU struct {
	// Window is CPU time (user+sys, all threads) during the measured attack.
	Window time.Duration `json:"window_ns"`
	// User and Sys cover the target's whole life, from its rusage.
	User time.Duration `json:"user_ns"`
	Sys  time.Duration `json:"sys_ns"`
	// PeakRSS is the target's peak resident set size (VmHWM) up to the end of
	// the measured attack.
	PeakRSS int64 `json:"peak_rss_bytes"`
}

// Spans accounts for the spans of a cell's whole target life (warm-up included).
type Spans struct {
	// PerRequest is how many spans each traced request should produce.
	PerRequest int `json:"per_request"`
	// TargetRequests counts /process requests the target served (warm-up included).
	TargetRequests int64 `json:"target_requests"`
	// Ended counts spans that reached the processor, from the target.
	Ended int64 `json:"ended"`
	// ExportedOK and ExportFailed count spans handed to the exporter, by outcome.
	ExportedOK   int64 `json:"exported_ok"`
	ExportFailed int64 `json:"export_failed"`
	ExportErrors int64 `json:"export_errors"`
	// Received counts distinct spans at the sink; Duplicates those seen again.
	Received     int64 `json:"received"`
	Duplicates   int64 `json:"duplicates"`
	ServerSpans  int64 `json:"server_spans"`
	SinkRequests int64 `json:"sink_requests"`
	// Lost is Ended − Received.
	Lost int64 `json:"lost"`
	// Matched says whether trace matching applies: every request carried a
	// sampled traceparent whose trace id the runner can recompute.
	Matched bool `json:"matched"`
	// TracedRequests counts successful requests (warm-up included) that carried one.
	TracedRequests int64 `json:"traced_requests"`
	// MissingTraces counts traced requests whose server span never arrived.
	MissingTraces int64 `json:"missing_traces"`
	// MissingSpans is, over traced requests, the spans expected but not received.
	MissingSpans int64 `json:"missing_spans"`
	// StrayTraces counts traces at the sink that no request of the cell started.
	StrayTraces int64 `json:"stray_traces"`
}

// Histogram is a Prometheus histogram read from the target's final metrics.
type Histogram struct {
	// Bounds are the upper bounds in seconds; Counts the cumulative counts.
	// The +Inf bucket is Count.
	Bounds []float64 `json:"bounds,omitempty"`
	Counts []uint64  `json:"counts,omitempty"`
	Count  uint64    `json:"count"`
	Sum    float64   `json:"sum"`
}
