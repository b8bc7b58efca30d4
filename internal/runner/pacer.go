package runner

import (
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
)

// burstPacer is a vegeta.Pacer that sends at Base requests per second,
// except during the profile's burst, when it sends at Base × Factor: a load
// spike inside an otherwise constant attack. Like vegeta's ConstantPacer,
// it spaces the hits evenly at the rate of each phase; the schedule is
// profile.Burst's, which the summary uses to know when each request was due.
type burstPacer struct {
	Base  float64
	Burst *profile.Burst
}

var _ vegeta.Pacer = burstPacer{}

// Pace returns how long to wait before the next hit, given the time since
// the attack began and the hits sent so far. It never stops the attack:
// the attack's duration does.
func (p burstPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if p.Base <= 0 {
		return 0, true
	}
	if float64(hits) < p.Burst.Hits(p.Base, elapsed) {
		return 0, false // behind schedule: send now
	}
	return max(p.Burst.Due(p.Base, float64(hits))-elapsed, 0), false
}

// Rate returns the pacer's rate at elapsed, in hits per second.
func (p burstPacer) Rate(elapsed time.Duration) float64 {
	return p.Burst.RateAt(p.Base, elapsed)
}
