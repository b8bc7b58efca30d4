package advise

import (
	"fmt"
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/settings"
)

// The margins the sizing keeps. Each is a choice, not a measurement; the
// reasons show the numbers they produce.
const (
	// Utilisation is the largest share of the worker's ceiling (batch
	// size / export latency) the steady peak span rate may use: the ceiling
	// stays at least twice the peak, so that a collector twice as slow as
	// measured still keeps up.
	Utilisation = 0.5
	// QueueHeadroom multiplies the queue the model says the peak (and the
	// burst, if any) needs; the result is rounded up to a power of two.
	QueueHeadroom = 2
	// RaceMargin: the batch timeout is at least this many full-batch
	// exports, well away from the timer race (model.TimerRaces).
	RaceMargin = 4
	// MinExporterTimeout and ExportFactor: the exporter timeout is at
	// least this long and at least this many mean exports, so that a slow
	// but healthy export is not cut.
	MinExporterTimeout = 500 * time.Millisecond
	ExportFactor       = 20
	// RetryDivisor: the advised first backoff is the exporter timeout
	// divided by this, so that retries fit within the timeout.
	RetryDivisor = 5
	// MaxBatch is the largest batch the sizing proposes: a batch of more
	// spans risks the 4 MiB message a gRPC server (the Collector's OTLP
	// receiver among them) accepts by default, at about 1 KiB a span.
	MaxBatch = 4096
	// FreshTarget is the age at the collector the delay's reasons quote
	// the longest delay for.
	FreshTarget = time.Second
)

// LatencySource says where the export latency the sizing used comes from.
type LatencySource string

// The sources of the export latency.
const (
	// LatencyBaseExport: the mean export of the chosen variant at the peak.
	LatencyBaseExport LatencySource = "chosen-variant-export-mean"
	// LatencyLongestExport: the longest mean export of the batch variants.
	LatencyLongestExport LatencySource = "longest-export-mean"
	// LatencySinkDelay: the sink's configured delay (no export measured,
	// or the exports include the sink's outages).
	LatencySinkDelay LatencySource = "sink-delay"
	// LatencyGiven: stated by the user (tune's -latency).
	LatencyGiven LatencySource = "given"
	// LatencyUnknown: none measured or configured: exports taken as instant.
	LatencyUnknown LatencySource = "unknown"
)

// Inputs are the figures the sizing works from.
type Inputs struct {
	// PeakRequestsPerSec is the highest rate; LowRequestsPerSec the lowest
	// (for the delay's reasons).
	PeakRequestsPerSec float64 `json:"peak_requests_per_sec"`
	LowRequestsPerSec  float64 `json:"low_requests_per_sec"`
	// BurstRequestsPerSec and BurstLength are a burst at the peak; zero
	// without one.
	BurstRequestsPerSec float64       `json:"burst_requests_per_sec"`
	BurstLength         time.Duration `json:"burst_length_ns"`
	SpansPerRequest     int           `json:"spans_per_request"`
	// SampledShare is the share of requests whose spans reach the
	// processor (the sample ratio, else 1).
	SampledShare float64 `json:"sampled_share"`
	// ExportLatency is the time of one export, and LatencySource where it
	// comes from.
	ExportLatency time.Duration `json:"export_latency_ns"`
	LatencySource LatencySource `json:"export_latency_source"`
	// FaultWindow is the sink's longest outage or black hole; zero without.
	FaultWindow time.Duration `json:"fault_window_ns"`
}

// load is the model's load at the peak.
func (in Inputs) load() model.Load {
	l := model.Load{
		RequestsPerSec:  in.PeakRequestsPerSec,
		SpansPerRequest: float64(in.SpansPerRequest),
		SampledShare:    in.SampledShare,
		ExportLatency:   in.ExportLatency,
	}
	if in.BurstRequestsPerSec > 0 && in.BurstLength > 0 {
		l.Burst = model.Burst{PeakRequestsPerSec: in.BurstRequestsPerSec, Length: in.BurstLength}
	}
	return l
}

// PeakSpanRate is the steady peak of spans per second at the processor.
func (in Inputs) PeakSpanRate() float64 { return model.SpanRate(in.load()) }

// Sizing is the outcome of Size: the settings, the reasons for each, and
// what limits them.
type Sizing struct {
	Settings settings.Tracing
	Reasons  []Reason
	Notes    []Note
}

// sizer carries what Size has worked out so far.
type sizer struct {
	in     Inputs
	origin Origin
	t      settings.Tracing
	bound  time.Duration // the start's export bound
	load   model.Load
	lambda float64
	out    *Sizing
}

func (z *sizer) why(s Setting, figures any) {
	z.out.Reasons = append(z.out.Reasons, Reason{Setting: s, Figures: figures})
}

func (z *sizer) note(n Note) { z.out.Notes = append(z.out.Notes, n) }

// Size sizes a batch processor and its exporter for in, starting from start
// (the settings of the measured variant the advice starts from, named by
// origin; the SDK's defaults when origin is empty): the batch size for a
// ceiling of at least twice the peak, the delay away from the timer race,
// the queue for the peak and the burst with headroom, and the exporter
// timeout no longer than the queue can absorb. Each is raised where it is
// too small and kept where it is larger; the export timeout follows the
// exporter's, the retry policy fits within it, and blocking is off. It
// never returns the simple processor, a zero delay or a zero queue.
func Size(start settings.Tracing, origin Origin, in Inputs) Sizing {
	out := Sizing{}
	t := start
	t.Processor = settings.ProcessorBatch
	if t.Batch.QueueSize <= 0 || t.Batch.MaxExportBatchSize <= 0 || t.Batch.BatchTimeout <= 0 {
		t.Batch = settings.DefaultBatch()
	}
	if t.Exporter.Timeout <= 0 {
		t.Exporter = settings.DefaultExporter()
	}
	z := &sizer{in: in, origin: origin, t: t, bound: t.ExportBound(), load: in.load(), out: &out}
	z.t.Batch.Blocking = false
	z.lambda = model.SpanRate(z.load)
	z.batchSize()
	z.batchTimeout()
	z.queue()
	z.exporterTimeout()
	z.exportTimeout()
	z.retry()
	z.blocking()
	out.Settings = z.t
	return out
}

// batchSize checks the batch size against the throughput ceiling.
func (z *sizer) batchSize() {
	b := &z.t.Batch
	m, l := b.MaxExportBatchSize, z.in.ExportLatency
	if l <= 0 {
		z.why(SettingBatch, BatchUnchecked{Size: m, Origin: z.origin})
		return
	}
	need, err := model.MinBatchSizeFor(z.lambda, l, 0, Utilisation)
	if err == nil && need > MaxBatch {
		err = fmt.Errorf("batches of %d spans, above the %d a gRPC message holds by default: %w", need, MaxBatch, model.ErrNoSolution)
	}
	if err != nil {
		z.note(Note{Kind: NoteNoBatchSize, Value: z.lambda, Detail: err.Error()})
		z.why(SettingBatch, BatchUnchecked{Size: m, Origin: z.origin})
		return
	}
	if m < need {
		z.why(SettingBatch, BatchRaised{From: m, To: need, Origin: z.origin, ExportLatency: l, Ceiling: float64(m) / l.Seconds(), PeakSpanRate: z.lambda})
		b.MaxExportBatchSize = need
		b.QueueSize = max(b.QueueSize, need)
		return
	}
	z.why(SettingBatch, BatchChecked{Size: m, Origin: z.origin, ExportLatency: l, LatencySource: z.in.LatencySource,
		Ceiling: float64(m) / l.Seconds(), Multiple: float64(m) / l.Seconds() / math.Max(z.lambda, 1e-9), PeakSpanRate: z.lambda, Need: need})
}

// batchTimeout keeps the batch timeout away from the timer race and says
// what it costs in staleness.
func (z *sizer) batchTimeout() {
	b := &z.t.Batch
	t, l := b.BatchTimeout, z.in.ExportLatency
	floor := max(RaceMargin*l, time.Millisecond)
	switch {
	case t < floor:
		nt := roundUp(floor, 100*time.Millisecond)
		z.why(SettingDelay, DelayRaised{From: t, To: nt, Origin: z.origin, ExportLatency: l,
			RaceBatch: model.RaceBatchSize(b.MaxExportBatchSize), Batch: b.MaxExportBatchSize})
		b.BatchTimeout, t = nt, nt
	case l > 0:
		z.why(SettingDelay, DelayKept{Delay: t, Origin: z.origin, Multiple: t.Seconds() / l.Seconds(), ExportLatency: l})
	default:
		z.why(SettingDelay, DelayKept{Delay: t, Origin: z.origin})
	}
	for _, rate := range uniqueRates(z.in.LowRequestsPerSec, z.in.PeakRequestsPerSec) {
		ld := z.load
		ld.RequestsPerSec, ld.Burst = rate, model.Burst{}
		pr, err := model.Predict(*b, ld)
		if err != nil {
			continue
		}
		z.why(SettingDelay, DelayRegime{Rate: int(rate), Regime: pr.Regime.String(), Batch: pr.BatchSize,
			ExportsPerSec: pr.ExportsPerSec, Staleness: pr.Staleness.WorstToDone})
	}
	if t > FreshTarget {
		ld := z.load
		ld.Burst = model.Burst{}
		if mt, err := model.MaxBatchTimeoutFor(*b, ld, FreshTarget); err == nil {
			z.why(SettingDelay, DelayFresher{Rate: int(z.in.PeakRequestsPerSec), Target: FreshTarget, MaxDelay: mt})
		}
	}
}

// queue sizes the queue for the peak and the burst, with headroom.
func (z *sizer) queue() {
	b := &z.t.Batch
	q := b.QueueSize
	need, err := model.MinQueueFor(*b, z.load)
	if err != nil {
		z.note(Note{Kind: NoteNoQueue, Value: z.lambda, Detail: err.Error()})
		z.why(SettingQueue, QueueUnsized{Queue: q, Origin: z.origin, Detail: err.Error()})
		return
	}
	want := pow2ceil(QueueHeadroom * need)
	r := QueueSized{Need: need, Batch: b.MaxExportBatchSize, Factor: QueueHeadroom, Want: want, From: q, To: max(q, want),
		Origin: z.origin, PeakSpanRate: z.lambda, ExportLatency: z.in.ExportLatency}
	if z.load.Burst.PeakRequestsPerSec > 0 {
		r.BurstSpanRate, r.BurstLength = model.PeakSpanRate(z.load), z.load.Burst.Length
	}
	z.why(SettingQueue, r)
	b.QueueSize = r.To
}

// exporterTimeout bounds how long one export holds the worker: no longer
// than the queue can absorb at the peak, no shorter than a slow healthy
// export. When the queue absorbs less than that, the queue grows.
func (z *sizer) exporterTimeout() {
	b := &z.t.Batch
	l := z.in.ExportLatency
	lo := roundUp(max(MinExporterTimeout, ExportFactor*l), 100*time.Millisecond)
	hi := z.bound
	lo = min(lo, hi) // a shorter bound that was measured to qualify stays
	x := hi
	if z.lambda > 0 {
		fit := time.Duration(float64(b.QueueSize) / z.lambda * float64(time.Second))
		x = min(hi, max(lo, fit.Truncate(100*time.Millisecond)))
		if need := int(math.Ceil(z.lambda * x.Seconds())); need > b.QueueSize {
			q := pow2ceil(need)
			z.why(SettingQueue, QueueForTimeout{To: q, Timeout: x, SpanRate: z.lambda, Need: need})
			b.QueueSize = q
		}
	}
	m := model.MemoryOf(*b, model.BytesPerQueuedSpan)
	z.why(SettingQueue, QueueMemory{Queue: b.QueueSize, HeldMiB: float64(m.Queue) / (1 << 20), BytesPerSpan: model.BytesPerQueuedSpan, SlotsKiB: float64(m.Slots) / 1024})
	z.t.Exporter.Timeout = x
	if z.lambda > 0 {
		z.why(SettingExporterTimeout, ExporterBound{Timeout: x, Arrivals: z.lambda * x.Seconds(), SpanRate: z.lambda, Queue: b.QueueSize,
			Holds: time.Duration(float64(b.QueueSize) / z.lambda * float64(time.Second))})
		if over := z.lambda*hi.Seconds() - float64(b.QueueSize); hi > x && over > 0 {
			z.why(SettingExporterTimeout, ExporterTooLong{Timeout: hi, Origin: z.origin, Arrivals: z.lambda * hi.Seconds(), Over: over})
		}
	}
	if l > 0 && lo < hi {
		z.why(SettingExporterTimeout, ExporterFloor{Floor: lo, Factor: ExportFactor, ExportMean: l, Min: MinExporterTimeout})
	}
}

// exportTimeout sets the processor's export timeout to the exporter's.
func (z *sizer) exportTimeout() {
	b := &z.t.Batch
	x, before := z.t.Exporter.Timeout, b.ExportTimeout
	b.ExportTimeout = x
	if before > 0 && before <= x {
		z.why(SettingExportTimeout, ExportTimeoutSame{Timeout: x, Origin: z.origin})
		return
	}
	z.why(SettingExportTimeout, ExportTimeoutLowered{Timeout: x, Before: before, Origin: z.origin, Arrivals: z.lambda * before.Seconds()})
}

// retry sets a retry policy that fits within the exporter timeout.
func (z *sizer) retry() {
	x := z.t.Exporter.Timeout
	rc := retryFor(x)
	z.t.Exporter.Retry = rc
	z.why(SettingRetry, RetryPolicy{Initial: rc.InitialInterval, Max: rc.MaxInterval, Elapsed: rc.MaxElapsedTime,
		Tries: retriesWithin(rc.InitialInterval, rc.MaxInterval, x), Timeout: x})
	lo, hi := settings.DefaultRetryInitialInterval/2, settings.DefaultRetryInitialInterval*3/2 // randomised by ±50%
	if x < hi {
		z.why(SettingRetry, RetryDefaultsTooSlow{Default: settings.DefaultRetryInitialInterval, Low: lo, High: hi, Timeout: x, None: x <= lo})
	}
}

// blocking says why blocking stays off, with the model's numbers.
func (z *sizer) blocking() {
	b := z.t.Batch
	r := BlockingOff{Queue: b.QueueSize, SpanRate: z.lambda, Timeout: z.t.Exporter.Timeout}
	if z.lambda > 0 {
		r.FillTime = time.Duration(float64(b.QueueSize) / z.lambda * float64(time.Second))
	}
	z.why(SettingBlocking, r)
	st := b
	st.Blocking = true
	ld := z.load
	ld.Burst = model.Burst{}
	if pr, err := model.Predict(st, ld); err == nil && !math.IsInf(pr.Ceiling, 1) {
		z.why(SettingBlocking, BlockingThrottle{Ceiling: pr.Ceiling, RequestsPerSec: pr.Ceiling / math.Max(ld.SpansPerRequest*ld.SampledShare, 1e-9)})
	}
}

// retryFor is the retry policy advised for an exporter timeout of x: the
// first backoff a fifth of it, the longest half, and retrying for no longer
// than x.
func retryFor(x time.Duration) settings.Retry {
	ms := time.Millisecond
	return settings.Retry{
		Enabled:         true,
		InitialInterval: max(ms, roundUp(x/RetryDivisor, ms)),
		MaxInterval:     max(ms, roundUp(x/2, ms)),
		MaxElapsedTime:  roundUp(x, ms),
	}
}

// retriesWithin counts the retries that start within x, with backoffs of
// initial, ×1.5 each time (the exporter's multiplier), at most maxInterval,
// ignoring the randomisation.
func retriesWithin(initial, maxInterval, x time.Duration) int {
	n, at, step := 0, time.Duration(0), initial
	for step > 0 && at+step < x && n < 100 {
		at += step
		n++
		step = min(time.Duration(float64(step)*1.5), maxInterval)
	}
	return n
}

// pow2ceil returns the smallest power of two ≥ n (1 for n ≤ 1).
func pow2ceil(n int) int {
	p := 1
	for p < n && p < 1<<30 {
		p <<= 1
	}
	return p
}

// roundUp rounds d up to a multiple of step.
func roundUp(d, step time.Duration) time.Duration {
	return (d + step - 1) / step * step
}

// uniqueRates returns the positive rates of lo and hi, once each.
func uniqueRates(lo, hi float64) []float64 {
	var out []float64
	for _, r := range []float64{lo, hi} {
		if r > 0 && (len(out) == 0 || out[len(out)-1] != r) {
			out = append(out, r)
		}
	}
	return out
}

// modelBytesPerSpan is the measured memory of one queued span.
func modelBytesPerSpan() int64 { return model.BytesPerQueuedSpan }
