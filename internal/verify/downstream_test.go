package verify

import (
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestDownstream(t *testing.T) {
	r := req(1, 9, "/items/1")
	r.TraceState, r.Baggage = "otelbench=r1", "otelbench.request=1"
	spans := []sink.Span{
		serverSpan(1, 10, 9, "/items/1"),
		with(childSpan(1, 11, 10, "HTTP GET"), func(s *sink.Span) { s.Kind = sink.SpanKindClient }),
	}
	good := DownstreamCall{Path: "/downstream", Traceparent: "00-" + tid(1).String() + "-" + sid(11).String() + "-01",
		Tracestate: "otelbench=r1", Baggage: "otelbench.request=1"}
	tests := []struct {
		name   string
		calls  []DownstreamCall
		status Status
		want   []string
	}{
		// Trace id, parent (the client span), tracestate and baggage all right.
		{name: "correct", calls: []DownstreamCall{good}, status: StatusPass, want: []string{`"HTTP GET" (client)`}},
		// No propagator: no header at all.
		{name: "no traceparent", calls: []DownstreamCall{{Path: "/downstream", Query: "item_id=1"}}, status: StatusFail,
			want: []string{"1 downstream calls without a traceparent", "item_id=1", "never reached", tid(1).String()}},
		// A parent that never arrived (a client span not exported).
		{name: "unknown parent", calls: []DownstreamCall{with2(good, func(c *DownstreamCall) {
			c.Traceparent = "00-" + tid(1).String() + "-" + sid(77).String() + "-01"
		})}, status: StatusFail, want: []string{"parent " + sid(77).String()}},
		// Another trace altogether.
		{name: "other trace", calls: []DownstreamCall{with2(good, func(c *DownstreamCall) {
			c.Traceparent = "00-" + tid(5).String() + "-" + sid(11).String() + "-01"
		})}, status: StatusFail, want: []string{"not the trace of any request", tid(5).String()}},
		// Tracestate and baggage dropped on the way.
		{name: "state and baggage lost", calls: []DownstreamCall{with2(good, func(c *DownstreamCall) {
			c.Tracestate, c.Baggage = "", ""
		})}, status: StatusFail, want: []string{`sent tracestate "otelbench=r1"`, `sent baggage "otelbench.request=1"`}},
		// The service never called.
		{name: "no calls", status: StatusFail, want: []string{"no call reached the downstream service"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Phase{Requests: []Request{r}, Spans: spans, Downstream: tc.calls}
			assertCheck(t, Downstream(p), tc.status, tc.want...)
		})
	}
}

// with2 returns a copy of c changed by f.
func with2(c DownstreamCall, f func(*DownstreamCall)) DownstreamCall {
	f(&c)
	return c
}
