package profile

import "time"

// Kind is the tracing setup of a variant: how the target processes spans.
type Kind string

const (
	// KindNone is the untraced baseline: the target installs no tracer
	// provider. Every profile needs one, since overhead is measured
	// against it.
	KindNone Kind = "none"
	// KindSync exports every span synchronously as it ends (the SDK's
	// SimpleSpanProcessor).
	KindSync Kind = "sync"
	// KindBatch queues spans and exports them in batches from a worker
	// goroutine (the SDK's BatchSpanProcessor).
	KindBatch Kind = "batch"
	// KindSampled is KindBatch behind a parent-based trace-ID-ratio sampler.
	// A ratio of 0 samples nothing: the SDK's cost when no span is
	// recorded or exported (the floor of the marginal cost).
	KindSampled Kind = "sampled"
	// KindNoop is otelhttp and the handler's manual spans against the
	// API's noop TracerProvider: the instrumentation with no SDK, no
	// processor and no exporter. It ends no span and exports nothing.
	KindNoop Kind = "noop"
)

// kinds lists the valid kinds in the order error messages show them.
var kinds = []Kind{KindNone, KindNoop, KindSync, KindBatch, KindSampled}

// Exports reports whether a variant of kind k runs the SDK with an
// exporter (sync, batch, sampled): only those end spans through a span
// processor and send them. None and noop send nothing.
func (k Kind) Exports() bool {
	return k == KindSync || k == KindBatch || k == KindSampled
}

// Defaults applied by Parse to optional keys that a profile leaves out.
const (
	// DefaultWarmup is the unmeasured attack that precedes each cell.
	DefaultWarmup = Duration(time.Second)
	// DefaultRepetitions is how many times each (rate, variant) cell runs.
	DefaultRepetitions = 1
	// DefaultTimeout is the load generator's per-request timeout.
	DefaultTimeout = Duration(10 * time.Second)
	// DefaultMaxWorkers caps the load generator's concurrent workers.
	DefaultMaxWorkers = 512
	// DefaultP99OverheadPct is the p99 latency overhead, in percent of the
	// baseline, that a variant may add before it is over budget.
	DefaultP99OverheadPct = 10.0
)

// Profile is one decoded and validated benchmark profile.
type Profile struct {
	// Name identifies the profile in results; [a-z0-9][a-z0-9._-]*.
	Name string `json:"name"`
	// Description is free text for humans.
	Description string `json:"description,omitempty"`
	// Rates are the request rates, per second, to measure each variant at.
	Rates []int `json:"rates"`
	// Duration is the measured attack length of each cell.
	Duration Duration `json:"duration"`
	// Warmup is the shortest unmeasured attack before each cell: the
	// warm-up goes on until the target's CPU per request has settled, up to
	// WarmupMax.
	Warmup Duration `json:"warmup"`
	// WarmupMax caps the warm-up; zero means the runner's default (or
	// Warmup, when that is longer).
	WarmupMax Duration `json:"warmup_max,omitempty"`
	// Repetitions is how many times each cell runs.
	Repetitions int `json:"repetitions"`
	// Timeout is the per-request timeout.
	Timeout Duration `json:"timeout"`
	// MaxWorkers caps the load generator's concurrent workers.
	MaxWorkers int `json:"max_workers"`
	// Seed fixes the shuffled order of the variants within each repetition;
	// 0 (not set) means the runner picks one and records it in run.json.
	Seed int `json:"seed,omitempty"`
	// Workload is what the target does for each request.
	Workload Workload `json:"workload"`
	// Sink configures the OTLP sink the target exports to.
	Sink Sink `json:"sink"`
	// Collector is what receives the spans: the embedded sink (default) or
	// a real OpenTelemetry Collector.
	Collector Collector `json:"collector,omitempty"`
	// Burst, when set, adds a load spike to every measured attack.
	Burst *Burst `json:"burst,omitempty"`
	// Budget is the overhead a variant may add and still pass.
	Budget Budget `json:"budget"`
	// Variants are the tracing setups to compare; at least one is KindNone.
	Variants []Variant `json:"variants"`
	// Path is the file the profile was read from ("" when parsed from bytes
	// with no name).
	Path string `json:"path,omitempty"`
}

// Workload is the synthetic work the target performs for each request.
type Workload struct {
	// CPU is how long the handler busy-loops on the CPU.
	CPU Duration `json:"cpu"`
	// Sleep is how long the handler sleeps.
	Sleep Duration `json:"sleep"`
	// ExtraSpans is how many child spans the handler creates beyond the
	// two that every traced request has.
	ExtraSpans int `json:"extra_spans"`
}

// Sink configures the OTLP sink that receives the target's spans, and the
// ways it misbehaves on purpose. Windows are relative to the start of each
// measured attack; the other faults apply from the start of each cell.
type Sink struct {
	// Delay is how long the sink waits before answering each export (a
	// fixed latency). It excludes Latency.
	Delay Duration `json:"delay"`
	// Latency, when set, draws each export's latency from a lognormal
	// distribution with this median and 99th percentile.
	Latency *LatencyDist `json:"latency,omitempty"`
	// Spikes adds occasional extra latency.
	Spikes *Spikes `json:"spikes,omitempty"`
	// Errors answers a fraction of exports with a gRPC error.
	Errors *Errors `json:"errors,omitempty"`
	// Outages are windows in which the sink refuses connections; it comes
	// back on the same address.
	Outages []Window `json:"outages,omitempty"`
	// BlackHoles are windows in which exports are accepted but never
	// answered.
	BlackHoles []Window `json:"black_holes,omitempty"`
	// CapSpansPerSec, when positive, caps the spans per second the sink
	// accepts (a back end that drains slowly).
	CapSpansPerSec float64 `json:"cap_spans_per_sec,omitempty"`
	// CapBurst is the cap's bucket size in spans; 0 means one second's worth.
	CapBurst float64 `json:"cap_burst,omitempty"`
	// Seed seeds the random faults (latency, spikes, errors).
	Seed uint64 `json:"seed,omitempty"`
}

// Collector names what receives the targets' spans.
type Collector string

const (
	// CollectorSink is the embedded sink, which counts and can misbehave.
	CollectorSink Collector = "sink"
	// CollectorOtelcol is a real OpenTelemetry Collector built by
	// `make collector`, whose own counters are read for the accounting.
	CollectorOtelcol Collector = "otelcol"
)

// Burst is a load spike inside each measured attack: the request rate is
// multiplied by Factor from At for Length, then returns to the cell's rate.
type Burst struct {
	At     Duration `json:"at"`
	Length Duration `json:"length"`
	Factor float64  `json:"factor"`
}

// Budget is the overhead a variant may add over the baseline.
type Budget struct {
	// P99OverheadPct is the allowed p99 latency overhead in percent.
	P99OverheadPct float64 `json:"p99_overhead_pct"`
}

// Variant is one tracing setup of the target. Pointer fields are nil when
// the profile leaves them out, so the SDK's own default applies.
type Variant struct {
	// Name identifies the variant in results; unique in its profile.
	Name string `json:"name"`
	// Kind is how the target processes spans.
	Kind Kind `json:"kind"`
	// QueueSize is OTEL_BSP_MAX_QUEUE_SIZE (batch and sampled only).
	QueueSize *int `json:"queue_size,omitempty"`
	// MaxExportBatchSize is OTEL_BSP_MAX_EXPORT_BATCH_SIZE (batch and
	// sampled only).
	MaxExportBatchSize *int `json:"max_export_batch_size,omitempty"`
	// BatchTimeout is OTEL_BSP_SCHEDULE_DELAY (batch and sampled only).
	BatchTimeout *Duration `json:"batch_timeout,omitempty"`
	// ExportTimeout is OTEL_BSP_EXPORT_TIMEOUT (batch and sampled only).
	ExportTimeout *Duration `json:"export_timeout,omitempty"`
	// ExporterTimeout is OTEL_EXPORTER_OTLP_TIMEOUT (all kinds but none).
	ExporterTimeout *Duration `json:"exporter_timeout,omitempty"`
	// Blocking makes the batch processor block instead of dropping spans
	// when its queue is full (the SDK's WithBlocking; batch and sampled
	// only). No standard variable controls it, so the runner passes it to
	// the target itself.
	Blocking bool `json:"blocking,omitempty"`
	// SampleRatio is the trace-ID ratio of kind sampled, in [0, 1]; 0
	// samples nothing (SamplesNothing).
	SampleRatio *float64 `json:"sample_ratio,omitempty"`
	// Observability turns on the SDK's experimental self-observability
	// metrics (OTEL_GO_X_OBSERVABILITY=true), which expose its count of
	// spans dropped on a full queue. It costs about 0.7 µs per span.
	Observability bool `json:"observability,omitempty"`
	// SDKVersion, when set, is the release of the OpenTelemetry Go SDK
	// ("v1.40.0": go.opentelemetry.io/otel, its sdk, trace, metric and
	// otlptracegrpc) the runner builds this variant's target against,
	// instead of the module's own (all kinds but none). MinSDKVersion is
	// the oldest it accepts.
	SDKVersion string `json:"sdk_version,omitempty"`
	// OtelhttpVersion, with SDKVersion, overrides the otelhttp release
	// the target is built with; by default it is the newest contrib
	// release whose go.mod requires SDKVersion.
	OtelhttpVersion string `json:"otelhttp_version,omitempty"`
	// Protocol, when set, is the OTLP protocol the exporter is told to
	// use (OTEL_EXPORTER_OTLP_PROTOCOL): grpc, http/protobuf or http/json;
	// empty leaves it to the service (the bundled target: grpc). The
	// receiver speaks all three on one port either way.
	Protocol string `json:"protocol,omitempty"`
	// Compression, when set, is the exporter's compression
	// (OTEL_EXPORTER_OTLP_COMPRESSION): gzip or none; empty leaves it to
	// the service (the Go SDK: none). The receiver accepts both.
	Compression string `json:"compression,omitempty"`
	// ExtraEnv is the profile's env block: extra environment for the
	// target (all kinds but none). It is not named Env because the method
	// Env returns the variant's complete environment.
	ExtraEnv map[string]string `json:"env,omitempty"`
}

// Baseline returns the first variant of kind none, or nil if there is none
// (which Parse never returns).
func (p *Profile) Baseline() *Variant {
	for i := range p.Variants {
		if p.Variants[i].Kind == KindNone {
			return &p.Variants[i]
		}
	}
	return nil
}

// SpansPerRequest returns how many spans the target ends through the SDK
// per request under this variant and workload: 0 for kinds that export
// nothing (none, and noop, whose spans are the API's non-recording ones),
// otherwise the two that every traced request has plus w.ExtraSpans.
func (v Variant) SpansPerRequest(w Workload) int {
	if !v.Kind.Exports() {
		return 0
	}
	return 2 + w.ExtraSpans
}

// SamplesNothing reports whether v is kind sampled with ratio 0: the SDK
// runs and exports, but no span is sampled. It is a measurement of the
// SDK's floor, never a setting to recommend.
func (v Variant) SamplesNothing() bool {
	return v.Kind == KindSampled && v.SampleRatio != nil && *v.SampleRatio == 0
}
