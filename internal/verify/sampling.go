package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// SamplingPhases are the three phases of the sampling check.
type SamplingPhases struct {
	// Sampled holds requests whose traceparent had the sampled flag set.
	Sampled Phase
	// Unsampled holds requests whose traceparent had it unset.
	Unsampled Phase
	// Root holds requests without a traceparent.
	Root Phase
	// Ratio is the configured share of root traces to record, in [0, 1];
	// negative when unknown.
	Ratio float64
}

// Sampling checks claim 5: every request sent with the sampled flag is
// recorded (its server span arrives in its trace), no request sent with
// the flag unset is (ParentBased), and of the requests without a
// traceparent, the share whose root trace was recorded matches the
// configured ratio within a Wilson interval at SamplingConfidence.
func Sampling(in SamplingPhases) Check {
	c := Check{Name: CheckSampling}
	var parts []string
	failed := false
	for _, j := range []judgement{sampledRecorded(in.Sampled), unsampledRecorded(in.Unsampled), rootShare(in.Root, in.Ratio)} {
		parts = append(parts, j.part)
		c.Evidence = append(c.Evidence, j.evidence...)
		failed = failed || !j.ok
	}
	for _, p := range []Phase{in.Sampled, in.Unsampled, in.Root} {
		c.Evidence = append(c.Evidence, p.unanswered()...)
	}

	c.Summary = strings.Join(parts, "; ")
	c.Status = StatusPass
	if failed {
		c.Status = StatusFail
	}
	return c
}

// judgement is the verdict on one phase of the sampling check: a part of
// the summary, evidence, and whether the phase passed.
type judgement struct {
	part     string
	evidence []string
	ok       bool
}

// sampledRecorded judges the requests sent with the sampled flag set:
// each must be recorded in its own trace.
func sampledRecorded(p Phase) judgement {
	ix := newSpanIndex(p.Spans)
	reqs := p.answered(true)
	notRecorded := findings{what: "requests with the sampled flag set that were not recorded in their trace"}
	byPath := ix.serversByPath()
	for _, r := range reqs {
		if len(ix.servers(r.TraceID)) > 0 {
			continue
		}
		if other := byPath[r.Path]; len(other) > 0 {
			notRecorded.add("%s: recorded instead as %s with %s (traceparent ignored)", r, describe(other[0]), describeParent(other[0]))
		} else {
			notRecorded.add("%s: no span arrived", r)
		}
	}
	return judgement{
		part:     fmt.Sprintf("sampled flag set: %d/%d recorded", len(reqs)-notRecorded.n, len(reqs)),
		evidence: notRecorded.evidence(),
		ok:       notRecorded.n == 0 && len(reqs) > 0,
	}
}

// unsampledRecorded judges the requests sent with the sampled flag unset:
// none may be recorded, in their trace or another.
func unsampledRecorded(p Phase) judgement {
	ix := newSpanIndex(p.Spans)
	reqs := p.answered(true)
	sent := map[sink.TraceID]Request{}
	paths := map[string]Request{}
	for _, r := range reqs {
		sent[r.TraceID] = r
		paths[r.Path] = r
	}
	recorded := findings{what: "requests with the sampled flag unset that were recorded anyway"}
	for _, s := range ix.all {
		if s.Kind != sink.SpanKindServer {
			continue
		}
		if r, ok := sent[s.TraceID]; ok {
			recorded.add("%s: %s", r, describe(s))
		} else if r, ok := paths[spanPath(s)]; ok {
			recorded.add("%s: %s with %s, a new trace (traceparent ignored)", r, describe(s), describeParent(s))
		}
	}
	return judgement{
		part:     fmt.Sprintf("unset: %d/%d recorded", recorded.n, len(reqs)),
		evidence: recorded.evidence(),
		ok:       recorded.n == 0 && len(reqs) > 0,
	}
}

// rootShare judges the requests sent without a traceparent: the share of
// recorded root traces must match ratio, unless ratio is unknown (< 0).
func rootShare(p Phase, ratio float64) judgement {
	ix := newSpanIndex(p.Spans)
	reqs := p.answered(false)
	paths := map[string]bool{}
	for _, r := range reqs {
		paths[r.Path] = true
	}
	roots := map[sink.TraceID]bool{}
	for _, s := range ix.all {
		if s.Kind == sink.SpanKindServer && s.ParentSpanID.IsZero() && paths[spanPath(s)] {
			roots[s.TraceID] = true
		}
	}
	k, n := len(roots), len(reqs)
	share := 0.0
	if n > 0 {
		share = float64(k) / float64(n)
	}
	switch {
	case n == 0:
		return judgement{part: "no traceparent: no request answered"}
	case ratio < 0:
		return judgement{part: fmt.Sprintf("no traceparent: %d/%d root traces recorded (%.3f; ratio unknown, not judged)", k, n, share), ok: true}
	}
	lo, hi := Wilson(k, n, SamplingConfidence)
	j := judgement{ok: ratio >= lo && ratio <= hi}
	verdict := "within"
	if !j.ok {
		verdict = "outside"
		j.evidence = append(j.evidence, fmt.Sprintf("of %d requests without a traceparent, %d started a recorded root trace: %.3f, but the configured ratio %g is outside the %g%% interval [%.3f, %.3f]",
			n, k, share, ratio, 100*SamplingConfidence, lo, hi))
	}
	j.part = fmt.Sprintf("no traceparent: %d/%d root traces recorded = %.3f, ratio %g %s the %g%% interval [%.3f, %.3f]",
		k, n, share, ratio, verdict, 100*SamplingConfidence, lo, hi)
	return j
}
