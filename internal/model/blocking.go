package model

import "github.com/otelbench/otelbench/internal/settings"

// BlockingPrediction is what Blocking does to requests when spans arrive
// faster than the Ceiling. OnEnd then waits, without limit, for the worker to
// free a slot, and senders are served first come, first served.
type BlockingPrediction struct {
	// Blocks reports whether OnEnd waits in the steady state: Blocking is set
	// and the span rate exceeds the Ceiling.
	Blocks bool
	// ThrottledRequestsPerSec is the most requests per second the service
	// completes while OnEnd blocks: μ / (SpansPerRequest × SampledShare). A
	// closed-loop client slows to it.
	ThrottledRequestsPerSec float64
	// DelayGrowth is, for an open-loop client that keeps sending at the
	// requested rate, how much longer each span's OnEnd waits per second of
	// overload: (λ − μ)/μ seconds per second. The blocked requests pile up
	// (with their memory) for as long as the overload lasts.
	DelayGrowth float64
}

// blockingOf returns the BlockingPrediction of flow f.
func blockingOf(s settings.Batch, l Load, f flow) BlockingPrediction {
	if !s.Blocking || f.regime != RegimeSaturated {
		return BlockingPrediction{}
	}
	b := BlockingPrediction{Blocks: true, DelayGrowth: (f.rate - f.ceiling) / f.ceiling}
	if per := spansPerRequest(l); per > 0 {
		b.ThrottledRequestsPerSec = f.ceiling / per
	}
	return b
}
