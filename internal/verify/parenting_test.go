package verify

import (
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestParenting(t *testing.T) {
	// Two requests, each of its own trace, sent with parent span 9.
	reqs := []Request{req(1, 9, "/items/1"), req(2, 9, "/items/2")}
	// The correct shape: a server span under the remote parent, a logic
	// child, and a grandchild below it.
	good := []sink.Span{
		serverSpan(1, 10, 9, "/items/1"), childSpan(1, 11, 10, "logic"), childSpan(1, 12, 11, "step"),
		serverSpan(2, 20, 9, "/items/2"), childSpan(2, 21, 20, "logic"),
	}
	tests := []struct {
		name   string
		reqs   []Request
		spans  []sink.Span
		strict bool
		status Status
		want   []string
	}{
		// Everything in place.
		{name: "correct", reqs: reqs, spans: good, strict: true, status: StatusPass, want: []string{"2 requests", "3 other spans", "no orphan roots"}},
		// No propagator: the server span starts a new trace; the evidence
		// names both traces and says what went wrong.
		{name: "traceparent ignored", reqs: reqs[:1], spans: []sink.Span{
			with(serverSpan(7, 70, 0, "/items/1"), func(s *sink.Span) {}), childSpan(7, 71, 70, "logic"),
		}, strict: true, status: StatusFail, want: []string{
			"1 requests whose server span started a new trace", tid(1).String(), tid(7).String(), sid(70).String(), "not extracted",
		}},
		// The server span's parent is not the span id sent.
		{name: "wrong parent", reqs: reqs[:1], spans: []sink.Span{serverSpan(1, 10, 8, "/items/1")}, strict: true, status: StatusFail,
			want: []string{"wrong parent", sid(10).String(), "want parent " + sid(9).String()}},
		// The parent is right but marked local: the context was not
		// extracted from the request but made up in-process.
		{name: "parent not remote", reqs: reqs[:1], spans: []sink.Span{
			with(serverSpan(1, 10, 9, "/items/1"), func(s *sink.Span) { s.ParentRemote = false }),
		}, strict: true, status: StatusFail, want: []string{"(local)"}},
		// A child whose parent never arrived: a broken parent.
		{name: "broken parent", reqs: reqs[:1], spans: []sink.Span{
			serverSpan(1, 10, 9, "/items/1"), childSpan(1, 11, 99, "logic"),
		}, strict: true, status: StatusFail, want: []string{"broken parent", `"logic"`, sid(99).String()}},
		// An orphan root (the work went to context.Background()) fails the
		// bundled target ...
		{name: "orphan strict", reqs: reqs[:1], spans: []sink.Span{
			serverSpan(1, 10, 9, "/items/1"), childSpan(5, 50, 0, "work"),
		}, strict: true, status: StatusFail, want: []string{"orphan root", `"work"`, tid(5).String()}},
		// ... but is left to the hand-off warning on a user's service.
		{name: "orphan not strict", reqs: reqs[:1], spans: []sink.Span{
			serverSpan(1, 10, 9, "/items/1"), childSpan(5, 50, 0, "work"),
		}, strict: false, status: StatusPass, want: []string{"no broken parents"}},
		// Two server spans for one request (double instrumentation).
		{name: "two server spans", reqs: reqs[:1], spans: []sink.Span{
			serverSpan(1, 10, 9, "/items/1"), with(serverSpan(1, 11, 10, "/items/1"), func(s *sink.Span) { s.ParentRemote = false }),
		}, strict: true, status: StatusFail, want: []string{"more than one server span", sid(11).String()}},
		// Nothing arrived at all.
		{name: "nothing", reqs: reqs[:1], spans: nil, strict: true, status: StatusFail, want: []string{"no span of trace " + tid(1).String()}},
		// No request was answered: nothing to judge, and it says why.
		{name: "unanswered", reqs: []Request{{Path: "/items/1", TraceID: tid(1), Err: "connection refused"}}, strict: true,
			status: StatusFail, want: []string{"no request with a traceparent was answered", "connection refused"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Parenting(Phase{Requests: tc.reqs, Spans: tc.spans}, tc.strict), tc.status, tc.want...)
		})
	}
}
