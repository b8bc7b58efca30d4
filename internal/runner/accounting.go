package runner

import (
	"slices"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

// accountSpans puts the target's, the exporter's and the sink's counts of a
// cell side by side, and matches the sink's traces to the requests sent.
//
// perRequest is how many spans each traced request should produce; ids is
// nil when requests carried no traceparent (no matching possible);
// okItems are the item numbers of the successful requests of the cell.
func accountSpans(v profile.Variant, perRequest int, tm targetMetrics, snap sink.Snapshot, ids *traceIDs, okItems []uint64) results.Spans {
	s := results.Spans{
		PerRequest:     perRequest,
		TargetRequests: tm.Requests,
		Ended:          tm.SpansEnded,
		ExportedOK:     tm.ExportedOK,
		ExportFailed:   tm.ExportFailed,
		ExportErrors:   tm.ExportErrors,
		Received:       snap.Spans - snap.Duplicates,
		Duplicates:     snap.Duplicates,
		ServerSpans:    snap.ServerSpans,
		SinkRequests:   snap.Requests,
	}
	s.Lost = s.Ended - s.Received
	s.Abandoned, s.Rejected = snap.AbandonedSpans, snap.RejectedSpans
	s.FailedByCode = tm.FailedByCode
	splitUnexported(&s, v, tm)
	s.FreshnessP50 = snap.Freshness.Quantile(0.50)
	s.FreshnessP99 = snap.Freshness.Quantile(0.99)
	s.FreshnessMax = snap.Freshness.Max
	if ids == nil {
		return s
	}
	s.Matched = true
	for _, n := range okItems {
		s.TracedRequests++
		tc := snap.Trace(ids.traceID(n))
		if tc.ServerSpans == 0 {
			s.MissingTraces++
		}
		if miss := int64(s.PerRequest) - int64(tc.Spans); miss > 0 {
			s.MissingSpans += miss
		}
	}
	// Every trace received that no successful request sent is a stray.
	// Items are distinct traces (the ids are a bijection of them), so the
	// count needs no set of the traces sent.
	sent := slices.Compact(slices.Sorted(slices.Values(okItems)))
	matched := 0
	for _, n := range sent {
		if snap.Trace(ids.traceID(n)).Spans > 0 {
			matched++
		}
	}
	s.StrayTraces = int64(snap.NumTraces() - matched)
	return s
}

// splitUnexported divides the spans the target ended but never finished
// exporting into dropped on a full queue and lost at shutdown, saying how
// it knows (results.Spans.DropSource).
func splitUnexported(s *results.Spans, v profile.Variant, tm targetMetrics) {
	if !v.Kind.Exports() {
		return
	}
	s.ShutdownClean = tm.Drained
	s.Observability = tm.SDKObserved
	s.SDKDropped, s.SDKQueued = tm.SDKDropped, tm.SDKQueued
	// Spans handed to ExportSpans whose call had not returned at exit.
	inFlight := max(tm.Started-tm.ExportedOK-tm.ExportFailed, 0)
	s.InFlightAtExit = inFlight
	var src results.DropSource
	switch {
	case v.Kind == profile.KindSync:
		// Nothing is queued: a span is exported as it ends, or lost when
		// the target exits in the middle.
		src = results.DropNone
		s.LostAtShutdown = tm.Unexported + inFlight
	case tm.Drained:
		// Shutdown emptied the queue: whatever never reached the exporter
		// was dropped when it ended.
		src = results.DropCleanShutdown
		s.Dropped = tm.Unexported
		s.LostAtShutdown = inFlight
	case tm.SDKObserved:
		src = results.DropSDK
		s.Dropped = min(tm.SDKDropped, tm.Unexported)
		s.LostAtShutdown = tm.Unexported - s.Dropped + inFlight
	default:
		src = results.DropUnknown
		s.Dropped = tm.Unexported
		s.LostAtShutdown = inFlight
	}
	s.DropSource = string(src)
}

// accountExternal accounts for a user service's spans from outside: what
// the receiver got, matched against the requests sent. Nothing inside the
// service is counted, so "ended" is what the requests should have produced
// (results.EndedExpected), and the split into exported, dropped and failed
// is unknown (results.DropExternal).
//
// Spans per request are measured in every cell: the most common number of
// spans among the matched traces that arrived (a few traces cut short by
// drops do not move it), else received spans over server spans. given is
// the user's -spans (0: none); when the measurement disagrees, the measured
// figure is used and given is kept for the warning. Without matching (a
// sampled variant starts root traces; some receivers cannot tell traces
// apart), which traces were kept is the service's decision, and the loss is
// unknown rather than guessed. served counts the cell's successful
// requests, warm-up included.
func accountExternal(v profile.Variant, given int, snap sink.Snapshot, ids *traceIDs, okItems []uint64, served int64) results.Spans {
	if v.Kind == profile.KindNone {
		return accountSpans(v, 0, targetMetrics{}, snap, ids, okItems)
	}
	measured, traces := measuredPerRequest(snap, ids, okItems)
	per := given
	if measured > 0 {
		per = measured
	}
	s := accountSpans(v, per, targetMetrics{}, snap, ids, okItems)
	s.DropSource = string(results.DropExternal)
	s.PerRequestGiven, s.PerRequestMeasured, s.PerRequestTraces = given, measured, traces
	s.TargetRequests = served
	s.ExportedOK = 0
	switch {
	case s.Matched:
		// Every traced request should have produced per spans; what is
		// missing from its trace was lost. Spans beyond per, or in traces
		// no request started, are not set against the loss.
		s.EndedSource = results.EndedExpected
		s.Ended = s.TracedRequests * int64(per)
		s.Lost = s.MissingSpans
		s.Dropped = s.Lost
	case v.Kind == profile.KindSampled:
		s.EndedSource = results.EndedUnknown
		s.Ended, s.Lost = 0, 0
		s.LossUnknown = results.LossUnknownSampled
	case per > 0:
		s.EndedSource = results.EndedExpected
		s.Ended = served * int64(per)
		s.Lost = s.Ended - s.Received
		if s.Lost < 0 {
			s.Ended, s.Lost = 0, 0
			s.EndedSource = results.EndedUnknown
			s.LossUnknown = results.LossUnknownExtra
		}
		s.Dropped = s.Lost
	default:
		s.EndedSource = results.EndedUnknown
		s.Ended, s.Lost = 0, 0
		s.LossUnknown = results.LossUnknownNoSpans
	}
	return s
}

// measuredPerRequest returns the most common number of spans among the
// traces of okItems that arrived with their server span, and how many such
// traces there were; without matching, received spans over server spans
// (rounded), with the server spans as the count. 0 when nothing arrived.
func measuredPerRequest(snap sink.Snapshot, ids *traceIDs, okItems []uint64) (int, int64) {
	if ids == nil {
		n := snap.ServerSpans
		if n == 0 {
			return 0, 0
		}
		return int((snap.Spans - snap.Duplicates + n/2) / n), n
	}
	counts := map[int32]int64{}
	var traces int64
	for _, n := range okItems {
		tc := snap.Trace(ids.traceID(n))
		if tc.ServerSpans > 0 {
			counts[tc.Spans]++
			traces++
		}
	}
	best, bestN := int32(0), int64(0)
	for k, c := range counts {
		if c > bestN || c == bestN && k > best {
			best, bestN = k, c
		}
	}
	return int(best), traces
}
