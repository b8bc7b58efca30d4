package verify

import (
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestHandoff(t *testing.T) {
	goodReq, badReq := req(1, 9, "/handoff/good/1"), req(2, 9, "/handoff/bad/1")
	// The good route: work under the server span, background linked back.
	goodSpans := []sink.Span{
		serverSpan(1, 10, 9, "/handoff/good/1"),
		childSpan(1, 11, 10, "handoff_work"),
		with(childSpan(3, 30, 0, "handoff_background"), func(s *sink.Span) {
			s.Links = []sink.Link{{TraceID: tid(1), SpanID: sid(10)}}
		}),
	}
	// The bad route: the work is an orphan root.
	badSpans := []sink.Span{
		serverSpan(2, 20, 9, "/handoff/bad/1"),
		with(childSpan(4, 40, 0, "handoff_work"), func(s *sink.Span) { s.Attributes["item.id"] = "1" }),
	}
	tests := []struct {
		name      string
		good, bad []sink.Span
		status    Status
		want      []string
	}{
		// Good is right, bad is recognised.
		{name: "correct", good: goodSpans, bad: badSpans, status: StatusPass,
			want: []string{"1 background spans linked back", "recognised as wrong", tid(4).String(), "item.id=1"}},
		// The good route dropped the context: its work is an orphan.
		{name: "dropped context", good: []sink.Span{goodSpans[0], badSpans[1]}, bad: badSpans, status: StatusFail,
			want: []string{"1 of 1 requests lost the handed-over work", "its trace holds only", sid(10).String(), "orphan root", tid(4).String()}},
		// A work span whose parent never arrived.
		{name: "broken parent", good: append([]sink.Span{goodSpans[0], goodSpans[1]}, childSpan(1, 12, 55, "more")), bad: badSpans, status: StatusFail,
			want: []string{"broken parent", sid(55).String()}},
		// The bad route looks right: the check itself would be blind.
		{name: "bad not recognised", good: goodSpans, bad: []sink.Span{serverSpan(2, 20, 9, "/handoff/bad/1"), childSpan(2, 21, 20, "handoff_work")},
			status: StatusFail, want: []string{"not recognised"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			good := Phase{Requests: []Request{goodReq}, Spans: tc.good}
			bad := Phase{Requests: []Request{badReq}, Spans: tc.bad}
			assertCheck(t, Handoff(good, bad), tc.status, tc.want...)
		})
	}
}

func TestOrphans(t *testing.T) {
	tests := []struct {
		name   string
		spans  []sink.Span
		status Status
		want   []string
	}{
		// Nothing suspicious: n/a, the routes are the bundled target's.
		{name: "clean", spans: []sink.Span{serverSpan(1, 10, 9, "/x"), childSpan(1, 11, 10, "work")}, status: StatusNA, want: []string{"2 spans"}},
		// An orphan root is a warning, with its ids.
		{name: "orphan", spans: []sink.Span{serverSpan(1, 10, 9, "/x"), childSpan(5, 50, 0, "cleanup")}, status: StatusWarn,
			want: []string{"1 orphan roots", `"cleanup"`, tid(5).String()}},
		// So is a broken parent.
		{name: "broken", spans: []sink.Span{childSpan(1, 11, 42, "work")}, status: StatusWarn, want: []string{sid(42).String()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Orphans(Phase{Spans: tc.spans}), tc.status, tc.want...)
		})
	}
}
