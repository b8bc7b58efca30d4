package verify

import "math"

// SamplingConfidence is the confidence of the interval in which the share
// of root traces recorded must contain the configured ratio. It is high so
// that a correct service fails about once in ten thousand runs.
const SamplingConfidence = 0.9999

// zFor returns the two-sided standard normal quantile for confidence c in
// (0, 1): 1.96 for 0.95.
func zFor(c float64) float64 {
	return math.Sqrt2 * math.Erfinv(c)
}

// Wilson returns the Wilson score interval for a binomial proportion: k
// successes in n trials, at two-sided confidence c in (0, 1). It stays
// within [0, 1] and behaves at k = 0 and k = n, unlike the normal
// approximation. With n = 0 it returns [0, 1].
func Wilson(k, n int, c float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	z := zFor(c)
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	center := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return math.Max(0, center-half), math.Min(1, center+half)
}
