package profile

import (
	"slices"
	"time"
)

// FaultWindows returns the sink's outage and black-hole windows: the times
// in each measured attack when exports go unanswered.
func (s Sink) FaultWindows() []Window {
	return append(slices.Clone(s.Outages), s.BlackHoles...)
}

// LongestFaultWindow returns the longest outage or black hole of the
// profile's sink (a window without an end lasts until the end of the
// attack); zero without one.
func (p *Profile) LongestFaultWindow() time.Duration {
	var longest time.Duration
	for _, w := range p.Sink.FaultWindows() {
		to := w.To.D()
		if to == 0 {
			to = p.Duration.D()
		}
		longest = max(longest, to-w.From.D())
	}
	return longest
}
