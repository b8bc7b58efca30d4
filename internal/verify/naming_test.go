package verify

import (
	"fmt"
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestNaming(t *testing.T) {
	// Ten requests to /items/1 … /items/10, each in trace n.
	var reqs []Request
	var templated, raw, noPath []sink.Span
	for i := byte(1); i <= 10; i++ {
		path := fmt.Sprintf("/items/%d", i)
		reqs = append(reqs, req(i, 99, path))
		templated = append(templated, serverSpan(i, 100+i, 99, path))
		raw = append(raw, with(serverSpan(i, 100+i, 99, path), func(s *sink.Span) { s.Name = "GET " + path }))
		noPath = append(noPath, with(serverSpan(i, 100+i, 99, path), func(s *sink.Span) { delete(s.Attributes, attrURLPath) }))
	}
	tests := []struct {
		name   string
		spans  []sink.Span
		varied bool
		status Status
		want   []string
	}{
		// One template for ten paths, each raw path in url.path.
		{name: "template", spans: templated, varied: true, status: StatusPass, want: []string{`1 server span name: "GET /items/{id}" ×10`}},
		// Raw paths as names: ten names, and the evidence names them.
		{name: "raw paths", spans: raw, varied: true, status: StatusFail, want: []string{"10 distinct server span names", `"GET /items/`, tid(1).String()}},
		// Template names, but the raw value is nowhere.
		{name: "raw value lost", spans: noPath, varied: true, status: StatusFail, want: []string{"10 raw paths are in no attribute", "url.path"}},
		// Nothing arrived.
		{name: "no spans", varied: true, status: StatusFail, want: []string{"no server span arrived"}},
		// A URL without {id}: nothing varied, nothing to judge.
		{name: "not varied", spans: templated, varied: false, status: StatusNA, want: []string{"{id}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Naming(Phase{Requests: reqs, Spans: tc.spans}, tc.varied), tc.status, tc.want...)
		})
	}
	// Too few paths to tell a template from raw paths.
	assertCheck(t, Naming(Phase{Requests: reqs[:maxServerNames], Spans: raw[:maxServerNames]}, true), StatusNA, "too few")
}
