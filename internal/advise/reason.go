package advise

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Setting names what a Reason is about, in the order Advice lists them.
type Setting string

// The settings.
const (
	SettingProcessor       Setting = "processor"
	SettingSampling        Setting = "sample_ratio"
	SettingQueue           Setting = "max_queue_size"
	SettingBatch           Setting = "max_export_batch_size"
	SettingDelay           Setting = "schedule_delay"
	SettingExportTimeout   Setting = "export_timeout"
	SettingExporterTimeout Setting = "exporter_timeout"
	SettingRetry           Setting = "retry"
	SettingBlocking        Setting = "blocking"
)

// SettingOrder is the order in which settings' reasons are listed.
var SettingOrder = []Setting{SettingProcessor, SettingSampling, SettingQueue, SettingBatch, SettingDelay,
	SettingExportTimeout, SettingExporterTimeout, SettingRetry, SettingBlocking}

// Reason is one reason behind a setting: its figures, one of the types of
// this file (BatchRaised, QueueSized, …), whose fields say what was
// measured or computed. Durations are time.Duration (nanoseconds in JSON),
// rates per second.
type Reason struct {
	Setting Setting `json:"setting"`
	Figures any     `json:"-"`
}

// Kind is the name of the reason's figures type ("BatchRaised").
func (r Reason) Kind() string {
	return strings.TrimPrefix(fmt.Sprintf("%T", r.Figures), "advise.")
}

// MarshalJSON writes {"setting": …, "kind": …, "figures": {…}}.
func (r Reason) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Setting Setting `json:"setting"`
		Kind    string  `json:"kind"`
		Figures any     `json:"figures"`
	}{r.Setting, r.Kind(), r.Figures})
}

// Origin says where a setting that the sizing kept or raised came from:
// the measured variant the advice starts from, or the SDK's default.
type Origin struct {
	// Variant is the measured variant; "" for the SDK's default.
	Variant string `json:"variant,omitempty"`
}

// The processor's reasons.
type (
	// BasedOn: the batch processor, as measured in Variant, which met the
	// budgets (Qualified) or missed them least; WorstP99Pct against
	// Budget, CPU per request on average.
	BasedOn struct {
		Variant     string
		Qualified   bool
		Pool        Pool
		WorstP99Pct float64
		Budget      float64
		CPU         time.Duration
	}
	// SyncQualified: Variant, of kind sync, met the budgets and cost CPU,
	// but it exports on the request path.
	SyncQualified struct {
		Variant string
		CPU     time.Duration
	}
	// SyncMeasured: not sync; Variant at Rate reached Achieved requests/s,
	// its p99 changed by P99Pct (P99Overhead), each span waited LockWait
	// on the processor's lock, and the longest OnEnd took OnEndMax.
	SyncMeasured struct {
		Variant          string
		Rate             int
		Achieved, P99Pct float64
		P99Overhead      time.Duration
		LockWait         time.Duration
		OnEndMax         time.Duration
	}
	// SyncModel: not sync; with exports of ExportLatency and Spans per
	// request the model caps a service at CapRPS requests/s.
	SyncModel struct {
		ExportLatency time.Duration
		Spans         float64
		CapRPS        float64
	}
	// SyncOnRequestPath: not sync; it exports each of the Spans of a
	// request on the request path under one lock.
	SyncOnRequestPath struct{ Spans int }
)

// The sampler's reasons.
type (
	// KeepEvery: no sampling; Variant keeps every trace with a worst p99
	// change of WorstP99Pct (Budget) at Rates.
	KeepEvery struct {
		Variant     string
		WorstP99Pct float64
		Budget      float64
		Rates       []int
	}
	// SampleNeeded: nothing that keeps every trace met the budget; Variant
	// did with ratio Ratio, keeping Kept of traces; BestUnsampled is the
	// unsampled variant that came closest, at BestP99Pct.
	SampleNeeded struct {
		Ratio         float64
		Variant       string
		WorstP99Pct   float64
		Budget        float64
		Kept          float64
		BestUnsampled string
		BestP99Pct    float64
	}
)

// The batch size's reasons.
type (
	// BatchChecked: Size (Origin) moves at most Ceiling spans/s with exports
	// of ExportLatency, Multiple × the peak of PeakSpanRate; the model
	// needs Need for 1/Utilisation × headroom.
	BatchChecked struct {
		Size          int
		Origin        Origin
		ExportLatency time.Duration
		LatencySource LatencySource
		Ceiling       float64
		Multiple      float64
		PeakSpanRate  float64
		Need          int
	}
	// BatchRaised: raised from From (Origin) to To: batches of From move at
	// most Ceiling spans/s against PeakSpanRate.
	BatchRaised struct {
		From, To      int
		Origin        Origin
		ExportLatency time.Duration
		Ceiling       float64
		PeakSpanRate  float64
	}
	// BatchUnchecked: Size (Origin); no export latency to check it against.
	BatchUnchecked struct {
		Size   int
		Origin Origin
	}
)

// The schedule delay's reasons.
type (
	// DelayRaised: raised from From (Origin) to To: a full batch's export
	// takes ExportLatency; at or below that the timer races the export and
	// batches average RaceBatch spans instead of Batch.
	DelayRaised struct {
		From, To      time.Duration
		Origin        Origin
		ExportLatency time.Duration
		RaceBatch     float64
		Batch         int
	}
	// DelayKept: Delay (Origin) is Multiple × a full batch's export of
	// ExportLatency: the timer never races it.
	DelayKept struct {
		Delay         time.Duration
		Origin        Origin
		Multiple      float64
		ExportLatency time.Duration
	}
	// DelayRegime: at Rate the model has the worker in Regime: batches of
	// Batch spans, ExportsPerSec exports/s, a span at the collector at
	// worst Staleness after it ends; Freshness is what Variant measured
	// (0 when not).
	DelayRegime struct {
		Rate          int
		Regime        string
		Batch         float64
		ExportsPerSec float64
		Staleness     time.Duration
		Variant       string
		Freshness     time.Duration
	}
	// DelayFresher: for spans at most Target old at the collector at Rate,
	// the model allows a delay of up to MaxDelay.
	DelayFresher struct {
		Rate     int
		Target   time.Duration
		MaxDelay time.Duration
	}
)

// The queue's reasons.
type (
	// QueueSized: the model's fullest queue for PeakSpanRate (and a burst
	// to BurstSpanRate for BurstLength) with exports of ExportLatency is
	// Need spans (at least one batch of Batch); Factor × headroom rounds
	// up to Want; the queue From (Origin) became To.
	QueueSized struct {
		Need, Batch   int
		Factor        int
		Want          int
		From, To      int
		Origin        Origin
		PeakSpanRate  float64
		BurstSpanRate float64
		BurstLength   time.Duration
		ExportLatency time.Duration
	}
	// QueueForTimeout: raised to To so that an export held for the whole
	// exporter Timeout fills at most the queue: SpanRate × Timeout = Need.
	QueueForTimeout struct {
		To       int
		Timeout  time.Duration
		SpanRate float64
		Need     int
	}
	// QueueMeasuredLoss: Variant (queue Queue, batch Batch) lost Lost of
	// Ended spans (LossPct) at Rate.
	QueueMeasuredLoss struct {
		Variant      string
		Queue, Batch int
		Lost, Ended  int64
		LossPct      float64
		Rate         int
	}
	// QueueFault: the sink's fault of Window brings Spans at the peak; the
	// queue of Queue holds Holds of them; holding all would take FullMiB.
	QueueFault struct {
		Window  time.Duration
		Spans   float64
		Queue   int
		Holds   time.Duration
		FullMiB float64
	}
	// QueueMemory: a full queue of Queue keeps HeldMiB alive (BytesPerSpan
	// each), plus SlotsKiB allocated up front.
	QueueMemory struct {
		Queue        int
		HeldMiB      float64
		BytesPerSpan int64
		SlotsKiB     float64
	}
	// QueueUnsized: the model finds no queue that holds the peak (Detail).
	QueueUnsized struct {
		Queue  int
		Origin Origin
		Detail string
	}
)

// The exporter's and the processor's timeouts' reasons.
type (
	// ExporterBound: Timeout bounds one export, every retry included;
	// meanwhile Arrivals spans arrive at SpanRate, and the queue of Queue
	// holds Holds of arrivals.
	ExporterBound struct {
		Timeout  time.Duration
		Arrivals float64
		SpanRate float64
		Queue    int
		Holds    time.Duration
	}
	// ExporterTooLong: Timeout (Origin) would let Arrivals spans arrive
	// during one stuck export, Over more than the queue holds.
	ExporterTooLong struct {
		Timeout  time.Duration
		Origin   Origin
		Arrivals float64
		Over     float64
	}
	// ExporterFloor: no shorter than Floor: Factor × the mean export of
	// ExportMean, and at least Min.
	ExporterFloor struct {
		Floor      time.Duration
		Factor     int
		ExportMean time.Duration
		Min        time.Duration
	}
	// FaultEvidence: with the sink's fault of Window at Rate, Variant
	// (export bound Bound, queue Queue) lost Lost of Ended spans (Dropped
	// dropped, Failed failed); spans came back SpansBack after it (−1:
	// never; 0 with Recovered false: not measured).
	FaultEvidence struct {
		Variant         string
		Window          time.Duration
		Rate            int
		Bound           time.Duration
		Queue           int
		Lost, Ended     int64
		Dropped, Failed int64
		SpansBack       time.Duration
		Recovered       bool
	}
	// ExportTimeoutSame: the processor's export timeout is the exporter
	// timeout Timeout (it was no longer, Origin).
	ExportTimeoutSame struct {
		Timeout time.Duration
		Origin  Origin
	}
	// ExportTimeoutLowered: lowered to the exporter's Timeout from Before
	// (Origin), which would let an exporter without a timeout of its own
	// hold the worker while Arrivals spans arrive.
	ExportTimeoutLowered struct {
		Timeout, Before time.Duration
		Origin          Origin
		Arrivals        float64
	}
)

// The retry policy's reasons.
type (
	// RetryPolicy: first backoff Initial, at most Max apart, for at most
	// Elapsed: about Tries retries fit in Timeout.
	RetryPolicy struct {
		Initial, Max, Elapsed time.Duration
		Tries                 int
		Timeout               time.Duration
	}
	// RetryDefaultsTooSlow: the exporter's default first backoff Default is
	// randomised to Low–High; within Timeout a retryable failure gets no
	// retry (None) or at most one.
	RetryDefaultsTooSlow struct {
		Default, Low, High time.Duration
		Timeout            time.Duration
		None               bool
	}
	// RetryFailures: failed exports at Rate by gRPC code, per variant.
	RetryFailures struct {
		Rate   int
		ByCode map[string]map[string]int64
	}
)

// The blocking option's reasons.
type (
	// BlockingOff: a stuck export fills the queue of Queue in FillTime at
	// SpanRate (0: unknown), after which every request would wait, up to
	// Timeout.
	BlockingOff struct {
		Queue    int
		FillTime time.Duration
		SpanRate float64
		Timeout  time.Duration
	}
	// BlockingMeasured: Variant at Rate held a request in OnEnd for up to
	// OnEndMax, p99 change P99Pct; Twin, without blocking, TwinOnEndMax and
	// TwinP99Pct ("" when none was measured).
	BlockingMeasured struct {
		Variant      string
		Rate         int
		OnEndMax     time.Duration
		P99Pct       float64
		Twin         string
		TwinOnEndMax time.Duration
		TwinP99Pct   float64
	}
	// BlockingThrottle: past the ceiling of Ceiling spans/s the model has a
	// blocking processor throttle the service to RequestsPerSec.
	BlockingThrottle struct {
		Ceiling        float64
		RequestsPerSec float64
	}
)
