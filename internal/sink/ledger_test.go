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
