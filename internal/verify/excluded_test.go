package verify

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestExcluded(t *testing.T) {
	reqs := []Request{req(1, 9, "/healthz"), req(2, 9, "/metrics")}
	tests := []struct {
		name   string
		paths  []string
		spans  []sink.Span
		status Status
		want   []string
	}{
		// Filtered: nothing arrives.
		{name: "untraced", paths: DefaultExcluded, status: StatusPass, want: []string{"2 requests", "no span"}},
		// The health check made a span in the trace sent.
		{name: "traced", paths: DefaultExcluded, spans: []sink.Span{serverSpan(1, 10, 9, "/healthz")},
			status: StatusFail, want: []string{"made 1 spans", tid(1).String(), sid(10).String(), "in the HTTP server instrumentation"}},
		// A span for an excluded path in a trace of its own (no propagator).
		{name: "traced elsewhere", paths: DefaultExcluded, spans: []sink.Span{serverSpan(5, 50, 0, "/metrics")},
			status: StatusFail, want: []string{"GET /metrics", tid(5).String()}},
		// No excluded paths: nothing to check.
		{name: "none given", paths: []string{}, status: StatusNA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Excluded(Phase{Requests: reqs, Spans: tc.spans}, tc.paths), tc.status, tc.want...)
		})
	}
}

// TestFixNamesTheSDK checks that the advice of a failed check is the
// SDK's own, by the language its spans' resources name.
func TestFixNamesTheSDK(t *testing.T) {
	for lang, want := range map[string]string{
		"go": "otelhttp.WithFilter", "nodejs": "ignoreIncomingRequestHook", "python": "excluded_urls", "java": "RuleBasedRoutingSampler", "erlang": "in the HTTP server instrumentation",
	} {
		spans := []sink.Span{{Resource: map[string]string{"telemetry.sdk.language": lang}}}
		if got := fix(fixExclude, languageOf(spans)); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to name %q", lang, got, want)
		}
	}
	for _, topic := range []fixTopic{fixExclude, fixFlush, fixPropagator} {
		for _, lang := range []string{"go", "nodejs", "python", "java", ""} {
			if fixes[topic][lang] == "" {
				t.Errorf("topic %d has no advice for %q", topic, lang)
			}
		}
	}
}
