package summary

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

// This file sizes each setting of an Advice with package model.

// inputs sets the model's load: the highest measured rate, the spans per
// request, the sampled share, the export latency and the burst.
func (a *adviser) inputs() {
	v := profile.Variant{Kind: profile.KindBatch}
	if a.base != nil {
		v = *a.base
	}
	a.set = effective(v)
	share := 1.0
	if v.Kind == profile.KindSampled && v.SampleRatio != nil {
		share = *v.SampleRatio
	}
	a.load = model.Load{
		RequestsPerSec:  float64(a.peak),
		SpansPerRequest: float64(v.SpansPerRequest(a.p.Workload)),
		SampledShare:    share,
	}
	a.load.ExportLatency, a.latencySource = a.exportLatency()
	if b := a.p.Burst; b != nil && b.Factor > 1 && b.Length > 0 {
		a.load.Burst = model.Burst{PeakRequestsPerSec: float64(a.peak) * b.Factor, Length: b.Length.D()}
	}
	a.lambda = model.SpanRate(a.load)
}

// exportLatency returns the export latency to give the model and where it
// comes from: the measured mean export of the base variant at the highest
// rate, else the longest of the batch variants; with sink outages or black
// holes, whose stuck exports inflate every mean, the sink's configured delay.
func (a *adviser) exportLatency() (time.Duration, string) {
	windows := len(faultWindows(a.p.Sink)) > 0
	if !windows {
		if a.base != nil {
			if r := rowAt(a.s, a.base.Name, a.peak); r != nil && r.Blocking.ExportMean > 0 {
				return r.Blocking.ExportMean, fmt.Sprintf("mean export of %s at %d/s", a.base.Name, a.peak)
			}
		}
		var best time.Duration
		src := ""
		for _, rs := range a.s.Rates {
			for _, r := range rs.Rows {
				if (r.Kind == profile.KindBatch || r.Kind == profile.KindSampled) && r.Reps > 0 && r.Blocking.ExportMean > best {
					best = r.Blocking.ExportMean
					src = fmt.Sprintf("longest mean export of the batch variants: %s at %d/s", r.Variant, rs.Rate)
				}
			}
		}
		if best > 0 {
			return best, src
		}
	}
	d := a.p.Sink.Delay.D()
	if l := a.p.Sink.Latency; l != nil {
		d += l.P99.D()
	}
	switch {
	case d > 0 && windows:
		return d, "the sink's configured delay: the measured exports of this run include its outages"
	case d > 0:
		return d, "the sink's configured delay: no export was measured"
	}
	a.warn = append(a.warn, "no export latency measured or configured: the model takes exports as instant and cannot check the batch size against the peak")
	return 0, "unknown"
}

// origin says where a setting of the base comes from.
func (a *adviser) origin() string {
	if a.base == nil {
		return "the SDK's default"
	}
	return "as measured in " + a.base.Name
}

// peakText describes the steady peak span rate.
func (a *adviser) peakText() string {
	return fmt.Sprintf("%.0f spans/s (%d/s × %g spans × %g sampled)", a.lambda, a.peak, a.load.SpansPerRequest, a.load.SampledShare)
}

// batchSize checks the batch size against the throughput ceiling.
func (a *adviser) batchSize() {
	m, l := a.set.MaxExportBatchSize, a.load.ExportLatency
	if l <= 0 {
		a.why(SettingBatch, "%d, %s: no export latency to check it against", m, a.origin())
		return
	}
	need, err := model.MinBatchSizeFor(a.lambda, l, 0, AdviceUtilisation)
	if err != nil {
		a.warn = append(a.warn, fmt.Sprintf("model: no batch size keeps %s under %.0f%% of the ceiling: %v", a.peakText(), 100*AdviceUtilisation, err))
		a.why(SettingBatch, "%d, %s", m, a.origin())
		return
	}
	if m < need {
		a.why(SettingBatch, "%d, raised from %d (%s): with exports of %s batches of %d move at most %.0f spans/s against a peak of %s; the model needs batches of %d for a ceiling of at least %g× the peak",
			need, m, a.origin(), roundDur(l), m, float64(m)/l.Seconds(), a.peakText(), need, 1/AdviceUtilisation)
		m = need
		a.set.MaxExportBatchSize = m
		return
	}
	a.why(SettingBatch, "%d, %s: with exports of %s (%s) the worker moves at most %d/%s = %.0f spans/s, %.1f× the peak of %s; the model needs %d for %g× headroom",
		m, a.origin(), roundDur(l), a.latencySource, m, roundDur(l), float64(m)/l.Seconds(), float64(m)/l.Seconds()/math.Max(a.lambda, 1e-9), a.peakText(), need, 1/AdviceUtilisation)
}

// batchTimeout keeps the batch timeout away from the timer race and says
// what it costs in staleness.
func (a *adviser) batchTimeout() {
	t, l := a.set.BatchTimeout, a.load.ExportLatency
	floor := max(AdviceRaceMargin*l, time.Millisecond)
	if t < floor {
		nt := roundUp(floor, 100*time.Millisecond)
		a.why(SettingDelay, "%s, raised from %s (%s): a full batch's export takes %s; at or below that the timer fires during every export and batches split at random (model: %.0f spans on average instead of %d), halving the ceiling",
			nt, t, a.origin(), roundDur(l), model.RaceBatchSize(a.set.MaxExportBatchSize), a.set.MaxExportBatchSize)
		a.set.BatchTimeout, t = nt, nt
	} else if l > 0 {
		a.why(SettingDelay, "%s, %s: %.0f× a full batch's export of %s, so the timer never races the export (model.TimerRaces)",
			t, a.origin(), t.Seconds()/l.Seconds(), roundDur(l))
	} else {
		a.why(SettingDelay, "%s, %s", t, a.origin())
	}
	low := a.p.Rates[0]
	for _, r := range a.p.Rates {
		low = min(low, r)
	}
	for _, rate := range uniqueInts(low, a.peak) {
		ld := a.load
		ld.RequestsPerSec, ld.Burst = float64(rate), model.Burst{}
		pr, err := model.Predict(a.set, ld)
		if err != nil {
			continue
		}
		fresh := ""
		if a.base != nil {
			if f := freshnessP99(a.s, a.base.Name, rate); f > 0 {
				fresh = fmt.Sprintf("; measured freshness p99 of %s: %s", a.base.Name, roundDur(f))
			}
		}
		a.why(SettingDelay, "at %d/s the model has the worker in its %s regime: batches of %.0f spans, %.1f exports/s, and a span reaches the collector at worst %s after it ends%s",
			rate, pr.Regime, pr.BatchSize, pr.ExportsPerSec, roundDur(pr.Staleness.WorstToDone), fresh)
	}
	if t > time.Second {
		ld := a.load
		ld.RequestsPerSec, ld.Burst = float64(a.peak), model.Burst{}
		if mt, err := model.MaxBatchTimeoutFor(a.set, ld, time.Second); err == nil {
			a.why(SettingDelay, "fresher spans cost little: for spans at most 1s old at the collector at %d/s, the model allows a delay of up to %s", a.peak, roundDur(mt))
		}
	}
}

// queue sizes the queue for the peak and the burst, with headroom.
func (a *adviser) queue() {
	q := a.set.QueueSize
	need, err := model.MinQueueFor(a.set, a.load)
	burst := ""
	if b := a.load.Burst; b.PeakRequestsPerSec > 0 {
		burst = fmt.Sprintf(" and a burst to %.0f spans/s for %s", model.PeakSpanRate(a.load), b.Length)
	}
	if err != nil {
		a.warn = append(a.warn, fmt.Sprintf("model: no queue absorbs the peak of %s%s: %v", a.peakText(), burst, err))
		a.why(SettingQueue, "%d, %s: the model finds no queue that holds the peak%s (%v)", q, a.origin(), burst, unwrapAll(err))
	} else {
		want := pow2ceil(AdviceQueueHeadroom * need)
		kept := fmt.Sprintf("%d, %s, is larger and stays", q, a.origin())
		if want > q {
			kept = fmt.Sprintf("raised from %d (%s)", q, a.origin())
			q = want
		} else if want == q {
			kept = fmt.Sprintf("the same as %s", a.origin())
		}
		a.why(SettingQueue, "the model's fullest queue for a peak of %s%s with exports of %s is %d spans (at least one batch of %d); %d× headroom rounds up to %d; %s",
			a.peakText(), burst, roundDur(a.load.ExportLatency), need, a.set.MaxExportBatchSize, AdviceQueueHeadroom, want, kept)
	}
	a.set.QueueSize = q
	a.queueEvidence()
}

// queueEvidence cites the measured loss of variants with smaller queues
// and, with outages, how long the queue lasts.
func (a *adviser) queueEvidence() {
	for _, v := range a.p.Variants {
		if v.Kind != profile.KindBatch && v.Kind != profile.KindSampled {
			continue
		}
		q := effective(v).QueueSize
		if q >= a.set.QueueSize {
			continue
		}
		for i := len(a.s.Rates) - 1; i >= 0; i-- {
			r := rowAt(a.s, v.Name, a.s.Rates[i].Rate)
			if r != nil && r.Spans.Lost > 0 {
				a.why(SettingQueue, "measured: %s (queue %d, batch %d) lost %d of %d spans (%.1f%%) at %d/s",
					v.Name, q, effective(v).MaxExportBatchSize, r.Spans.Lost, r.Spans.Ended, r.Spans.LossPct, a.s.Rates[i].Rate)
				break
			}
		}
	}
	if o := faultWindow(a.p); o > 0 && a.lambda > 0 {
		a.why(SettingQueue, "this run's sink fault of %s brings %.0f spans at the peak; a queue of %d holds %s of them, the rest is lost whatever the queue's size, unless it holds them all (%.0f MiB)",
			o, a.lambda*o.Seconds(), a.set.QueueSize, roundDur(time.Duration(float64(a.set.QueueSize)/a.lambda*float64(time.Second))),
			float64(model.BytesPerQueuedSpan)*a.lambda*o.Seconds()/(1<<20))
	}
}

// memoryReason states what the final queue costs.
func (a *adviser) memoryReason() {
	m := model.MemoryOf(a.set, model.BytesPerQueuedSpan)
	a.why(SettingQueue, "a full queue keeps about %.1f MiB alive (%d spans × %d B measured per queued span), plus %.0f KiB of slots allocated up front",
		float64(m.Queue)/(1<<20), a.set.QueueSize, model.BytesPerQueuedSpan, float64(m.Slots)/1024)
}

// exporterTimeout bounds how long one export holds the worker: no longer
// than the queue can absorb at the peak, no shorter than a slow healthy
// export. When the queue absorbs less than that, the queue grows.
func (a *adviser) exporterTimeout() {
	l := a.load.ExportLatency
	lo := roundUp(max(AdviceMinExporterTimeout, AdviceExportFactor*l), 100*time.Millisecond)
	hi := DefaultExporterTimeout
	if a.base != nil {
		hi = exportBound(*a.base)
	}
	lo = min(lo, hi) // a shorter bound that was measured to qualify stays
	x := hi
	if a.lambda > 0 {
		fit := time.Duration(float64(a.set.QueueSize) / a.lambda * float64(time.Second))
		x = min(hi, max(lo, fit.Truncate(100*time.Millisecond)))
		if need := int(math.Ceil(a.lambda * x.Seconds())); need > a.set.QueueSize {
			q := pow2ceil(need)
			a.why(SettingQueue, "raised to %d so that an export held for the whole exporter timeout of %s fills at most the queue: %.0f spans/s × %s = %d spans",
				q, x, a.lambda, x, need)
			a.set.QueueSize = q
		}
	}
	a.memoryReason()
	a.exporter = x
	if a.lambda > 0 {
		a.why(SettingExporterTimeout, "%s: one export can hold the worker for up to this long, every retry included; meanwhile %.0f spans arrive (%.0f spans/s × %s), and the queue of %d holds %s of arrivals",
			x, a.lambda*x.Seconds(), a.lambda, x, a.set.QueueSize, roundDur(time.Duration(float64(a.set.QueueSize)/a.lambda*float64(time.Second))))
		if hi > x {
			if over := a.lambda*hi.Seconds() - float64(a.set.QueueSize); over > 0 {
				a.why(SettingExporterTimeout, "%s, %s, would let %.0f spans arrive during one stuck export, %.0f more than the queue holds, all dropped",
					hi, a.origin(), a.lambda*hi.Seconds(), over)
			}
		}
	}
	if l > 0 && lo < hi {
		a.why(SettingExporterTimeout, "no shorter than %s: %d× the mean export of %s, and at least %s, so that a slow but healthy export is not cut",
			lo, AdviceExportFactor, roundDur(l), AdviceMinExporterTimeout)
	}
	a.faultEvidence()
}

// faultEvidence cites what variants with different export bounds lost
// during this run's sink outages or black holes, at the highest rate.
func (a *adviser) faultEvidence() {
	o := faultWindow(a.p)
	if o <= 0 {
		return
	}
	for _, v := range a.p.Variants {
		if v.Kind != profile.KindBatch && v.Kind != profile.KindSampled {
			continue
		}
		t := totals(a.s, v.Name, a.peak)
		if t.cells == 0 {
			continue
		}
		back := ""
		switch {
		case t.recoveries == 0:
		case t.spansBack < 0:
			back = "; spans did not come back before the attack ended"
		default:
			back = "; spans came back " + roundDur(t.spansBack).String() + " after the fault"
		}
		a.why(SettingExporterTimeout, "measured with this run's %s sink fault at %d/s: %s (export bound %s, queue %d) lost %d of %d spans (dropped %d, failed %d)%s",
			o, a.peak, v.Name, exportBound(v), effective(v).QueueSize, t.lost(), t.ended, t.dropped, t.failed, back)
	}
}

// exportTimeout sets the processor's export timeout to the exporter's.
func (a *adviser) exportTimeout() {
	x, before := a.exporter, a.set.ExportTimeout
	a.set.ExportTimeout = x
	if before <= x {
		a.why(SettingExportTimeout, "%s, %s: the same as the exporter timeout, so either bounds the worker at %s", x, a.origin(), x)
		return
	}
	a.why(SettingExportTimeout, "%s, the exporter timeout: the processor cuts each export's context at this; %s (%s) would let an exporter without a timeout of its own hold the worker for %s while %.0f spans arrive",
		x, before, a.origin(), before, a.lambda*before.Seconds())
}

// retry explains the retry policy advised for the exporter timeout.
func (a *adviser) retry() {
	x := a.set.ExportTimeout
	rc := retryFor(x)
	tries := retriesWithin(rc.InitialInterval.D(), rc.MaxInterval.D(), x)
	a.why(SettingRetry, "on, first backoff %s, at most %s apart, for at most %s: about %d retries fit in the %s timeout, so a transient UNAVAILABLE or RESOURCE_EXHAUSTED is retried before the export gives up (no standard variable sets this: it needs otlptracegrpc.WithRetry in code)",
		rc.InitialInterval.D(), rc.MaxInterval.D(), rc.MaxElapsedTime.D(), tries, x)
	lo, hi := DefaultRetryInitialInterval/2, DefaultRetryInitialInterval*3/2 // randomised by ±50%
	switch {
	case x <= lo:
		a.why(SettingRetry, "not the exporter's defaults: their first backoff of %s is randomised to %s–%s, longer than the %s timeout, so a retryable failure never gets a retry: the worker waits out the timeout and the batch is lost anyway",
			DefaultRetryInitialInterval, lo, hi, x)
	case x < hi:
		a.why(SettingRetry, "not the exporter's defaults: their first backoff of %s is randomised to %s–%s, so within the %s timeout a retryable failure gets at most one retry, and the worker waits %s or more for it",
			DefaultRetryInitialInterval, lo, hi, x, lo)
	}
	var codes []string
	for _, v := range a.p.Variants {
		t := totals(a.s, v.Name, a.peak)
		parts := Account{FailedByCode: t.codes}.Codes()
		if parts != "" {
			codes = append(codes, fmt.Sprintf("%s: %s", v.Name, parts))
		}
	}
	if len(codes) > 0 {
		a.why(SettingRetry, "failed exports at %d/s in this run, by gRPC code: %s", a.peak, joinSemicolon(codes))
	}
}

// blocking explains why blocking stays off, with the run's numbers.
func (a *adviser) blocking() {
	x := a.set.ExportTimeout
	if a.lambda > 0 {
		a.why(SettingBlocking, "off: with blocking, once the queue is full OnEnd waits on the request path, without limit, until the worker frees a slot; a stuck export fills a queue of %d in %s at %.0f spans/s, after which every request waits for it, up to the exporter timeout of %s",
			a.set.QueueSize, roundDur(time.Duration(float64(a.set.QueueSize)/a.lambda*float64(time.Second))), a.lambda, x)
	} else {
		a.why(SettingBlocking, "off: with blocking, once the queue is full OnEnd waits on the request path until the worker frees a slot, up to the exporter timeout of %s", x)
	}
	for _, v := range a.p.Variants {
		if !v.Blocking {
			continue
		}
		r := a.highestRow(v.Name)
		if r == nil {
			continue
		}
		twin := ""
		if w, ok := a.twin(v, func(u *profile.Variant) { u.Blocking = v.Blocking }); ok {
			if tr := rowAt(a.s, w.Name, int(r.RequestedRate)); tr != nil {
				twin = fmt.Sprintf(", against %s and %+.1f%% for %s without blocking", roundDur(tr.Blocking.OnEndMax), tr.P99OverheadPct, w.Name)
			}
		}
		a.why(SettingBlocking, "measured: %s at %.0f/s held a request in OnEnd for up to %s, p99 overhead %+.1f%%%s",
			v.Name, r.RequestedRate, roundDur(r.Blocking.OnEndMax), r.P99OverheadPct, twin)
	}
	st := a.set
	st.Blocking = true
	ld := a.load
	ld.Burst = model.Burst{}
	if pr, err := model.Predict(st, ld); err == nil && !math.IsInf(pr.Ceiling, 1) {
		a.why(SettingBlocking, "past the ceiling of %.0f spans/s the model has a blocking processor throttle the service to %.0f requests/s instead of dropping spans",
			pr.Ceiling, pr.Ceiling/math.Max(ld.SpansPerRequest*ld.SampledShare, 1e-9))
	}
}

// twin returns another variant of the profile that equals v once edit has
// been applied to it (edit sets the field that may differ to v's value).
func (a *adviser) twin(v profile.Variant, edit func(u *profile.Variant)) (profile.Variant, bool) {
	return findTwin(a.p, v, edit)
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

// freshnessP99 is the highest freshness p99 of a variant's cells at a rate.
func freshnessP99(s *Summary, variant string, rate int) time.Duration {
	var f time.Duration
	for _, a := range s.Accounting {
		if a.Variant == variant && a.Rate == rate {
			f = max(f, a.FreshnessP99)
		}
	}
	return f
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

func uniqueInts(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// unwrapAll drops the model's sentinel from an error's text.
func unwrapAll(err error) string {
	msg := err.Error()
	for _, e := range []error{model.ErrNoSolution, model.ErrInvalidSettings, model.ErrInvalidLoad} {
		if errors.Is(err, e) {
			if i := len(msg) - len(e.Error()) - 2; i > 0 && msg[i:] == ": "+e.Error() {
				msg = msg[:i]
			}
		}
	}
	return msg
}

func joinSemicolon(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}
