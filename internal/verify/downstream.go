package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Downstream checks claim 6 on a phase whose requests each made the service
// call the downstream recorder: every call carries a traceparent with the
// trace id of the request that caused it and, as parent, a span of that
// trace that arrived (the client span), plus the tracestate and the
// baggage the request carried.
func Downstream(p Phase) Check {
	c := Check{Name: CheckDownstream}
	reqs := p.answered(true)
	if len(p.Downstream) == 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d requests answered, but no call reached the downstream service", len(reqs))
		c.Evidence = p.unanswered()
		return c
	}
	ix := newSpanIndex(p.Spans)
	sent := map[sink.TraceID]Request{}
	for _, r := range reqs {
		sent[r.TraceID] = r
	}

	noTP := findings{what: "downstream calls without a traceparent"}
	foreign := findings{what: "downstream calls whose traceparent is not of a request sent"}
	badParent := findings{what: "downstream calls whose parent span never arrived in the request's trace"}
	badState := findings{what: "downstream calls without the request's tracestate"}
	badBaggage := findings{what: "downstream calls without the request's baggage"}
	reached := map[sink.TraceID]bool{}
	parentKinds := map[string]bool{}
	for _, call := range p.Downstream {
		where := call.Path
		if call.Query != "" {
			where += "?" + call.Query
		}
		tid, sid, ok := parseTraceparent(call.Traceparent)
		if !ok {
			noTP.add("GET %s with traceparent %q, tracestate %q, baggage %q", where, call.Traceparent, call.Tracestate, call.Baggage)
			continue
		}
		r, ok := sent[tid]
		if !ok {
			foreign.add("GET %s with traceparent %s: trace %s is not the trace of any request sent", where, call.Traceparent, tid)
			continue
		}
		reached[tid] = true
		if parent := ix.byID[spanKey{tid, sid}]; parent == nil {
			badParent.add("%s: the downstream traceparent %s names parent %s, which is no span received in that trace", r, call.Traceparent, sid)
		} else {
			parentKinds[fmt.Sprintf("%q (%s)", parent.Name, parent.Kind)] = true
		}
		if r.TraceState != "" && !strings.Contains(call.Tracestate, r.TraceState) {
			badState.add("%s sent tracestate %q; downstream got %q", r, r.TraceState, call.Tracestate)
		}
		if r.Baggage != "" && !strings.Contains(call.Baggage, r.Baggage) {
			badBaggage.add("%s sent baggage %q; downstream got %q", r, r.Baggage, call.Baggage)
		}
	}
	unreached := findings{what: "requests whose trace never reached the downstream service"}
	for _, r := range reqs {
		if !reached[r.TraceID] {
			unreached.add("%s", r)
		}
	}

	for _, f := range []*findings{&noTP, &foreign, &badParent, &badState, &badBaggage, &unreached} {
		c.Evidence = append(c.Evidence, f.evidence()...)
	}
	c.Evidence = append(c.Evidence, p.unanswered()...)
	if noTP.n+foreign.n+badParent.n+badState.n+badBaggage.n+unreached.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d requests, %d downstream calls: %d without traceparent, %d of another trace, %d with a parent that never arrived, %d lost the tracestate, %d the baggage",
			len(reqs), len(p.Downstream), noTP.n, foreign.n, badParent.n, badState.n, badBaggage.n)
		return c
	}
	c.Status = StatusPass
	c.Summary = fmt.Sprintf("%d requests, %d downstream calls: traceparent with the request's trace id and a parent that is its span %s; tracestate and baggage passed on",
		len(reqs), len(p.Downstream), strings.Join(sortedKeys(parentKinds), " or "))
	return c
}
