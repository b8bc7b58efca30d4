package verify

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sizes of the phases after the traffic phase (Options.Requests).
const (
	// excludedEach is how many requests go to each excluded path.
	excludedEach = 3
	// samplingSampled and samplingUnsampled are the requests sent with
	// the sampled flag set and unset.
	samplingSampled   = 100
	samplingUnsampled = 100
	// samplingRoot is the requests sent without a traceparent. With the
	// default ratio 0.25, the 99.99% interval is about ±0.09 wide.
	samplingRoot = 400
	// handoffEach is how many requests go to each hand-off route.
	handoffEach = 40
)

// First item ids of each phase, so that every path of a run is distinct.
const (
	idsSampled   = 100001
	idsUnsampled = 200001
	idsRoot      = 300001
	idsRestart   = 400001
)

// runChecks starts the service once, runs the phases of every check asked
// for but restart, and stores the checks in out.
func (v *verifier) runChecks(ctx context.Context, out map[string]Check) error {
	svc, tmpl, err := v.startService(ctx, false, v.opts.Mistake, "")
	if err != nil {
		return err
	}
	defer svc.kill()
	defer func() {
		if !svc.stop(stopLimit) {
			v.logf("the service did not exit within %v of SIGTERM; killed", stopLimit)
		}
	}()
	origin := originOf(tmpl)
	if v.opts.user() {
		// Let the spans of the readiness probe (if it was recorded at all)
		// arrive and be dropped before the first phase.
		sleep(ctx, v.quiet)
	}
	v.sink.TakeSpans()
	var seen []Phase

	if v.wants(CheckParenting, CheckNaming, CheckAttributes, CheckDownstream) {
		seen = append(seen, v.trafficChecks(ctx, tmpl, out))
	}

	if v.wants(CheckExcluded) {
		var reqs []Request
		for _, path := range v.opts.Excluded {
			for range excludedEach {
				reqs = append(reqs, sampledRequest(origin+path))
			}
		}
		excluded := v.phase(ctx, "excluded", reqs, false)
		seen = append(seen, excluded)
		out[CheckExcluded] = Excluded(excluded, v.opts.Excluded)
	}

	if v.wants(CheckSampling) {
		in := v.samplingPhases(ctx, tmpl)
		seen = append(seen, in.Sampled, in.Unsampled, in.Root)
		out[CheckSampling] = Sampling(in)
	}

	if v.wants(CheckHandoff) {
		if v.opts.user() {
			out[CheckHandoff] = Orphans(seen...)
		} else {
			good := v.phase(ctx, "hand-off, good", v.numbered(origin+"/handoff/good/"+idPlaceholder, 1, handoffEach, sampledRequest), true)
			bad := v.phase(ctx, "hand-off, bad", v.numbered(origin+"/handoff/bad/"+idPlaceholder, 1, handoffEach, sampledRequest), true)
			out[CheckHandoff] = Handoff(good, bad)
		}
	}
	return nil
}

// trafficChecks sends the traffic phase, makes the checks asked for that
// judge it and stores them in out. It returns the phase.
func (v *verifier) trafficChecks(ctx context.Context, tmpl string, out map[string]Check) Phase {
	traffic := v.phase(ctx, "traffic", v.trafficRequests(tmpl), true)
	v.spansPerRequest = medianSpans(traffic)
	v.language = languageOf(traffic.Spans)
	if v.wants(CheckParenting) {
		out[CheckParenting] = Parenting(traffic, !v.opts.user())
	}
	if v.wants(CheckNaming) {
		out[CheckNaming] = Naming(traffic, strings.Contains(tmpl, idPlaceholder))
	}
	if v.wants(CheckAttributes) {
		out[CheckAttributes] = Attributes(traffic)
	}
	if v.wants(CheckDownstream) {
		if v.rec == nil {
			out[CheckDownstream] = Check{Name: CheckDownstream, Status: StatusNA,
				Summary: "give -downstream-env NAME: the variable through which the service takes its downstream URL"}
		} else {
			out[CheckDownstream] = Downstream(traffic)
		}
	}
	return traffic
}

// samplingPhases sends the three phases of the sampling check.
func (v *verifier) samplingPhases(ctx context.Context, tmpl string) SamplingPhases {
	in := SamplingPhases{Ratio: v.opts.ratio()}
	in.Sampled = v.phase(ctx, "sampled flag set", v.numbered(tmpl, idsSampled, samplingSampled, func(u string) Request {
		return sampledRequest(u)
	}), true)
	in.Unsampled = v.phase(ctx, "sampled flag unset", v.numbered(tmpl, idsUnsampled, samplingUnsampled, func(u string) Request {
		r := sampledRequest(u)
		r.Sampled = false
		return r
	}), false)
	in.Root = v.phase(ctx, "no traceparent", v.numbered(tmpl, idsRoot, samplingRoot, func(u string) Request {
		return Request{URL: u, Path: pathOf(u)}
	}), false)
	return in
}

// phase sends reqs and returns them with the spans and downstream calls
// that arrived. When expectSpans, it waits (bounded) for at least one span
// per answered request.
func (v *verifier) phase(ctx context.Context, name string, reqs []Request, expectSpans bool) Phase {
	// Anything left from before belongs to no phase.
	v.sink.TakeSpans()
	if v.rec != nil {
		v.rec.take()
	}
	start := time.Now()
	v.send.send(ctx, reqs)
	p := Phase{Requests: reqs}
	minSpans := 0
	if expectSpans {
		minSpans = len(p.answered(false))
	}
	settle(ctx, v.sink, minSpans, v.quiet, v.limit)
	p.Spans = v.sink.TakeSpans().Spans
	if v.rec != nil {
		p.Downstream = v.rec.take()
	}
	v.logf("%s: %d requests, %d answered, %d spans, %d downstream calls in %v",
		name, len(reqs), len(p.answered(false)), len(p.Spans), len(p.Downstream), time.Since(start).Round(time.Millisecond))
	return p
}

// trafficRequests returns the traffic phase: Options.Requests requests to
// distinct paths, each with a sampled traceparent, a tracestate and a
// baggage of its own.
func (v *verifier) trafficRequests(tmpl string) []Request {
	return v.numbered(tmpl, 1, v.opts.Requests, func(u string) Request {
		r := sampledRequest(u)
		id := strings.TrimPrefix(r.Path[strings.LastIndexByte(r.Path, '/')+1:], "/")
		r.TraceState = "otelbench=r" + id
		r.Baggage = "otelbench.request=" + id
		return r
	})
}

// numbered returns n requests made by mk from the URL template with {id}
// replaced by first, first+1, …
func (v *verifier) numbered(tmpl string, first, n int, mk func(url string) Request) []Request {
	reqs := make([]Request, n)
	for i := range reqs {
		reqs[i] = mk(expand(tmpl, strconv.Itoa(first+i)))
	}
	return reqs
}

// sampledRequest returns a request for u with a fresh sampled traceparent.
func sampledRequest(u string) Request {
	tid, sid := newIDs()
	return Request{URL: u, Path: pathOf(u), TraceID: tid, ParentID: sid, Sampled: true}
}

// originOf returns the scheme and host of a URL template.
func originOf(tmpl string) string {
	u, err := url.Parse(expand(tmpl, "0"))
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// medianSpans returns the median number of spans in the traces of the
// answered requests of p, or 0 when none arrived.
func medianSpans(p Phase) int {
	ix := newSpanIndex(p.Spans)
	var counts []int
	for _, r := range p.answered(true) {
		if n := len(ix.byTrace[r.TraceID]); n > 0 {
			counts = append(counts, n)
		}
	}
	if len(counts) == 0 {
		return 0
	}
	slices.Sort(counts)
	return counts[len(counts)/2]
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
