package results

import (
	"encoding/json"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// Cell is cell.json: everything measured for one rate × variant × repetition.
type Cell struct {
	Schema  int          `json:"schema"`
	Index   int          `json:"index"`
	Rep     int          `json:"rep"`
	Rate    int          `json:"rate"`
	Variant string       `json:"variant"`
	Kind    profile.Kind `json:"kind"`
	Dir     string       `json:"dir"`
	Status  Status       `json:"status"`
	Error   string       `json:"error,omitempty"`
	// NoDelivery, on a failed cell, says why its service delivered no
	// span.
	NoDelivery *NoDelivery `json:"no_delivery,omitempty"`
	// Receipt is how the spans reached the embedded sink (nil with a
	// real Collector).
	Receipt  *Receipt  `json:"receipt,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`

	Target Target    `json:"target"`
	Load   Load      `json:"load"`
	CPU    CPU       `json:"cpu"`
	Spans  Spans     `json:"spans"`
	OnEnd  Histogram `json:"on_end"`
	Export Histogram `json:"export"`
	// OnEndMax is the longest single OnEnd in the target.
	OnEndMax time.Duration `json:"on_end_max_ns"`
	// Alloc is what the target allocated during the measured attack; nil
	// when it was not read (a user's service, or a target that did not
	// answer /metrics).
	Alloc *Alloc `json:"alloc,omitempty"`
	// Profile is the target's CPU profile during the measured attack, by
	// component; nil when the cell was not profiled.
	Profile *CPUProfile `json:"profile,omitempty"`
	// Timeline is the measured attack bucket by bucket, for faults and
	// bursts that come and go within it.
	Timeline *Timeline `json:"timeline,omitempty"`
	// Shards holds each attack process's own record when the cell's load
	// came from several (run -shards, merge); nil for the in-process
	// attacker. Load is then over the merged results of all of them.
	Shards []Shard `json:"shards,omitempty"`
	// LoadOnly says the cell holds the load generator's view alone: it was
	// put together from shard folders (otelbench merge) with nothing of
	// the target or the sink, so Target, CPU, Spans, OnEnd, Export and
	// Alloc were not measured and are empty, never zero measurements.
	LoadOnly bool `json:"load_only,omitempty"`
}

// Timeline is the measured attack in fixed buckets of send time, and what
// the sink received in buckets of the same width.
type Timeline struct {
	// Start is when the measured attack (and the sink's fault timeline)
	// began.
	Start time.Time `json:"start"`
	// Bucket is the width of every bucket.
	Bucket time.Duration `json:"bucket_ns"`
	// Requests are the requests sent in each bucket.
	Requests []Bucket `json:"requests"`
	// Arrivals counts the distinct spans the embedded sink received in each
	// bucket from Start (up to one bucket early: the sink's buckets start
	// at the cell's start); nil with another collector.
	Arrivals []int64 `json:"arrivals,omitempty"`
}

// Bucket is the requests sent within one bucket of a Timeline.
type Bucket struct {
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	P50      time.Duration `json:"p50_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
}

// Target is what is known of the target process of a cell.
type Target struct {
	PID      int `json:"pid"`
	ExitCode int `json:"exit_code"`
	// TerminatedBySIGTERM says a user's service died by the SIGTERM that
	// asked it to stop rather than exiting (ExitCode is then 0): how
	// Node.js without a handler and uvicorn end.
	TerminatedBySIGTERM bool   `json:"terminated_by_sigterm,omitempty"`
	ExitErr             string `json:"exit_error,omitempty"`
	// Ready is the target's ready line: its address and effective settings.
	Ready json.RawMessage `json:"ready,omitempty"`
	// ShutdownTime is from SIGTERM to exit (drain, flush, shutdown).
	ShutdownTime time.Duration `json:"shutdown_ns"`
	// ShutdownIncomplete says the target ran out of time draining requests
	// or flushing spans (exit status 3): its spans still in flight were
	// lost at shutdown.
	ShutdownIncomplete bool `json:"shutdown_incomplete,omitempty"`
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
	// Warmup is how long the warm-up lasted; WarmupSettled says the
	// target's CPU per request settled before the profile's warmup_max
	// (else the attack began unsettled); WarmupWindows is its CPU per
	// request in each window of the warm-up.
	Warmup        time.Duration   `json:"warmup_ns"`
	WarmupSettled bool            `json:"warmup_settled"`
	WarmupWindows []time.Duration `json:"warmup_windows_ns,omitempty"`
	// LoadGenCPU is otelbench's own CPU time during the attack; it includes
	// the embedded sink, which runs in the same process.
	LoadGenCPU time.Duration `json:"loadgen_cpu_ns"`
	// LoadGenCPUs is how many CPUs otelbench could run on during the
	// attack (its pinning, else the machine's); 0 in older runs.
	LoadGenCPUs int `json:"loadgen_cpus,omitempty"`
	// SinkCPU is the embedded sink's own CPU time during the attack (its
	// handlers' decoding and accounting, measured per thread); SinkSpans
	// the spans it received meanwhile. Zero when not measured (another
	// collector, or an older run).
	SinkCPU   time.Duration `json:"sink_cpu_ns,omitempty"`
	SinkSpans int64         `json:"sink_spans,omitempty"`
	// OtherCPU is the CPU time the machine spent during the attack on
	// anything but the target and otelbench (other processes, the kernel's
	// own threads, time stolen by a hypervisor), from /proc/stat, of
	// MachineCPUs over OtherWindow (the attack until its last response,
	// the window the target's CPU.Window covers too); OtherCPUKnown says
	// it was measured. /proc/stat samples at the kernel's tick while the
	// target's and otelbench's times are exact, so it tells other work of
	// some size (a few percent of the machine and more) and reads low, to
	// zero, below that.
	OtherCPU      time.Duration `json:"other_cpu_ns,omitempty"`
	OtherCPUKnown bool          `json:"other_cpu_known,omitempty"`
	MachineCPUs   int           `json:"machine_cpus,omitempty"`
	OtherWindow   time.Duration `json:"other_window_ns,omitempty"`
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

// Alloc is the heap allocation and the garbage collection of the target
// during the measured attack, from its runtime/metrics counters
// (wire.MetricHeapAllocBytes, wire.MetricHeapAllocObjects and the GC's)
// read from /metrics as the attack began and ended. The second read's own
// allocation (a few tens of KiB) is included.
type Alloc struct {
	Bytes   uint64 `json:"bytes"`
	Objects uint64 `json:"objects"`
	// GC is the collections in the same window; nil when the target did
	// not expose them (a cell from before they were read).
	GC *GC `json:"gc,omitempty"`
}

// GC is the garbage collection of the target during the measured attack:
// the cycles completed (wire.MetricGCCycles) and the runtime's estimates
// of the CPU time its collector spent (wire.MetricGCCPUSeconds) and of the
// CPU time Go code and the runtime used in all (wire.MetricGoCPUSeconds),
// which CPU is the share of. The runtime's CPU classes are estimates,
// comparable with each other rather than with the operating system's
// count in CPU.Window.
type GC struct {
	Cycles uint64        `json:"cycles"`
	CPU    time.Duration `json:"cpu_ns"`
	GoCPU  time.Duration `json:"go_cpu_ns"`
}

// CPU is the target's resource use, from the operating system.
type CPU struct {
	// Window is CPU time (user+sys, all threads) during the measured
	// attack, of the target and of the processes it started that ran to
	// the end of it (its process group).
	Window time.Duration `json:"window_ns"`
	// User and Sys cover the target's whole life, from its rusage.
	User time.Duration `json:"user_ns"`
	Sys  time.Duration `json:"sys_ns"`
	// PeakRSS is the target's peak resident set size (VmHWM) up to the end of
	// the measured attack; with several Processes, the sum of each one's
	// peak.
	PeakRSS int64 `json:"peak_rss_bytes"`
	// Processes is how many processes of the target's group PeakRSS
	// covers (0 in results from before it was recorded: one).
	Processes int `json:"processes,omitempty"`
}

// Receipt is how a cell's spans reached the embedded sink: the protocols
// its calls used, the connections by what they spoke, the HTTP requests it
// refused, and the SDKs that sent them (from the resources). A real
// Collector reports none of this: the cell has no Receipt.
type Receipt struct {
	// Protocols lists the OTLP protocols that carried at least one
	// call: "grpc", "http/protobuf", "http/json".
	Protocols []string `json:"protocols,omitempty"`
	// Calls counts the export calls read, over every protocol.
	Calls int64 `json:"calls"`
	// Conns counts connections by what their first bytes spoke: "grpc",
	// "http", "tls", "other".
	Conns map[string]int64 `json:"conns,omitempty"`
	// Refused counts HTTP requests that were not trace exports;
	// LastRefused describes the last ("POST /v1/metrics: 404").
	Refused     int64  `json:"refused,omitempty"`
	LastRefused string `json:"last_refused,omitempty"`
	// Resources are the distinct senders, with their spans.
	Resources []Resource `json:"resources,omitempty"`
	// WireBytes is what the sink read from the exporters' connections
	// during the cell's measured attack (sink.Transport.WireBytes: framing
	// and headers included, bodies as sent, compressed or not), and
	// WireSpans the spans of the export calls it read then: WireBytes
	// over WireSpans is the bytes on the wire per span. Zero in cells
	// from before they were counted.
	WireBytes int64 `json:"wire_bytes,omitempty"`
	WireSpans int64 `json:"wire_spans,omitempty"`
}

// Resource is one sender of a cell's spans: its service.name and
// telemetry.sdk.* resource attributes ("" when absent), with its spans.
type Resource struct {
	ServiceName string `json:"service_name,omitempty"`
	SDKLanguage string `json:"sdk_language,omitempty"`
	SDKName     string `json:"sdk_name,omitempty"`
	SDKVersion  string `json:"sdk_version,omitempty"`
	Spans       int64  `json:"spans"`
}

// NoDelivery says why a traced cell whose service served requests
// delivered no span: Cause is one of the NoDelivery constants, Evidence
// what showed it, LogTail the service's last lines of output.
type NoDelivery struct {
	Cause    string   `json:"cause"`
	Evidence string   `json:"evidence,omitempty"`
	LogTail  []string `json:"log_tail,omitempty"`
}

// The causes of a NoDelivery.
const (
	// NoDeliveryTLS: the exporter opened TLS against the plain-text
	// receiver.
	NoDeliveryTLS = "tls"
	// NoDeliveryPath: it sent HTTP requests that were not trace exports
	// (a path without /v1/traces, a wrong content type).
	NoDeliveryPath = "http-path"
	// NoDeliveryMalformed: its calls arrived but could not be read.
	NoDeliveryMalformed = "malformed"
	// NoDeliveryProtocol: it connected but spoke neither gRPC nor HTTP,
	// or its log shows a protocol mismatch.
	NoDeliveryProtocol = "protocol"
	// NoDeliveryNoConnection: nothing connected to the receiver: the
	// exporter points elsewhere, or never exports.
	NoDeliveryNoConnection = "no-connection"
	// NoDeliveryUnknown: the receiver cannot say (a real Collector).
	NoDeliveryUnknown = "unknown"
)

// Spans accounts for the spans of a cell's whole target life (warm-up included).
type Spans struct {
	// PerRequest is how many spans each traced request should produce:
	// the bundled target's from its workload; a user's service's as
	// measured (PerRequestMeasured) when it could be, else as given.
	PerRequest int `json:"per_request"`
	// PerRequestGiven is the user's -spans (0: not given), and
	// PerRequestMeasured the most common number of spans in the
	// PerRequestTraces traces that arrived (0: none did); user services
	// only.
	PerRequestGiven    int   `json:"per_request_given,omitempty"`
	PerRequestMeasured int   `json:"per_request_measured,omitempty"`
	PerRequestTraces   int64 `json:"per_request_traces,omitempty"`
	// EndedSource says where Ended comes from: EndedCounted (empty: the
	// bundled target's own count), EndedExpected (requests × spans per
	// request, not measured) or EndedUnknown.
	EndedSource EndedSource `json:"ended_source,omitempty"`
	// LossUnknown, when set, says why the loss of this cell cannot be
	// told (Lost is then 0 and means nothing): one of the LossUnknown
	// constants.
	LossUnknown string `json:"loss_unknown,omitempty"`
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
	// FailedByCode splits ExportFailed by the gRPC status code of the
	// failed export call ("Unavailable", "DeadlineExceeded", ...).
	FailedByCode map[string]int64 `json:"failed_by_code,omitempty"`
	// Dropped counts spans the batch processor dropped because its queue
	// was full; LostAtShutdown those still queued when the target exited.
	// DropSource says where Dropped comes from: one of the DropSource
	// constants (DropSDK, DropCleanShutdown, DropNone, DropUnknown,
	// DropExternal), empty for the untraced variant.
	Dropped        int64  `json:"dropped"`
	LostAtShutdown int64  `json:"lost_at_shutdown"`
	DropSource     string `json:"drop_source,omitempty"`
	// ShutdownClean says the target's ForceFlush and Shutdown both
	// returned in time without error.
	ShutdownClean bool `json:"shutdown_clean"`
	// SDKDropped and SDKQueued are the SDK's own queue-full drop count and
	// its queue length at exit, when Observability was on.
	Observability bool  `json:"observability,omitempty"`
	SDKDropped    int64 `json:"sdk_dropped,omitempty"`
	SDKQueued     int64 `json:"sdk_queued,omitempty"`
	// InFlightAtExit counts spans handed to ExportSpans whose call had not
	// returned when the target exited; they are part of LostAtShutdown.
	InFlightAtExit int64 `json:"in_flight_at_exit,omitempty"`
	// Abandoned and Rejected count spans of exports the sink saw end
	// without an OK: the client gave up, or the sink answered an error.
	Abandoned int64 `json:"sink_abandoned_spans,omitempty"`
	Rejected  int64 `json:"sink_rejected_spans,omitempty"`
	// Lost is Ended − Received.
	Lost int64 `json:"lost"`
	// FreshnessP50, FreshnessP99 and FreshnessMax are how long after their
	// end spans arrived at the sink (±15%: a log histogram).
	FreshnessP50 time.Duration `json:"freshness_p50_ns"`
	FreshnessP99 time.Duration `json:"freshness_p99_ns"`
	FreshnessMax time.Duration `json:"freshness_max_ns"`
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

// EndedSource says how a cell's Spans.Ended was known.
type EndedSource string

// The values of Spans.EndedSource.
const (
	// EndedCounted: the target counted the spans its processor saw.
	EndedCounted EndedSource = ""
	// EndedExpected: requests × spans per request; nothing inside the
	// service was counted.
	EndedExpected EndedSource = "expected"
	// EndedUnknown: not even an expectation holds (see LossUnknown).
	EndedUnknown EndedSource = "unknown"
)

// Why a cell's loss is unknown (Spans.LossUnknown).
const (
	// LossUnknownSampled: the service sampled at the root, so which
	// traces it kept is its own decision; only the share kept is known.
	LossUnknownSampled = "sampled-at-root"
	// LossUnknownExtra: more spans arrived than requests × spans per
	// request, so the expectation is wrong (the service traces other work,
	// or the count varies by request).
	LossUnknownExtra = "more-than-expected"
	// LossUnknownNoSpans: no span arrived to measure spans per request
	// from, and none was given.
	LossUnknownNoSpans = "nothing-to-measure"
)

// DropSource says how a cell's Spans.Dropped was counted. Spans.DropSource
// holds one as a string.
type DropSource string

// The values of Spans.DropSource.
const (
	// DropSDK: the SDK's own drop counter (OTEL_GO_X_OBSERVABILITY) split
	// the spans never exported into dropped and lost at shutdown.
	DropSDK DropSource = "sdk"
	// DropCleanShutdown: the queue was drained at exit, so every span never
	// handed to the exporter was dropped.
	DropCleanShutdown DropSource = "clean-shutdown"
	// DropNone: the sync processor queues nothing, so nothing is dropped;
	// what was not exported was lost at shutdown.
	DropNone DropSource = "none"
	// DropUnknown: the shutdown timed out without the SDK's counter, so
	// Dropped holds dropped and lost at shutdown together.
	DropUnknown DropSource = "unknown"
	// DropExternal: a user's service, seen only from outside; Dropped is
	// every span of a traced request that never arrived.
	DropExternal DropSource = "external"
)

// Histogram is a Prometheus histogram read from the target's final metrics.
type Histogram struct {
	// Bounds are the upper bounds in seconds; Counts the cumulative counts.
	// The +Inf bucket is Count.
	Bounds []float64 `json:"bounds,omitempty"`
	Counts []uint64  `json:"counts,omitempty"`
	Count  uint64    `json:"count"`
	Sum    float64   `json:"sum"`
}
