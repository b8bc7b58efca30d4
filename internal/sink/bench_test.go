package sink

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

// benchRequests is how many requests the benchmarks send the target: 20
// batches of 512 spans, every trace distinct, so that no iteration counts
// duplicates.
const benchRequests = 20 * 512 / 3

// perSpan reports the time and the allocations of the benchmark per span,
// spans being the spans handled per iteration.
type perSpan struct {
	b      *testing.B
	spans  int64
	before runtime.MemStats
}

func startPerSpan(b *testing.B) *perSpan {
	p := &perSpan{b: b}
	runtime.GC()
	runtime.ReadMemStats(&p.before)
	b.ResetTimer()
	return p
}

func (p *perSpan) stop() {
	p.b.StopTimer()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	n := float64(p.spans)
	p.b.ReportMetric(float64(p.b.Elapsed().Nanoseconds())/n, "ns/span")
	p.b.ReportMetric(float64(after.Mallocs-p.before.Mallocs)/n, "allocs/span")
	p.b.ReportMetric(float64(after.TotalAlloc-p.before.TotalAlloc)/n, "B/span")
}

// BenchmarkDecode measures what the sink does with the body of one Export
// call before it answers, over batches of 512 spans that the bundled
// target's real exporter sent (targetPayloads): the old path, proto's
// generic decode of the whole request and the ledger counting its spans,
// against the sink's path (collectSpans: walkExport checks the body and
// copies each span's ids out, then the ledger counts them), without and
// with a TraceIndex (the runner sets one). Each
// iteration is one batch; the ledger starts afresh, untimed, once every
// batch has been counted, so every span is new.
//
//	go test -run '^$' -bench BenchmarkDecode -benchtime 2000x ./internal/sink
func BenchmarkDecode(b *testing.B) {
	bodies := targetPayloads(b, benchRequests)
	bodies = bodies[:len(bodies)-1] // the last batch is not full
	paths := []struct {
		name  string
		index bool
		count func(l *ledger, body []byte) int64
	}{
		{"generic", false, func(l *ledger, body []byte) int64 {
			var req collectortrace.ExportTraceServiceRequest
			if err := proto.Unmarshal(body, &req); err != nil {
				b.Fatal(err)
			}
			l.record(answered, codes.OK, req.GetResourceSpans())
			var n int64
			for _, rs := range req.GetResourceSpans() {
				for _, ss := range rs.GetScopeSpans() {
					n += int64(len(ss.GetSpans()))
				}
			}
			return n
		}},
		{"wire", false, countWire},
		{"wire+index", true, countWire},
	}
	for _, path := range paths {
		b.Run(path.name, func(b *testing.B) {
			l := newLedger(time.Now())
			if path.index {
				l.setIndex(benchIDs.index(3))
			}
			p := startPerSpan(b)
			i := 0
			for b.Loop() {
				if i == len(bodies) {
					b.StopTimer()
					l.reset()
					i = 0
					b.StartTimer()
				}
				p.spans += path.count(l, bodies[i])
				i++
			}
			p.stop()
		})
	}
}

// countWire is the sink's path: check and collect, then record.
func countWire(l *ledger, body []byte) int64 {
	n, err := collectSpans(body, &wireScratch)
	if err != nil || n != int64(len(wireScratch.recs)) {
		panic(fmt.Sprint(n, len(wireScratch.recs), err))
	}
	l.recordSpans(answered, codes.OK, wireScratch.recs)
	return n
}

// wireScratch is countWire's reused scratch, as the sink pools its own.
var wireScratch scratch

// BenchmarkExportGRPC sends the bundled target's batches to a running
// Sink through real gRPC, one call at a time, and reports time and
// allocations per span of the whole process: the sink's server and a raw
// client that sends the bytes as they are (a few allocations per call).
//
//	go test -run '^$' -bench BenchmarkExportGRPC -benchtime 2000x ./internal/sink
func BenchmarkExportGRPC(b *testing.B) {
	bodies := targetPayloads(b, benchRequests)
	bodies = bodies[:len(bodies)-1]
	for _, index := range []bool{false, true} {
		name := "no index"
		if index {
			name = "index"
		}
		b.Run(name, func(b *testing.B) {
			s, err := Start(b.Context(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if index {
				s.SetTraceIndex(benchIDs.index(3))
			}
			conn := rawConn(b, s)
			p := startPerSpan(b)
			i := 0
			for b.Loop() {
				if i == len(bodies) {
					b.StopTimer()
					s.Reset()
					i = 0
					b.StartTimer()
				}
				if err := invoke(b.Context(), conn, bodies[i]); err != nil {
					b.Fatal(err)
				}
				p.spans += 512
				i++
			}
			p.stop()
		})
	}
}
