package sink

import (
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// TestInvalidIDs sends spans with malformed ids, which the SDK cannot
// make, over a raw OTLP/gRPC client.
func TestInvalidIDs(t *testing.T) {
	var (
		tid     = []byte("0123456789abcdef")
		sid     = []byte("span-id1")
		server  = tracepb.Span_SPAN_KIND_SERVER
		invalid = TraceCount{} // marks a span that must not reach Traces
	)
	tests := []struct {
		name string
		span *tracepb.Span
		want TraceCount // what the span adds to trace tid
	}{
		// A well-formed SERVER span is counted in its trace.
		{name: "valid", span: &tracepb.Span{TraceId: tid, SpanId: sid, Kind: server}, want: TraceCount{Spans: 1, ServerSpans: 1}},
		// A trace id one byte short.
		{name: "short trace id", span: &tracepb.Span{TraceId: tid[:15], SpanId: sid, Kind: server}, want: invalid},
		// No trace id at all.
		{name: "empty trace id", span: &tracepb.Span{SpanId: sid}, want: invalid},
		// A good trace id with a span id one byte short.
		{name: "short span id", span: &tracepb.Span{TraceId: tid, SpanId: sid[:7]}, want: invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, Options{})
			conn, err := grpc.NewClient(s.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatalf("grpc.NewClient: %v", err)
			}
			defer conn.Close()
			req := &collectortrace.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
				ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{tt.span}}},
			}}}
			if _, err := collectortrace.NewTraceServiceClient(conn).Export(t.Context(), req); err != nil {
				t.Fatalf("Export: %v", err)
			}

			snap := s.Reset()
			want := Stats{Requests: 1, Spans: 1}
			if tt.span.Kind == server {
				want.ServerSpans = 1
			}
			if tt.want == invalid {
				want.InvalidIDs = 1
			}
			if snap.Stats != want {
				t.Errorf("Stats = %v\nwant    %v", snap.Stats, want)
			}
			if got := snap.Traces[TraceID(tid)]; got != tt.want {
				t.Errorf("trace count = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestStrings checks the text forms.
func TestStrings(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		// Zero stats still name every counter.
		{
			name: "zero Stats",
			got:  Stats{}.String(),
			want: "requests=0 spans=0 server_spans=0 duplicates=0 invalid_ids=0 abandoned=0 abandoned_spans=0 rejected=0 rejected_spans=0 rejected_unavailable=0 rejected_resource_exhausted=0 rejected_internal=0 relisten_failures=0",
		},
		// Each counter lands in its own place.
		{
			name: "Stats",
			got: Stats{Requests: 1, Spans: 2, ServerSpans: 3, Duplicates: 4, InvalidIDs: 5, Abandoned: 6, AbandonedSpans: 7, Rejected: 8, RejectedSpans: 9,
				RejectedUnavailable: 10, RejectedResourceExhausted: 11, RejectedInternal: 12, RelistenFailures: 13}.String(),
			want: "requests=1 spans=2 server_spans=3 duplicates=4 invalid_ids=5 abandoned=6 abandoned_spans=7 rejected=8 rejected_spans=9 rejected_unavailable=10 rejected_resource_exhausted=11 rejected_internal=12 relisten_failures=13",
		},
		// Trace ids print as 32 lower-case hex digits.
		{
			name: "TraceID",
			got:  TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}.String(),
			want: "4bf92f3577b34da6a3ce929d0e0e4736",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %q\nwant %q", tt.got, tt.want)
			}
		})
	}
}
