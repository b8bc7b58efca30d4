package verify

import (
	"fmt"
	"slices"

	"github.com/otelbench/otelbench/internal/sink"
)

// Parenting checks claim 1 on a phase of requests that each carried a
// sampled traceparent: each request yields exactly one server span, in the
// trace sent, whose parent is the span id sent and is marked remote; every
// other span of that trace descends from the server span; and no span's
// parent is missing. With strictOrphans (the bundled target, whose every
// span belongs to a request) an orphan root, a span with no parent and no
// link, fails the check too; for a user's service orphans are left to
// Orphans, as a warning.
func Parenting(p Phase, strictOrphans bool) Check {
	c := Check{Name: CheckParenting}
	reqs := p.answered(true)
	if len(reqs) == 0 {
		c.Status = StatusFail
		c.Summary = "no request with a traceparent was answered"
		c.Evidence = p.unanswered()
		return c
	}
	ix := newSpanIndex(p.Spans)
	pf := newParentingFindings()
	byPath := ix.serversByPath()
	for _, r := range reqs {
		pf.request(r, ix, byPath)
	}

	broken := findings{what: "spans whose local parent never arrived (broken parent)"}
	for _, s := range ix.brokenParents() {
		if s.Kind == sink.SpanKindServer {
			continue // judged against the traceparent above
		}
		broken.add("%s has %s, which is no span received", describe(s), describeParent(s))
	}
	orphans := findings{what: "orphan root spans (no parent, no link)"}
	if strictOrphans {
		for _, s := range ix.orphanRoots() {
			orphans.add("%s", describe(s))
		}
	}

	for _, f := range []*findings{&pf.ignored, &pf.missing, &pf.several, &pf.wrongParent, &pf.notUnder, &broken, &orphans} {
		c.Evidence = append(c.Evidence, f.evidence()...)
	}
	if pf.ignored.n > 0 {
		c.Evidence = append(c.Evidence, fix(fixPropagator, languageOf(p.Spans)))
	}
	c.Evidence = append(c.Evidence, p.unanswered()...)
	if pf.ignored.n+pf.missing.n+pf.several.n+pf.wrongParent.n+pf.notUnder.n+broken.n+orphans.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d requests with a traceparent: %d started a new trace, %d left no server span, %d several, %d the wrong parent; %d spans not under their server span, %d broken parents, %d orphan roots",
			len(reqs), pf.ignored.n, pf.missing.n, pf.several.n, pf.wrongParent.n, pf.notUnder.n, broken.n, orphans.n)
		return c
	}
	c.Status = StatusPass
	orphanNote := "no orphan roots"
	if !strictOrphans {
		orphanNote = "no broken parents"
	}
	c.Summary = fmt.Sprintf("%d requests: one server span each, child of the remote parent sent; %d other spans all below it (%d direct children); %s",
		len(reqs), pf.children, pf.direct, orphanNote)
	return c
}

// parentingFindings is what Parenting finds about each request.
type parentingFindings struct {
	ignored, missing, several, wrongParent, notUnder findings
	// children counts the other spans of the requests' traces, direct
	// those whose parent is the server span.
	children, direct int
}

func newParentingFindings() *parentingFindings {
	return &parentingFindings{
		ignored:     findings{what: "requests whose server span started a new trace: the inbound traceparent was not extracted (no propagator?)"},
		missing:     findings{what: "requests without a server span in the trace they sent"},
		several:     findings{what: "requests with more than one server span"},
		wrongParent: findings{what: "server spans whose parent is not the span id of the traceparent sent"},
		notUnder:    findings{what: "spans of a request's trace that do not descend from its server span"},
	}
}

// request judges one answered request r: one server span in the trace
// sent, child of the remote parent sent, every other span of the trace
// below it. byPath finds the server span of a request whose traceparent
// was ignored.
func (pf *parentingFindings) request(r Request, ix *spanIndex, byPath map[string][]*sink.Span) {
	servers := ix.servers(r.TraceID)
	switch len(servers) {
	case 0:
		if others := byPath[r.Path]; len(others) > 0 {
			pf.ignored.add("%s sent traceparent %s; its server span is %s with %s",
				r, r.Traceparent(), describe(others[0]), describeParent(others[0]))
		} else {
			pf.missing.add("%s", missingServer(r, ix))
		}
		return
	case 1:
	default:
		descs := make([]string, len(servers))
		for i, s := range servers {
			descs[i] = describe(s) + " with " + describeParent(s)
		}
		pf.several.add("%s: %s", r, joinMax(descs, 3))
		return
	}
	srv := servers[0]
	if srv.ParentSpanID != r.ParentID || (srv.ParentKnown && !srv.ParentRemote) {
		pf.wrongParent.add("%s has %s; want parent %s (remote), the span id of the traceparent sent %s",
			describe(srv), describeParent(srv), r.ParentID, r.Traceparent())
	}
	for _, s := range ix.byTrace[r.TraceID] {
		if s == srv {
			continue
		}
		pf.children++
		if s.ParentSpanID == srv.SpanID {
			pf.direct++
		}
		if !ix.descendsFrom(s, srv) {
			pf.notUnder.add("%s has %s, which is not %s nor below it", describe(s), describeParent(s), describe(srv))
		}
	}
}

// missingServer explains why request r has no server span at all: nothing
// arrived, or only other spans of its trace did.
func missingServer(r Request, ix *spanIndex) string {
	if in := ix.byTrace[r.TraceID]; len(in) > 0 {
		descs := make([]string, 0, len(in))
		for _, s := range in {
			descs = append(descs, describe(s))
		}
		slices.Sort(descs)
		return fmt.Sprintf("%s: the trace holds no server span, only %s", r, joinMax(descs, 3))
	}
	return fmt.Sprintf("%s was answered %d but no span of trace %s arrived", r, r.Status, r.TraceID)
}
