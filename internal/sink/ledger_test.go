package sink

import (
	"encoding/binary"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"
)

// BenchmarkRecord measures the counting cost of one answered Export call
// of 512 new spans (128 traces of 4 spans), the SDK's default batch.
func BenchmarkRecord(b *testing.B) {
	const traces, perTrace = 128, 4
	spans := make([]*tracepb.Span, 0, traces*perTrace)
	for i := range traces * perTrace {
		tid, sid := make([]byte, 16), make([]byte, 8)
		binary.BigEndian.PutUint64(tid, uint64(i/perTrace))
		binary.BigEndian.PutUint64(sid, uint64(i))
		spans = append(spans, &tracepb.Span{TraceId: tid, SpanId: sid})
	}
	rss := []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{Spans: spans}}}}

	l := newLedger(time.Now())
	b.ReportAllocs()
	for b.Loop() {
		l.record(answered, codes.OK, rss)
		b.StopTimer()
		l.reset()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(spans)), "ns/span")
}

// TestArrivalIndex checks the rounding that the sink's arrivals and the
// runner's requests share.
func TestArrivalIndex(t *testing.T) {
	origin := time.Now()
	for _, tc := range []struct {
		name string
		at   time.Duration // offset from origin
		want int
	}{
		// The origin opens bucket 0.
		{"origin", 0, 0},
		// Inside the first bucket.
		{"inside", 60 * time.Millisecond, 0},
		// An edge opens the next bucket.
		{"edge", ArrivalBucket, 1},
		// Just before an edge.
		{"before edge", 2*ArrivalBucket - time.Nanosecond, 1},
		// Before the origin: rounded down, not towards zero.
		{"before origin", -time.Millisecond, -1},
		// A whole bucket before.
		{"bucket before", -ArrivalBucket, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ArrivalIndex(origin, origin.Add(tc.at)); got != tc.want {
				t.Errorf("ArrivalIndex(origin, origin%+v) = %d, want %d", tc.at, got, tc.want)
			}
		})
	}
}

// TestArrivalsFromTimeline puts an arrival at a known offset from the
// start of the timeline, which comes after the start of the period.
func TestArrivalsFromTimeline(t *testing.T) {
	since := time.Now()
	l := newLedger(since)
	start := since.Add(-250 * time.Millisecond) // the period began 250 ms before now
	l.startArrivals(start)
	tid, sid := make([]byte, 16), make([]byte, 8)
	tid[0], sid[0] = 1, 1
	l.record(answered, codes.OK, []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{TraceId: tid, SpanId: sid}}}}}})
	arrived := time.Now()
	snap := l.reset()
	if !snap.ArrivalsFrom.Equal(start) {
		t.Errorf("ArrivalsFrom = %v, want the timeline's start %v", snap.ArrivalsFrom, start)
	}
	want := ArrivalIndex(start, arrived)
	if want != ArrivalIndex(start, since) {
		t.Skip("the record straddled a bucket's edge")
	}
	if len(snap.Arrivals) != want+1 || snap.Arrivals[want] != 1 {
		t.Errorf("Arrivals = %v, want the span in bucket %d", snap.Arrivals, want)
	}
	// The next period starts at its Since again.
	if next := l.reset(); !next.ArrivalsFrom.Equal(snap.Until) {
		t.Errorf("next period's ArrivalsFrom = %v, want its Since %v", next.ArrivalsFrom, snap.Until)
	}
}
