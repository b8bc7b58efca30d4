package runner

import (
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// burstPacer is a vegeta.Pacer that sends at Base requests per second,
// except from At for Length, when it sends at Base × Factor: a load spike
// inside an otherwise constant attack. Like vegeta's ConstantPacer, it
// spaces the hits evenly at the rate of each phase.
type burstPacer struct {
	Base   float64
	At     time.Duration
	Length time.Duration
	Factor float64
}

var _ vegeta.Pacer = burstPacer{}

// hitsBy returns how many hits the pacer has due by elapsed.
func (p burstPacer) hitsBy(elapsed time.Duration) float64 {
	t := elapsed.Seconds()
	at, end := p.At.Seconds(), (p.At + p.Length).Seconds()
	switch {
	case t <= at:
		return p.Base * t
	case t <= end:
		return p.Base*at + p.Base*p.Factor*(t-at)
	default:
		return p.Base*at + p.Base*p.Factor*(end-at) + p.Base*(t-end)
	}
}

// timeOfHit returns when hit number n (counting from 0) is due.
func (p burstPacer) timeOfHit(n float64) time.Duration {
	at, end := p.At.Seconds(), (p.At + p.Length).Seconds()
	before := p.Base * at
	during := p.Base * p.Factor * (end - at)
	var t float64
	switch {
	case n <= before:
		t = n / p.Base
	case n <= before+during:
		t = at + (n-before)/(p.Base*p.Factor)
	default:
		t = end + (n-before-during)/p.Base
	}
	return time.Duration(math.Ceil(t * 1e9))
}

// Pace returns how long to wait before the next hit, given the time since
// the attack began and the hits sent so far. It never stops the attack:
// the attack's duration does.
func (p burstPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if p.Base <= 0 {
		return 0, true
	}
	if float64(hits) < p.hitsBy(elapsed) {
		return 0, false // behind schedule: send now
	}
	return max(p.timeOfHit(float64(hits))-elapsed, 0), false
}

// Rate returns the pacer's rate at elapsed, in hits per second.
func (p burstPacer) Rate(elapsed time.Duration) float64 {
	if elapsed >= p.At && elapsed < p.At+p.Length {
		return p.Base * p.Factor
	}
	return p.Base
}
