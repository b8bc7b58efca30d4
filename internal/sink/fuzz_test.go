package sink

import (
	"context"
	"maps"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
)

// exportMethod is the OTLP/gRPC trace export method, as exporters call it.
const exportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

// rawCodec sends and receives message bodies as they are, so that a test
// can put any bytes on the wire. Its name makes the server decode them
// with its own codec for "proto", as it would an exporter's.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *v.(*[]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// FuzzExport sends arbitrary bytes as the body of an Export call to a
// running capturing Sink, through real gRPC: the sink's public entry,
// whatever it decodes behind it. The seed corpus under
// testdata/fuzz/FuzzExport holds real requests and broken ones. The sink
// must survive every body, answer a valid request OK with an empty
// response and count exactly its spans, server spans, duplicates, invalid
// ids and traces, and count nothing as received for a body it refuses.
func FuzzExport(f *testing.F) {
	s, err := Start(context.Background(), Options{Capture: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	conn, err := grpc.NewClient(s.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { conn.Close() })

	f.Fuzz(func(t *testing.T, body []byte) {
		s.Reset()
		s.TakeSpans()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var resp []byte
		callErr := conn.Invoke(ctx, exportMethod, &body, &resp)
		got, captured := s.Reset(), s.TakeSpans()

		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			// A sink that decodes less than proto does may take what proto
			// refuses; whatever it takes must add up.
			if callErr == nil {
				checkConsistent(t, got)
			} else if got.Stats != (Stats{}) || len(got.Traces) != 0 {
				t.Fatalf("a refused body (%v) was counted: %+v", callErr, got.Stats)
			}
			return
		}
		if callErr != nil {
			t.Fatalf("Export of a valid request: %v", callErr)
		}
		var r collectortrace.ExportTraceServiceResponse
		if err := proto.Unmarshal(resp, &r); err != nil || r.GetPartialSuccess() != nil {
			t.Fatalf("response %x (%v): want an empty ExportTraceServiceResponse", resp, err)
		}
		want, traces := account(req.GetResourceSpans())
		if got.Stats != want {
			t.Fatalf("stats\n%+v\nwant\n%+v", got.Stats, want)
		}
		if !maps.Equal(got.Traces, traces) {
			t.Fatalf("traces\n%v\nwant\n%v", got.Traces, traces)
		}
		if int64(len(captured.Spans))+captured.Dropped != want.Spans {
			t.Fatalf("captured %d spans and dropped %d of %d", len(captured.Spans), captured.Dropped, want.Spans)
		}
		checkConsistent(t, got)
	})
}

// account counts the spans of one answered Export call the way Stats and
// Snapshot.Traces define them.
func account(rss []*tracepb.ResourceSpans) (Stats, map[TraceID]TraceCount) {
	st := Stats{Requests: 1}
	traces := map[TraceID]TraceCount{}
	seen := map[[24]byte]bool{}
	for _, rs := range rss {
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				server := sp.GetKind() == tracepb.Span_SPAN_KIND_SERVER
				st.Spans++
				if server {
					st.ServerSpans++
				}
				tid, sid := sp.GetTraceId(), sp.GetSpanId()
				if len(tid) != 16 || len(sid) != 8 {
					st.InvalidIDs++
					continue
				}
				var key [24]byte
				copy(key[:], tid)
				copy(key[16:], sid)
				if seen[key] {
					st.Duplicates++
					continue
				}
				seen[key] = true
				c := traces[TraceID(tid)]
				c.Spans++
				if server {
					c.ServerSpans++
				}
				traces[TraceID(tid)] = c
			}
		}
	}
	return st, traces
}

// checkConsistent checks the identities between a Snapshot's counts that
// hold whatever was received: distinct spans with valid ids are those of
// Traces, and nothing is abandoned or rejected by a sink without faults.
func checkConsistent(t *testing.T, got Snapshot) {
	t.Helper()
	var spans, server int64
	for _, c := range got.Traces {
		spans += int64(c.Spans)
		server += int64(c.ServerSpans)
	}
	switch {
	case got.Requests != 1 || got.Abandoned != 0 || got.Rejected != 0:
		t.Fatalf("one call answered: %+v", got.Stats)
	case spans != got.Spans-got.Duplicates-got.InvalidIDs || server > got.ServerSpans:
		t.Fatalf("traces hold %d spans (%d server), stats %+v", spans, server, got.Stats)
	case got.Freshness.N != got.Spans-got.Duplicates:
		t.Fatalf("freshness of %d spans, %d distinct", got.Freshness.N, got.Spans-got.Duplicates)
	}
}
