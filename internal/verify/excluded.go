package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Excluded checks claim 4 on a phase of requests, each with a sampled
// traceparent, to paths that must not be traced (health checks, metrics):
// no span may arrive in their traces, nor any server span for their paths.
func Excluded(p Phase, paths []string) Check {
	c := Check{Name: CheckExcluded}
	if len(paths) == 0 {
		c.Status = StatusNA
		c.Summary = "no excluded paths given"
		return c
	}
	ix := newSpanIndex(p.Spans)
	excluded := map[string]bool{}
	for _, path := range paths {
		excluded[path] = true
	}
	sent := map[sink.TraceID]Request{}
	for _, r := range p.Requests {
		if r.HasTraceparent() {
			sent[r.TraceID] = r
		}
	}
	traced := findings{what: "spans for excluded paths"}
	for _, s := range ix.all {
		r, inSent := sent[s.TraceID]
		path := spanPath(s)
		switch {
		case inSent:
			traced.add("%s: %s, which must not be traced", r, describe(s))
		case s.Kind == sink.SpanKindServer && excluded[path]:
			traced.add("GET %s: %s, which must not be traced", path, describe(s))
		}
	}
	n := len(p.answered(false))
	if traced.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%s: %d requests made %d spans", strings.Join(paths, ", "), n, traced.n)
		c.Evidence = append(traced.evidence(), fix(fixExclude, languageOf(p.Spans)))
		return c
	}
	if n == 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%s: no request was answered", strings.Join(paths, ", "))
		c.Evidence = p.unanswered()
		return c
	}
	c.Status = StatusPass
	c.Summary = fmt.Sprintf("%s: %d requests with a sampled traceparent, no span", strings.Join(paths, ", "), n)
	c.Evidence = p.unanswered()
	return c
}
