package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/otelbench/otelbench/internal/advise"
)

// origin says where a setting the sizing kept or raised came from.
func origin(o advise.Origin) string {
	if o.Variant == "" {
		return "the SDK's default"
	}
	return "as measured in " + o.Variant
}

// latencySource says where the export latency came from.
func latencySource(s advise.LatencySource) string {
	switch s {
	case advise.LatencyBaseExport:
		return "mean export of the chosen variant at the peak"
	case advise.LatencyLongestExport:
		return "longest mean export of the batch variants"
	case advise.LatencySinkDelay:
		return "the sink's configured delay: no export measured, or the measured ones include its outages"
	case advise.LatencyGiven:
		return "as given"
	}
	return "unknown"
}

// reasonText is the sentence of one reason.
func reasonText(r advise.Reason) string {
	for _, f := range []func(any) (string, bool){processorReason, batchReason, queueReason, timeoutReason, retryReason} {
		if s, ok := f(r.Figures); ok {
			return s
		}
	}
	return fmt.Sprintf("%s: %+v", r.Kind(), r.Figures)
}

// processorReason writes the processor's and the sampler's reasons.
func processorReason(figures any) (string, bool) {
	rd := roundDur
	switch f := figures.(type) {
	case advise.BasedOn:
		if !f.Qualified {
			return fmt.Sprintf("batch, as measured in %s, the variant that missed the budgets by least (worst p99 change %+.1f%%, budget %s, %s CPU per request on average): nothing met them",
				f.Variant, f.WorstP99Pct, pctNum(f.Budget), rd(f.CPU)), true
		}
		return fmt.Sprintf("batch, as measured in %s: no span lost, no request failed, worst p99 change %+.1f%% (budget %s), %s CPU per request on average",
			f.Variant, f.WorstP99Pct, pctNum(f.Budget), rd(f.CPU)), true
	case advise.SyncQualified:
		return fmt.Sprintf("not sync, although %s met the budgets in this run (%s CPU per request): it exports on the request path, so a slow or absent collector slows every request up to the exporter timeout", f.Variant, rd(f.CPU)), true
	case advise.SyncMeasured:
		lock := ""
		if f.LockWait > 0 {
			lock = fmt.Sprintf("; each span waited %s on the processor's lock behind other requests' exports", rd(f.LockWait))
		}
		return fmt.Sprintf("not sync: it exports on the request path; measured, %s at %d/s reached %.0f/s with a p99 overhead of %+.1f%% (%s)%s, and the longest OnEnd took %s",
			f.Variant, f.Rate, f.Achieved, f.P99Pct, rd(f.P99Overhead), lock, rd(f.OnEndMax)), true
	case advise.SyncModel:
		return fmt.Sprintf("not sync: it exports each span on the request path under one lock; with exports of %s and %.0f spans per request the model caps a service at 1/(%.0f × %s) = %.0f requests/s",
			rd(f.ExportLatency), f.Spans, f.Spans, rd(f.ExportLatency), f.CapRPS), true
	case advise.SyncOnRequestPath:
		return fmt.Sprintf("not sync: it exports each of the %d spans of a request on the request path under one lock", f.Spans), true
	case advise.KeepEvery:
		return fmt.Sprintf("none: %s keeps every trace with a worst p99 change of %+.1f%% (budget %s) at %s", f.Variant, f.WorstP99Pct, pctNum(f.Budget), rateList(f.Rates)), true
	case advise.SampleNeeded:
		best := "no batch variant was measured"
		if f.BestUnsampled != "" {
			best = fmt.Sprintf("the best, %s, reached %+.1f%%", f.BestUnsampled, f.BestP99Pct)
		}
		return fmt.Sprintf("%g: no variant that keeps every trace met the %s p99 budget (%s); %s did, worst p99 change %+.1f%%, keeping %.1f%% of traces",
			f.Ratio, pctNum(f.Budget), best, f.Variant, f.WorstP99Pct, 100*f.Kept), true
	}
	return "", false
}

// batchReason writes the batch size's and the delay's reasons.
func batchReason(figures any) (string, bool) {
	rd := roundDur
	switch f := figures.(type) {
	case advise.BatchChecked:
		return fmt.Sprintf("%d, %s: with exports of %s (%s) the worker moves at most %d/%s = %.0f spans/s, %.1f× the peak of %.0f spans/s; the model needs %d for %g× headroom",
			f.Size, origin(f.Origin), rd(f.ExportLatency), latencySource(f.LatencySource), f.Size, rd(f.ExportLatency), f.Ceiling, f.Multiple, f.PeakSpanRate, f.Need, 1/advise.Utilisation), true
	case advise.BatchRaised:
		return fmt.Sprintf("%d, raised from %d (%s): with exports of %s batches of %d move at most %.0f spans/s against a peak of %.0f spans/s; the model needs batches of %d for a ceiling of at least %g× the peak",
			f.To, f.From, origin(f.Origin), rd(f.ExportLatency), f.From, f.Ceiling, f.PeakSpanRate, f.To, 1/advise.Utilisation), true
	case advise.BatchUnchecked:
		return fmt.Sprintf("%d, %s: no export latency to check it against", f.Size, origin(f.Origin)), true
	case advise.DelayRaised:
		return fmt.Sprintf("%s, raised from %s (%s): a full batch's export takes %s; at or below that the timer fires during every export and batches split at random (model: %.0f spans on average instead of %d), halving the ceiling",
			f.To, f.From, origin(f.Origin), rd(f.ExportLatency), f.RaceBatch, f.Batch), true
	case advise.DelayKept:
		if f.ExportLatency <= 0 {
			return fmt.Sprintf("%s, %s", f.Delay, origin(f.Origin)), true
		}
		return fmt.Sprintf("%s, %s: %.0f× a full batch's export of %s, so the timer never races the export", f.Delay, origin(f.Origin), f.Multiple, rd(f.ExportLatency)), true
	case advise.DelayRegime:
		return fmt.Sprintf("at %d/s the model has the worker in its %s regime: batches of %.0f spans, %.1f exports/s, and a span reaches the collector at worst %s after it ends",
			f.Rate, f.Regime, f.Batch, f.ExportsPerSec, rd(f.Staleness)), true
	case advise.DelayFresher:
		return fmt.Sprintf("fresher spans cost little: for spans at most %s old at the collector at %d/s, the model allows a delay of up to %s", f.Target, f.Rate, rd(f.MaxDelay)), true
	}
	return "", false
}

// queueReason writes the queue's reasons.
func queueReason(figures any) (string, bool) {
	rd := roundDur
	switch f := figures.(type) {
	case advise.QueueSized:
		burst := ""
		if f.BurstSpanRate > 0 {
			burst = fmt.Sprintf(" and a burst to %.0f spans/s for %s", f.BurstSpanRate, f.BurstLength)
		}
		kept := fmt.Sprintf("%d, %s, is larger and stays", f.From, origin(f.Origin))
		switch {
		case f.To > f.From:
			kept = fmt.Sprintf("raised from %d (%s)", f.From, origin(f.Origin))
		case f.Want == f.From:
			kept = fmt.Sprintf("the same as %s", origin(f.Origin))
		}
		return fmt.Sprintf("the model's fullest queue for a peak of %.0f spans/s%s with exports of %s is %d spans (at least one batch of %d); %d× headroom rounds up to %d; %s",
			f.PeakSpanRate, burst, rd(f.ExportLatency), f.Need, f.Batch, f.Factor, f.Want, kept), true
	case advise.QueueForTimeout:
		return fmt.Sprintf("raised to %d so that an export held for the whole exporter timeout of %s fills at most the queue: %.0f spans/s × %s = %d spans", f.To, f.Timeout, f.SpanRate, f.Timeout, f.Need), true
	case advise.QueueMeasuredLoss:
		return fmt.Sprintf("measured: %s (queue %d, batch %d) lost %d of %d spans (%.1f%%) at %d/s", f.Variant, f.Queue, f.Batch, f.Lost, f.Ended, f.LossPct, f.Rate), true
	case advise.QueueFault:
		return fmt.Sprintf("this run's sink fault of %s brings %.0f spans at the peak; a queue of %d holds %s of them, the rest is lost whatever the queue's size, unless it holds them all (%.0f MiB)",
			f.Window, f.Spans, f.Queue, rd(f.Holds), f.FullMiB), true
	case advise.QueueMemory:
		return fmt.Sprintf("a full queue keeps about %.1f MiB alive (%d spans × %d B measured per queued span), plus %.0f KiB of slots allocated up front", f.HeldMiB, f.Queue, f.BytesPerSpan, f.SlotsKiB), true
	case advise.QueueUnsized:
		return fmt.Sprintf("%d, %s: the model finds no queue that holds the peak (%s)", f.Queue, origin(f.Origin), f.Detail), true
	}
	return "", false
}

// timeoutReason writes the timeouts' reasons.
func timeoutReason(figures any) (string, bool) {
	rd := roundDur
	switch f := figures.(type) {
	case advise.ExporterBound:
		return fmt.Sprintf("%s: one export can hold the worker for up to this long, every retry included; meanwhile %.0f spans arrive (%.0f spans/s × %s), and the queue of %d holds %s of arrivals",
			f.Timeout, f.Arrivals, f.SpanRate, f.Timeout, f.Queue, rd(f.Holds)), true
	case advise.ExporterTooLong:
		return fmt.Sprintf("%s, %s, would let %.0f spans arrive during one stuck export, %.0f more than the queue holds, all dropped", f.Timeout, origin(f.Origin), f.Arrivals, f.Over), true
	case advise.ExporterFloor:
		return fmt.Sprintf("no shorter than %s: %d× the mean export of %s, and at least %s, so that a slow but healthy export is not cut", f.Floor, f.Factor, rd(f.ExportMean), f.Min), true
	case advise.FaultEvidence:
		back := ""
		switch {
		case !f.Recovered:
		case f.SpansBack < 0:
			back = "; spans did not come back before the attack ended"
		default:
			back = "; spans came back " + rd(f.SpansBack).String() + " after the fault"
		}
		return fmt.Sprintf("measured with this run's %s sink fault at %d/s: %s (export bound %s, queue %d) lost %d of %d spans (dropped %d, failed %d)%s",
			f.Window, f.Rate, f.Variant, f.Bound, f.Queue, f.Lost, f.Ended, f.Dropped, f.Failed, back), true
	case advise.ExportTimeoutSame:
		return fmt.Sprintf("%s, %s: the same as the exporter timeout, so either bounds the worker at %s", f.Timeout, origin(f.Origin), f.Timeout), true
	case advise.ExportTimeoutLowered:
		before := f.Before.String()
		if f.Before <= 0 {
			before = "no bound"
		}
		return fmt.Sprintf("%s, the exporter timeout: the processor cuts each export's context at this; %s (%s) would let an exporter without a timeout of its own hold the worker for that long while %.0f spans arrive",
			f.Timeout, before, origin(f.Origin), f.Arrivals), true
	}
	return "", false
}

// retryReason writes the retry policy's and blocking's reasons.
func retryReason(figures any) (string, bool) {
	rd := roundDur
	switch f := figures.(type) {
	case advise.RetryPolicy:
		return fmt.Sprintf("on, first backoff %s, at most %s apart, for at most %s: about %d retries fit in the %s timeout, so a transient UNAVAILABLE or RESOURCE_EXHAUSTED is retried before the export gives up (no standard variable sets this: it needs otlptracegrpc.WithRetry in code)",
			f.Initial, f.Max, f.Elapsed, f.Tries, f.Timeout), true
	case advise.RetryDefaultsTooSlow:
		if f.None {
			return fmt.Sprintf("not the exporter's defaults: their first backoff of %s is randomised to %s–%s, longer than the %s timeout, so a retryable failure never gets a retry: the worker waits out the timeout and the batch is lost anyway",
				f.Default, f.Low, f.High, f.Timeout), true
		}
		return fmt.Sprintf("not the exporter's defaults: their first backoff of %s is randomised to %s–%s, so within the %s timeout a retryable failure gets at most one retry, and the worker waits %s or more for it",
			f.Default, f.Low, f.High, f.Timeout, f.Low), true
	case advise.RetryFailures:
		var parts []string
		for _, v := range slices.Sorted(maps.Keys(f.ByCode)) {
			parts = append(parts, fmt.Sprintf("%s: %s", v, codes(f.ByCode[v])))
		}
		return fmt.Sprintf("failed exports at %d/s in this run, by gRPC code: %s", f.Rate, strings.Join(parts, "; ")), true
	case advise.BlockingOff:
		if f.SpanRate <= 0 {
			return fmt.Sprintf("off: with blocking, once the queue is full OnEnd waits on the request path until the worker frees a slot, up to the exporter timeout of %s", f.Timeout), true
		}
		return fmt.Sprintf("off: with blocking, once the queue is full OnEnd waits on the request path, without limit, until the worker frees a slot; a stuck export fills a queue of %d in %s at %.0f spans/s, after which every request waits for it, up to the exporter timeout of %s",
			f.Queue, rd(f.FillTime), f.SpanRate, f.Timeout), true
	case advise.BlockingMeasured:
		twin := ""
		if f.Twin != "" {
			twin = fmt.Sprintf(", against %s and %+.1f%% for %s without blocking", rd(f.TwinOnEndMax), f.TwinP99Pct, f.Twin)
		}
		return fmt.Sprintf("measured: %s at %d/s held a request in OnEnd for up to %s, p99 overhead %+.1f%%%s", f.Variant, f.Rate, rd(f.OnEndMax), f.P99Pct, twin), true
	case advise.BlockingThrottle:
		return fmt.Sprintf("past the ceiling of %.0f spans/s the model has a blocking processor throttle the service to %.0f requests/s instead of dropping spans", f.Ceiling, f.RequestsPerSec), true
	}
	return "", false
}

// adviceNoteText is the sentence of an advice note.
func adviceNoteText(n advise.Note) string {
	switch n.Kind {
	case advise.NoteNothingMeasured:
		return "nothing instrumented was measured: no settings (n/a)"
	case advise.NoteLoadOnly:
		return "only the load was measured (cells merged from shard folders, without the target's CPU, memory or spans): no settings (n/a)"
	case advise.NoteNothingQualified:
		return fmt.Sprintf("no measured variant met the budgets: these settings start from %s, which missed them by least; see the misses and the noise floor in the Answer", n.Variant)
	case advise.NoteBlockingOnly:
		return fmt.Sprintf("only %s, measured with blocking, qualified: without blocking, which is never advised, its queue may drop spans where it blocked instead; measure these settings", n.Variant)
	case advise.NoteNotMeasuredAsSuch:
		return fmt.Sprintf("these settings are not %s's as measured: the model sized some of them for the measured load; measure them (otelbench tune)", n.Variant)
	case advise.NoteNoLatency:
		return "no export latency measured or configured: the model takes exports as instant and cannot check the batch size against the peak"
	case advise.NoteNoBatchSize:
		return fmt.Sprintf("model: no batch size keeps %.0f spans/s under %.0f%% of the ceiling: %s", n.Value, 100*advise.Utilisation, n.Detail)
	case advise.NoteNoQueue:
		return fmt.Sprintf("model: no queue absorbs the peak of %.0f spans/s: %s", n.Value, n.Detail)
	case advise.NoteModelNotApplicable:
		return fmt.Sprintf("not sized: the model is of the Go SDK's batch processor and %s; these are %s's settings as measured", languageClause(n.Detail), n.Variant)
	}
	return string(n.Kind)
}
