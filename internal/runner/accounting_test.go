package runner

import (
	"reflect"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

func TestAccountSpans(t *testing.T) {
	batch := profile.Variant{Name: "batch", Kind: profile.KindBatch}
	ratio := 0.5
	sampled := profile.Variant{Name: "sampled", Kind: profile.KindSampled, SampleRatio: &ratio}
	none := profile.Variant{Name: "base", Kind: profile.KindNone}
	w := profile.Workload{ExtraSpans: 1} // 3 spans per traced request
	const per = 3

	ids := testIDs
	stranger := traceIDs{prefix: [8]byte{9, 9, 9}}
	items := []uint64{1, 2, 3, 4}

	// complete is what the sink holds when every request's spans arrived.
	complete := func() map[sink.TraceID]sink.TraceCount {
		m := map[sink.TraceID]sink.TraceCount{}
		for _, n := range items {
			m[ids.traceID(n)] = sink.TraceCount{Spans: per, ServerSpans: 1}
		}
		return m
	}
	with := func(m map[sink.TraceID]sink.TraceCount, f func(map[sink.TraceID]sink.TraceCount)) map[sink.TraceID]sink.TraceCount {
		f(m)
		return m
	}
	snapshot := func(spans, server, dups int64, traces map[sink.TraceID]sink.TraceCount) sink.Snapshot {
		return sink.Snapshot{
			Stats:  sink.Stats{Requests: 2, Spans: spans, ServerSpans: server, Duplicates: dups},
			Traces: traces,
		}
	}
	tm := func(ended int64) targetMetrics {
		return targetMetrics{Requests: 4, SpansEnded: ended, ExportedOK: ended, ExportFailed: 0, ExportErrors: 0}
	}

	tests := []struct {
		name    string
		v       profile.Variant
		tm      targetMetrics
		snap    sink.Snapshot
		ids     *traceIDs
		okItems []uint64
		want    results.Spans
	}{
		{
			// Every span of every request arrived once: nothing lost, nothing missing.
			name: "all received",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(12, 4, 0, complete()),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 12, ServerSpans: 4, SinkRequests: 2,
				Matched: true, TracedRequests: 4},
		},
		{
			// The target's and exporter's own counters are copied as they are.
			name: "target counters copied",
			v:    batch, ids: &ids, okItems: items,
			tm:   targetMetrics{Requests: 7, SpansEnded: 12, ExportedOK: 9, ExportFailed: 3, ExportErrors: 1},
			snap: snapshot(12, 4, 0, complete()),
			want: results.Spans{PerRequest: per, TargetRequests: 7, Ended: 12, ExportedOK: 9, ExportFailed: 3, ExportErrors: 1,
				Received: 12, ServerSpans: 4, SinkRequests: 2,
				Matched: true, TracedRequests: 4},
		},
		{
			// A request's whole trace, server span included, never arrived.
			name: "one trace missing",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(9, 3, 0, with(complete(), func(m map[sink.TraceID]sink.TraceCount) { delete(m, ids.traceID(3)) })),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 9, ServerSpans: 3, SinkRequests: 2, Lost: 3,
				Matched: true, TracedRequests: 4, MissingTraces: 1, MissingSpans: per},
		},
		{
			// Only the server span of a request is missing: the trace counts as
			// missing, but only one span is.
			name: "server span missing",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(11, 3, 0, with(complete(), func(m map[sink.TraceID]sink.TraceCount) {
				m[ids.traceID(2)] = sink.TraceCount{Spans: per - 1, ServerSpans: 0}
			})),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 11, ServerSpans: 3, SinkRequests: 2, Lost: 1,
				Matched: true, TracedRequests: 4, MissingTraces: 1, MissingSpans: 1},
		},
		{
			// One child span is missing: the trace arrived, one span did not.
			name: "child span missing",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(11, 4, 0, with(complete(), func(m map[sink.TraceID]sink.TraceCount) {
				m[ids.traceID(4)] = sink.TraceCount{Spans: per - 1, ServerSpans: 1}
			})),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 11, ServerSpans: 4, SinkRequests: 2, Lost: 1,
				Matched: true, TracedRequests: 4, MissingSpans: 1},
		},
		{
			// Retried exports delivered two spans twice: they count once.
			name: "duplicates",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(14, 5, 2, complete()),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 12, Duplicates: 2, ServerSpans: 5, SinkRequests: 2,
				Matched: true, TracedRequests: 4},
		},
		{
			// A request that failed at the load generator (timed out) still
			// produced its trace: it arrived, but no successful request sent it.
			name: "stray trace",
			v:    batch, tm: tm(15), ids: &ids, okItems: items,
			snap: snapshot(15, 5, 0, with(complete(), func(m map[sink.TraceID]sink.TraceCount) {
				m[stranger.traceID(1)] = sink.TraceCount{Spans: per, ServerSpans: 1}
			})),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 15, ExportedOK: 15,
				Received: 15, ServerSpans: 5, SinkRequests: 2,
				Matched: true, TracedRequests: 4, StrayTraces: 1},
		},
		{
			// More spans than expected in one trace do not make up for spans
			// missing from another.
			name: "surplus does not offset",
			v:    batch, tm: tm(12), ids: &ids, okItems: items,
			snap: snapshot(12, 4, 0, with(complete(), func(m map[sink.TraceID]sink.TraceCount) {
				m[ids.traceID(1)] = sink.TraceCount{Spans: per + 1, ServerSpans: 1}
				m[ids.traceID(2)] = sink.TraceCount{Spans: per - 1, ServerSpans: 1}
			})),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 12, ExportedOK: 12,
				Received: 12, ServerSpans: 4, SinkRequests: 2,
				Matched: true, TracedRequests: 4, MissingSpans: 1},
		},
		{
			// Matching applies but no request succeeded and nothing arrived.
			name: "no successful requests",
			v:    batch, tm: targetMetrics{}, ids: &ids, okItems: nil,
			snap: snapshot(0, 0, 0, map[sink.TraceID]sink.TraceCount{}),
			want: results.Spans{PerRequest: per, SinkRequests: 2, Matched: true},
		},
		{
			// Sampled variants send no traceparent: no matching, only totals.
			// Half the requests were sampled.
			name: "sampled",
			v:    sampled, tm: tm(6), ids: nil, okItems: items,
			snap: snapshot(6, 2, 0, map[sink.TraceID]sink.TraceCount{
				stranger.traceID(1): {Spans: per, ServerSpans: 1},
				stranger.traceID(2): {Spans: per, ServerSpans: 1},
			}),
			want: results.Spans{PerRequest: per, TargetRequests: 4, Ended: 6, ExportedOK: 6,
				Received: 6, ServerSpans: 2, SinkRequests: 2},
		},
		{
			// The baseline creates no spans and sends nothing.
			name: "kind none",
			v:    none, tm: targetMetrics{Requests: 4}, ids: nil, okItems: items,
			snap: sink.Snapshot{Traces: map[sink.TraceID]sink.TraceCount{}},
			want: results.Spans{PerRequest: 0, TargetRequests: 4},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// These cases are about the sink's side: the target drained its
			// queue at exit (splitUnexported has its own test).
			if tc.v.Kind != profile.KindNone {
				tc.tm.Drained = true
				tc.want.ShutdownClean = true
				tc.want.DropSource = string(results.DropCleanShutdown)
				if tc.v.Kind == profile.KindSync {
					tc.want.DropSource = string(results.DropNone)
				}
			}
			got := accountSpans(tc.v, tc.v.SpansPerRequest(w), tc.tm, tc.snap, tc.ids, tc.okItems)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("accountSpans:\n got %+v\nwant %+v", got, tc.want)
			}
			// Invariants that hold whatever the case.
			if got.Received != tc.snap.Spans-tc.snap.Duplicates {
				t.Errorf("Received = %d, want Spans − Duplicates = %d", got.Received, tc.snap.Spans-tc.snap.Duplicates)
			}
			if got.Lost != got.Ended-got.Received {
				t.Errorf("Lost = %d, want Ended − Received = %d", got.Lost, got.Ended-got.Received)
			}
			if !got.Matched && (got.TracedRequests != 0 || got.MissingTraces != 0 || got.MissingSpans != 0 || got.StrayTraces != 0) {
				t.Errorf("unmatched cell has matching numbers: %+v", got)
			}
		})
	}
}

func TestSplitUnexported(t *testing.T) {
	batch := profile.Variant{Name: "b", Kind: profile.KindBatch}
	sync := profile.Variant{Name: "s", Kind: profile.KindSync}
	for _, tc := range []struct {
		name string
		v    profile.Variant
		tm   targetMetrics
		want results.Spans
	}{
		{"drained: the rest was dropped", batch,
			targetMetrics{SpansEnded: 100, Started: 70, ExportedOK: 70, Unexported: 30, Drained: true},
			results.Spans{Dropped: 30, DropSource: string(results.DropCleanShutdown), ShutdownClean: true}},
		{"not drained, sdk counter splits", batch,
			targetMetrics{SpansEnded: 100, Started: 60, ExportedOK: 50, ExportFailed: 5, Unexported: 40, SDKObserved: true, SDKDropped: 25, SDKQueued: 15},
			results.Spans{Dropped: 25, LostAtShutdown: 15 + 5, InFlightAtExit: 5, DropSource: string(results.DropSDK), Observability: true, SDKDropped: 25, SDKQueued: 15}},
		{"not drained, no counter", batch,
			targetMetrics{SpansEnded: 100, Started: 60, ExportedOK: 60, Unexported: 40},
			results.Spans{Dropped: 40, DropSource: string(results.DropUnknown)}},
		{"sync drops nothing", sync,
			targetMetrics{SpansEnded: 10, Started: 9, ExportedOK: 7, Unexported: 1, Drained: true},
			results.Spans{LostAtShutdown: 1 + 2, InFlightAtExit: 2, DropSource: string(results.DropNone), ShutdownClean: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got results.Spans
			splitUnexported(&got, tc.v, tc.tm)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			// ended = exported + dropped + failed + lost at shutdown.
			if sum := tc.tm.ExportedOK + tc.tm.ExportFailed + got.Dropped + got.LostAtShutdown; sum != tc.tm.SpansEnded {
				t.Errorf("parts add to %d, ended %d", sum, tc.tm.SpansEnded)
			}
		})
	}
}

// TestAccountExternal checks the accounting of a user's service, seen
// from outside: spans per request measured from the traces, the user's
// figure kept only for the warning, loss from what the traces miss, and
// no loss at all where it cannot be told.
func TestAccountExternal(t *testing.T) {
	batch := profile.Variant{Name: "batch", Kind: profile.KindBatch}
	ratio := 0.5
	sampled := profile.Variant{Name: "sampled", Kind: profile.KindSampled, SampleRatio: &ratio}
	ids := testIDs
	items := []uint64{1, 2, 3, 4, 5}
	// traces holds spans[i] spans for item i+1 (0: the trace never arrived).
	traces := func(spans ...int32) (map[sink.TraceID]sink.TraceCount, int64, int64) {
		m := map[sink.TraceID]sink.TraceCount{}
		var all, server int64
		for i, n := range spans {
			if n > 0 {
				m[ids.traceID(uint64(i+1))] = sink.TraceCount{Spans: n, ServerSpans: 1}
				all += int64(n)
				server++
			}
		}
		return m, all, server
	}
	snap := func(spans ...int32) sink.Snapshot {
		m, all, server := traces(spans...)
		return sink.Snapshot{Stats: sink.Stats{Requests: 1, Spans: all, ServerSpans: server}, Traces: m}
	}
	for _, tc := range []struct {
		name  string
		v     profile.Variant
		given int
		snap  sink.Snapshot
		ids   *traceIDs
		check func(t *testing.T, s results.Spans)
	}{
		{"measured, none given", batch, 0, snap(2, 2, 2, 2, 2), &ids, func(t *testing.T, s results.Spans) {
			want(t, s.PerRequest == 2 && s.PerRequestMeasured == 2 && s.PerRequestTraces == 5 && s.Ended == 10 &&
				s.EndedSource == results.EndedExpected && s.Lost == 0 && s.LossUnknown == "", s)
		}},
		{"a wrong -spans is not used", batch, 3, snap(2, 2, 2, 2, 2), &ids, func(t *testing.T, s results.Spans) {
			want(t, s.PerRequest == 2 && s.PerRequestGiven == 3 && s.Lost == 0 && s.Ended == 10, s)
		}},
		{"a trace cut short and one missing: the mode holds", batch, 0, snap(3, 1, 3, 0, 3), &ids, func(t *testing.T, s results.Spans) {
			want(t, s.PerRequest == 3 && s.Ended == 15 && s.Lost == 5 && s.MissingTraces == 1 && s.Received == 10, s)
		}},
		{"spans beyond the count are not set against the loss", batch, 0, snap(2, 2, 2, 4, 2), &ids, func(t *testing.T, s results.Spans) {
			want(t, s.PerRequest == 2 && s.Lost == 0 && s.Received == 12, s)
		}},
		{"sampled at the root: loss unknown, share measured", sampled, 2, sink.Snapshot{Stats: sink.Stats{Spans: 6, ServerSpans: 3}, Traces: map[sink.TraceID]sink.TraceCount{}}, nil, func(t *testing.T, s results.Spans) {
			want(t, s.LossUnknown == results.LossUnknownSampled && s.Lost == 0 && s.Ended == 0 && s.EndedSource == results.EndedUnknown &&
				s.PerRequest == 2 && s.TargetRequests == 5 && s.ServerSpans == 3, s)
		}},
		{"no matching, more than expected: unknown, never negative", batch, 1, sink.Snapshot{Stats: sink.Stats{Spans: 10, ServerSpans: 5}}, nil, func(t *testing.T, s results.Spans) {
			want(t, s.PerRequest == 2 && s.Ended == 10 && s.Lost == 0 && s.LossUnknown == "", s)
		}},
		{"no matching, nothing arrived, nothing given", batch, 0, sink.Snapshot{}, nil, func(t *testing.T, s results.Spans) {
			want(t, s.LossUnknown == results.LossUnknownNoSpans && s.Lost == 0, s)
		}},
		{"no matching, nothing arrived, given: all lost", batch, 2, sink.Snapshot{}, nil, func(t *testing.T, s results.Spans) {
			want(t, s.Ended == 10 && s.Lost == 10 && s.EndedSource == results.EndedExpected, s)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ok []uint64
			if tc.ids != nil {
				ok = items
			}
			s := accountExternal(tc.v, tc.given, tc.snap, tc.ids, ok, int64(len(items)))
			if s.Lost < 0 {
				t.Fatalf("negative loss: %+v", s)
			}
			if s.DropSource != string(results.DropExternal) {
				t.Errorf("drop source %q", s.DropSource)
			}
			tc.check(t, s)
		})
	}
}

// want fails the test with s when ok is false.
func want(t *testing.T, ok bool, s results.Spans) {
	t.Helper()
	if !ok {
		t.Errorf("got %+v", s)
	}
}
