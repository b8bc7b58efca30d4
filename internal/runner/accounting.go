package runner

import (
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

// accountSpans puts the target's, the exporter's and the sink's counts of a
// cell side by side, and matches the sink's traces to the requests sent.
//
// ids is nil when requests carried no traceparent (no matching possible);
// okItems are the item numbers of the successful requests of the cell.
func accountSpans(v profile.Variant, w profile.Workload, tm targetMetrics, snap sink.Snapshot, ids *traceIDs, okItems []uint64) results.Spans {
	s := results.Spans{
		PerRequest:     v.SpansPerRequest(w),
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
	s.FreshnessP50 = snap.Freshness.Quantile(0.50)
	s.FreshnessP99 = snap.Freshness.Quantile(0.99)
	s.FreshnessMax = snap.Freshness.Max
	if ids == nil {
		return s
	}
	s.Matched = true
	sent := make(map[sink.TraceID]struct{}, len(okItems))
	for _, n := range okItems {
		id := ids.traceID(n)
		sent[id] = struct{}{}
		s.TracedRequests++
		tc := snap.Traces[id]
		if tc.ServerSpans == 0 {
			s.MissingTraces++
		}
		if miss := int64(s.PerRequest) - int64(tc.Spans); miss > 0 {
			s.MissingSpans += miss
		}
	}
	for id := range snap.Traces {
		if _, ok := sent[id]; !ok {
			s.StrayTraces++
		}
	}
	return s
}
