package runner

import (
	"google.golang.org/grpc/codes"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/sink"
)

// sinkFaults turns a profile's sink block into the embedded sink's faults.
// The profile has been validated, so the result is valid too.
func sinkFaults(s profile.Sink) sink.Faults {
	f := sink.Faults{
		Latency:        sink.LatencyDist{Fixed: s.Delay.D()},
		CapSpansPerSec: s.CapSpansPerSec,
		CapBurst:       s.CapBurst,
		Seed:           s.Seed,
	}
	if l := s.Latency; l != nil {
		f.Latency = sink.LatencyDist{P50: l.P50.D(), P99: l.P99.D()}
	}
	if sp := s.Spikes; sp != nil {
		f.SpikeProb, f.SpikeLen = sp.Probability, sp.Length.D()
	}
	if e := s.Errors; e != nil {
		f.ErrorRate, f.RetryAfter = e.Rate, e.RetryAfter.D()
		f.ErrorCode = map[string]codes.Code{
			"UNAVAILABLE":        codes.Unavailable,
			"RESOURCE_EXHAUSTED": codes.ResourceExhausted,
			"INTERNAL":           codes.Internal,
		}[e.Code]
	}
	for _, w := range s.Outages {
		f.Outages = append(f.Outages, sink.Window{From: w.From.D(), To: w.To.D()})
	}
	for _, w := range s.BlackHoles {
		f.BlackHoles = append(f.BlackHoles, sink.Window{From: w.From.D(), To: w.To.D()})
	}
	return f
}
