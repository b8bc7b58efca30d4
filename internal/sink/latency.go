package sink

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// z99 is the 0.99 quantile of the standard normal distribution.
const z99 = 2.3263478740408408

// maxLatency bounds a latency drawn from a very wide distribution, so
// that it always fits a time.Duration.
const maxLatency = 24 * time.Hour

// lognormalParams returns mu and sigma, in log-nanoseconds, of the
// lognormal distribution with the median and 99th percentile of l; zero
// when l has no P50.
func lognormalParams(l LatencyDist) (mu, sigma float64) {
	if l.P50 <= 0 || l.P99 <= 0 {
		return 0, 0
	}
	mu = math.Log(float64(l.P50))
	return mu, (math.Log(float64(l.P99)) - mu) / z99
}

// lognormal returns the latency at standard normal deviate z of the
// lognormal distribution with parameters mu and sigma.
func lognormal(mu, sigma, z float64) time.Duration {
	ns := math.Exp(mu + sigma*z)
	if !(ns < float64(maxLatency)) { // also catches +Inf
		return maxLatency
	}
	return time.Duration(ns)
}

// draw is the pseudo-random input of one Export call: every call takes
// all three, whichever faults use them, so that a seed gives the same
// choices whatever the configuration.
type draw struct {
	err   float64 // uniform in [0, 1): injected error when below ErrorRate
	z     float64 // standard normal: the lognormal latency
	spike float64 // uniform in [0, 1): spike when below SpikeProb
}

// randSource is a seeded PCG generator shared by concurrent calls.
type randSource struct {
	mu sync.Mutex
	r  *rand.Rand
}

// newRandSource returns a generator seeded with seed.
func newRandSource(seed uint64) *randSource {
	// PCG takes two words; the second only has to be fixed.
	return &randSource{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

// draw returns the next call's draw.
func (s *randSource) draw() draw {
	s.mu.Lock()
	defer s.mu.Unlock()
	return draw{err: s.r.Float64(), z: s.r.NormFloat64(), spike: s.r.Float64()}
}
