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
	if v.Kind == profile.KindNone {
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
// the sink received, matched against the requests sent. Ended is what the
// requests should have produced (per request × traced requests); nothing
// inside the service is counted, so the split into exported, dropped and
// failed is unknown (results.DropExternal).
func accountExternal(v profile.Variant, perRequest int, snap sink.Snapshot, ids *traceIDs, okItems []uint64) results.Spans {
	if v.Kind == profile.KindNone {
		perRequest = 0
	}
	s := accountSpans(v, perRequest, targetMetrics{}, snap, ids, okItems)
	if v.Kind == profile.KindNone {
		return s
	}
	s.DropSource = string(results.DropExternal)
	if s.Matched {
		s.Ended = s.TracedRequests * int64(perRequest)
		s.ExportedOK = s.Received
		s.Dropped = s.Ended - s.Received
		s.Lost = s.Dropped
		s.TargetRequests = s.TracedRequests
	}
	return s
}
