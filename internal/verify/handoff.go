package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Handoff checks claim 7 on the bundled target's hand-off routes. good holds
// requests, each with a sampled traceparent, to the route that passes the
// request's context to its goroutine (and links its fire-and-forget
// background span); bad holds requests to the route that starts the
// goroutine's span from context.Background(). The check passes when every
// good request's trace holds the handed-over work below its server span,
// with no orphan root or broken parent, and the bad route is recognised as
// broken: its traces lack the work, which shows up as orphan roots.
func Handoff(good, bad Phase) Check {
	c := Check{Name: CheckHandoff}
	g := inspectHandoff(good)
	b := inspectHandoff(bad)
	if g.requests == 0 || b.requests == 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("hand-off routes: %d good and %d bad requests answered", g.requests, b.requests)
		c.Evidence = append(good.unanswered(), bad.unanswered()...)
		return c
	}
	goodPath := routeOf(good)
	badPath := routeOf(bad)

	if g.workless.n+g.orphans.n+g.broken.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%s: %d of %d requests lost the handed-over work from their trace; %d orphan roots, %d broken parents",
			goodPath, g.workless.n, g.requests, g.orphans.n, g.broken.n)
		for _, f := range []*findings{&g.workless, &g.orphans, &g.broken} {
			c.Evidence = append(c.Evidence, f.evidence()...)
		}
		c.Evidence = append(c.Evidence, "pass the request's context to the goroutine (or, for work that outlives the request, start a new root with a link to the request's span)")
		return c
	}
	if b.workless.n+b.orphans.n+b.broken.n == 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%s: correct, but the deliberately wrong %s was not recognised as broken", goodPath, badPath)
		c.Evidence = []string{fmt.Sprintf("%d requests to %s: each trace holds the work below its server span and no orphan root arrived", b.requests, badPath)}
		return c
	}
	c.Status = StatusPass
	c.Summary = fmt.Sprintf("%s: work below the server span in all %d traces, %d background spans linked back, no orphan; %s recognised as wrong: %d of %d traces lack the work, %d orphan roots",
		goodPath, g.requests, g.linked, badPath, b.workless.n, b.requests, b.orphans.n)
	if len(b.orphans.lines) > 0 {
		c.Evidence = []string{fmt.Sprintf("e.g. the wrong route's orphan %s", strings.TrimSpace(b.orphans.lines[0]))}
	}
	return c
}

// handoffFindings is what inspectHandoff finds in one phase.
type handoffFindings struct {
	requests int
	linked   int
	workless findings
	orphans  findings
	broken   findings
}

// inspectHandoff looks at one phase of hand-off requests: traces without
// any span below the server span, orphan roots, broken parents, and roots
// linked back to a request's trace.
func inspectHandoff(p Phase) handoffFindings {
	f := handoffFindings{
		workless: findings{what: "request traces holding nothing but the server span (the work went elsewhere)"},
		orphans:  findings{what: "orphan root spans (no parent, no link)"},
		broken:   findings{what: "spans whose local parent never arrived (broken parent)"},
	}
	ix := newSpanIndex(p.Spans)
	sent := map[sink.TraceID]bool{}
	for _, r := range p.answered(true) {
		f.requests++
		sent[r.TraceID] = true
		servers := ix.servers(r.TraceID)
		if len(servers) != 1 {
			f.workless.add("%s: %d server spans in its trace", r, len(servers))
			continue
		}
		below := 0
		for _, s := range ix.byTrace[r.TraceID] {
			if s != servers[0] && ix.descendsFrom(s, servers[0]) {
				below++
			}
		}
		if below == 0 {
			f.workless.add("%s: its trace holds only %s", r, describe(servers[0]))
		}
	}
	for _, s := range ix.orphanRoots() {
		f.orphans.add("%s%s", describe(s), attrNote(s))
	}
	for _, s := range ix.brokenParents() {
		if s.Kind != sink.SpanKindServer {
			f.broken.add("%s has %s, which is no span received", describe(s), describeParent(s))
		}
	}
	for _, s := range ix.all {
		if s.ParentSpanID.IsZero() && len(s.Links) > 0 {
			for _, l := range s.Links {
				if sent[l.TraceID] {
					f.linked++
					break
				}
			}
		}
	}
	return f
}

// routeOf returns "GET <path of the first request>" with its last segment
// as {item_id}, to name a hand-off route in a summary.
func routeOf(p Phase) string {
	if len(p.Requests) == 0 {
		return "(no requests)"
	}
	path := p.Requests[0].Path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[:i+1] + "{item_id}"
	}
	return "GET " + path
}

// attrNote returns the span's item.id, if any, as ", item.id=7".
func attrNote(s *sink.Span) string {
	if id := s.Attributes["item.id"]; id != "" {
		return ", item.id=" + id
	}
	return ""
}

// Orphans is the hand-off check for a user's service, which has no
// hand-off routes: it warns about orphan roots and broken parents seen in
// any phase, and is n/a when there are none.
func Orphans(phases ...Phase) Check {
	c := Check{Name: CheckHandoff}
	orphans := findings{what: "orphan root spans (no parent, no link): work started from a context without the request's span?"}
	broken := findings{what: "spans whose local parent never arrived (broken parent)"}
	spans := 0
	for _, p := range phases {
		ix := newSpanIndex(p.Spans)
		spans += len(ix.all)
		for _, s := range ix.orphanRoots() {
			orphans.add("%s%s", describe(s), attrNote(s))
		}
		for _, s := range ix.brokenParents() {
			if s.Kind != sink.SpanKindServer {
				broken.add("%s has %s, which is no span received", describe(s), describeParent(s))
			}
		}
	}
	if orphans.n+broken.n == 0 {
		c.Status = StatusNA
		c.Summary = fmt.Sprintf("hand-off routes exist only on the bundled target; no orphan root or broken parent among %d spans", spans)
		return c
	}
	c.Status = StatusWarn
	c.Summary = fmt.Sprintf("%d orphan roots and %d broken parents among %d spans", orphans.n, broken.n, spans)
	c.Evidence = append(orphans.evidence(), broken.evidence()...)
	return c
}
