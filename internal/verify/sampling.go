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

	// Sampled flag set: each must be recorded in its own trace.
	sIx := newSpanIndex(in.Sampled.Spans)
	sReqs := in.Sampled.answered(true)
	notRecorded := findings{what: "requests with the sampled flag set that were not recorded in their trace"}
	byPath := sIx.serversByPath()
	for _, r := range sReqs {
		if len(sIx.servers(r.TraceID)) > 0 {
			continue
		}
		if other := byPath[r.Path]; len(other) > 0 {
			notRecorded.add("%s: recorded instead as %s with %s (traceparent ignored)", r, describe(other[0]), describeParent(other[0]))
		} else {
			notRecorded.add("%s: no span arrived", r)
		}
	}
	parts = append(parts, fmt.Sprintf("sampled flag set: %d/%d recorded", len(sReqs)-notRecorded.n, len(sReqs)))
	c.Evidence = append(c.Evidence, notRecorded.evidence()...)
	if notRecorded.n > 0 || len(sReqs) == 0 {
		failed = true
	}

	// Sampled flag unset: none may be recorded, in their trace or another.
	uIx := newSpanIndex(in.Unsampled.Spans)
	uReqs := in.Unsampled.answered(true)
	uSent := map[sink.TraceID]Request{}
	uPaths := map[string]Request{}
	for _, r := range uReqs {
		uSent[r.TraceID] = r
		uPaths[r.Path] = r
	}
	recorded := findings{what: "requests with the sampled flag unset that were recorded anyway"}
	for _, s := range uIx.all {
		if s.Kind != sink.SpanKindServer {
			continue
		}
		if r, ok := uSent[s.TraceID]; ok {
			recorded.add("%s: %s", r, describe(s))
		} else if r, ok := uPaths[s.Attributes[attrURLPath]]; ok {
			recorded.add("%s: %s with %s, a new trace (traceparent ignored)", r, describe(s), describeParent(s))
		}
	}
	parts = append(parts, fmt.Sprintf("unset: %d/%d recorded", recorded.n, len(uReqs)))
	c.Evidence = append(c.Evidence, recorded.evidence()...)
	if recorded.n > 0 || len(uReqs) == 0 {
		failed = true
	}

	// No traceparent: the share of recorded root traces.
	rIx := newSpanIndex(in.Root.Spans)
	rReqs := in.Root.answered(false)
	rPaths := map[string]bool{}
	for _, r := range rReqs {
		rPaths[r.Path] = true
	}
	roots := map[sink.TraceID]bool{}
	for _, s := range rIx.all {
		if s.Kind == sink.SpanKindServer && s.ParentSpanID.IsZero() && rPaths[s.Attributes[attrURLPath]] {
			roots[s.TraceID] = true
		}
	}
	k, n := len(roots), len(rReqs)
	share := 0.0
	if n > 0 {
		share = float64(k) / float64(n)
	}
	switch {
	case n == 0:
		parts = append(parts, "no traceparent: no request answered")
		failed = true
	case in.Ratio < 0:
		parts = append(parts, fmt.Sprintf("no traceparent: %d/%d root traces recorded (%.3f; ratio unknown, not judged)", k, n, share))
	default:
		lo, hi := Wilson(k, n, SamplingConfidence)
		ok := in.Ratio >= lo && in.Ratio <= hi
		verdict := "within"
		if !ok {
			verdict = "outside"
			failed = true
			c.Evidence = append(c.Evidence, fmt.Sprintf("of %d requests without a traceparent, %d started a recorded root trace: %.3f, but the configured ratio %g is outside the %g%% interval [%.3f, %.3f]",
				n, k, share, in.Ratio, 100*SamplingConfidence, lo, hi))
		}
		parts = append(parts, fmt.Sprintf("no traceparent: %d/%d root traces recorded = %.3f, ratio %g %s the %g%% interval [%.3f, %.3f]",
			k, n, share, in.Ratio, verdict, 100*SamplingConfidence, lo, hi))
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
