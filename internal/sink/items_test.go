package sink

import (
	"encoding/binary"
	"maps"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// itemSpan returns a span of item n's trace (under ids) with span id sid.
func itemSpan(ids testItemIDs, n, sid uint64, server bool) *tracepb.Span {
	tid := ids.traceID(n)
	sp := &tracepb.Span{TraceId: tid[:], SpanId: binary.LittleEndian.AppendUint64(nil, sid)}
	if server {
		sp.Kind = tracepb.Span_SPAN_KIND_SERVER
	}
	return sp
}

// batch wraps spans in one request's resource spans.
func batch(spans ...*tracepb.Span) []*tracepb.ResourceSpans {
	return []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{Spans: spans}}}}
}

// itemWorkload is a mix of everything the item table must count as the
// map does: traces of 1 to 20 spans (more than the table's slots), every
// span sent twice, items at page edges and beyond maxItems, a trace of
// another prefix, and spans with invalid ids.
func itemWorkload() [][]*tracepb.ResourceSpans {
	other := testItemIDs{prefix: [8]byte{7}}
	var spans []*tracepb.Span
	items := []uint64{0, 1, 2, itemPageSize - 1, itemPageSize, 3*itemPageSize + 17, maxItems - 1, maxItems, 1 << 40}
	for k, n := range items {
		for s := range 1 + k*2 {
			spans = append(spans, itemSpan(benchIDs, n, uint64(1000*k+s), s == 0))
		}
	}
	spans = append(spans, itemSpan(other, 5, 1, true), itemSpan(other, 5, 2, false),
		&tracepb.Span{TraceId: []byte{1, 2, 3}, SpanId: []byte{1}})
	// Two calls, then the same two again: every span a duplicate.
	half := len(spans) / 2
	return [][]*tracepb.ResourceSpans{batch(spans[:half]...), batch(spans[half:]...), batch(spans[half:]...), batch(spans[:half]...)}
}

// TestItemTableMatchesMap counts the same calls with and without a
// TraceIndex and checks that the counts agree everywhere: Stats, every
// trace, the number of traces, and what Items.Each reports.
func TestItemTableMatchesMap(t *testing.T) {
	for _, slots := range []int{0, 1, 3, maxItemSlots, 100} {
		plain, indexed := newLedger(time.Now()), newLedger(time.Now())
		indexed.setIndex(benchIDs.index(slots))
		for _, rss := range itemWorkload() {
			plain.record(answered, codes.OK, rss)
			indexed.record(answered, codes.OK, rss)
		}
		want, got := plain.reset(), indexed.reset()
		if got.Stats != want.Stats {
			t.Fatalf("slots %d: stats %+v, without the index %+v", slots, got.Stats, want.Stats)
		}
		if got.Items == nil || got.Items.Len() == 0 {
			t.Fatalf("slots %d: nothing counted by item", slots)
		}
		if got.NumTraces() != len(want.Traces) {
			t.Errorf("slots %d: %d traces, without the index %d", slots, got.NumTraces(), len(want.Traces))
		}
		for id, c := range want.Traces {
			if g := got.Trace(id); g != c {
				t.Errorf("slots %d: trace %s = %+v, want %+v", slots, id, g, c)
			}
		}
		seen := map[TraceID]TraceCount{}
		got.Items.Each(func(n uint64, id TraceID, c TraceCount) {
			if m, ok := benchIDs.item(id); !ok || m != n {
				t.Errorf("Each gave item %d with trace %s", n, id)
			}
			seen[id] = c
		})
		maps.Copy(seen, got.Traces)
		if !maps.Equal(seen, want.Traces) {
			t.Errorf("slots %d: Items.Each and Traces\n%v\nwant\n%v", slots, seen, want.Traces)
		}
	}
}

// TestSetTraceIndexMoves changes the index in the middle of a period: the
// traces already counted move with it, so counts and duplicate detection
// stay exact whichever way they move.
func TestSetTraceIndexMoves(t *testing.T) {
	calls := itemWorkload()
	tests := []struct {
		name    string
		indexes []TraceIndex // set after each of the first calls
	}{
		// From the map into a table.
		{name: "map to table", indexes: []TraceIndex{{}, benchIDs.index(3)}},
		// From a table back to the map.
		{name: "table to map", indexes: []TraceIndex{benchIDs.index(3), {}}},
		// From one table to another of other slots, then to the map.
		{name: "table to table to map", indexes: []TraceIndex{benchIDs.index(2), benchIDs.index(5), {}}},
		// The same index twice.
		{name: "same index again", indexes: []TraceIndex{benchIDs.index(3), benchIDs.index(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, moving := newLedger(time.Now()), newLedger(time.Now())
			for i, rss := range calls {
				if i < len(tt.indexes) {
					moving.setIndex(tt.indexes[i])
				}
				plain.record(answered, codes.OK, rss)
				moving.record(answered, codes.OK, rss)
			}
			want, got := plain.reset(), moving.reset()
			if got.Stats != want.Stats {
				t.Fatalf("stats %+v, want %+v", got.Stats, want.Stats)
			}
			if got.NumTraces() != len(want.Traces) {
				t.Errorf("%d traces, want %d", got.NumTraces(), len(want.Traces))
			}
			for id, c := range want.Traces {
				if g := got.Trace(id); g != c {
					t.Errorf("trace %s = %+v, want %+v", id, g, c)
				}
			}
		})
	}
}

// TestTraceIndexExporter sends traces whose ids derive from item numbers,
// as the runner's do, through the real exporter to a sink with the index
// set, and checks each item's count and that nothing lands in Traces.
func TestTraceIndexExporter(t *testing.T) {
	s := startSink(t, Options{})
	s.SetTraceIndex(benchIDs.index(3))
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tracer := tp.Tracer("sink_test")
	const items = 300
	for n := uint64(1); n <= items; n++ {
		parent := trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID(benchIDs.traceID(n)), SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled, Remote: true,
		})
		ctx, root := tracer.Start(trace.ContextWithRemoteSpanContext(t.Context(), parent), "GET /process/{item_id}", trace.WithSpanKind(trace.SpanKindServer))
		for range 2 {
			_, child := tracer.Start(ctx, "process_item_logic")
			child.End()
		}
		root.End()
	}
	exp := newExporter(t, s)
	if err := exp.ExportSpans(t.Context(), rec.Ended()); err != nil {
		t.Fatal(err)
	}
	snap := s.Reset()
	if snap.Spans != 3*items || len(snap.Traces) != 0 || snap.Items.Len() != items {
		t.Fatalf("stats %+v, %d traces by id, %d by item: want every trace by item", snap.Stats, len(snap.Traces), snap.Items.Len())
	}
	for n := uint64(1); n <= items; n++ {
		if c := snap.Items.Count(n); c != (TraceCount{Spans: 3, ServerSpans: 1}) {
			t.Errorf("item %d: %+v", n, c)
		}
	}
	if c := snap.Items.Count(items + 1); c != (TraceCount{}) {
		t.Errorf("an item never sent: %+v", c)
	}
}

// TestLedgerLowHalfClash counts traces whose ids share their low half, which
// the ledger's map is keyed by: each is still counted on its own, with its
// own duplicates, as are the spans of a trace that arrive between them.
func TestLedgerLowHalfClash(t *testing.T) {
	a, b, c := bytesN(16, 1), bytesN(16, 1), bytesN(16, 1)
	b[0], c[0] = 2, 3 // same low half, other high halves
	span := func(tid []byte, sid byte, server bool) *tracepb.Span {
		sp := &tracepb.Span{TraceId: tid, SpanId: bytesN(8, sid)}
		if server {
			sp.Kind = tracepb.Span_SPAN_KIND_SERVER
		}
		return sp
	}
	l := newLedger(time.Now())
	spans := []*tracepb.Span{
		span(a, 1, true), span(b, 1, true), span(a, 2, false), span(c, 1, false),
		span(b, 2, false), span(b, 1, true), span(c, 1, false), span(a, 3, false),
	}
	l.record(answered, codes.OK, batch(spans...))
	l.record(answered, codes.OK, batch(spans[:2]...))
	snap := l.reset()
	want := map[TraceID]TraceCount{
		TraceID(a): {Spans: 3, ServerSpans: 1},
		TraceID(b): {Spans: 2, ServerSpans: 1},
		TraceID(c): {Spans: 1},
	}
	if !maps.Equal(snap.Traces, want) {
		t.Errorf("traces\n%v\nwant\n%v", snap.Traces, want)
	}
	if snap.Spans != 10 || snap.Duplicates != 4 || snap.ServerSpans != 5 {
		t.Errorf("stats %+v: want 10 spans, 4 duplicates, 5 SERVER", snap.Stats)
	}
}
