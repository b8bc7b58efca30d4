package summary

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// Every quantile of the Summary comes from raw latencies by nearest rank:
// the smallest value whose rank reaches q·n. One rule for the pooled
// percentiles, the repetitions', the spectra and the timelines, so that
// figures of one report agree.

// Shape of a Spectrum.
const (
	// SpectrumPoints is how many quantiles a spectrum has at most, evenly
	// spaced on the log scale of 1/(1−q).
	SpectrumPoints = 41
	// SpectrumMaxQ is the highest quantile of a spectrum.
	SpectrumMaxQ = 0.9999
)

// NearestRank returns the q-quantile of sorted (ascending, not empty) by
// the nearest-rank method.
func NearestRank(sorted []time.Duration, q float64) time.Duration {
	return sorted[nearestIndex(len(sorted), q)]
}

// nearestIndex is the nearest-rank index of quantile q among n sorted
// values, give or take float noise.
func nearestIndex(n int, q float64) int {
	i := int(math.Ceil(q*float64(n)-1e-6)) - 1
	return min(max(i, 0), n-1)
}

// latencyOf summarises sorted latencies (not empty) whose sum is sum.
func latencyOf(sorted []time.Duration, sum time.Duration) results.Latency {
	q := func(x float64) time.Duration { return NearestRank(sorted, x) }
	return results.Latency{Mean: sum / time.Duration(len(sorted)), Min: sorted[0],
		P50: q(0.5), P90: q(0.9), P99: q(0.99), P999: q(0.999), Max: sorted[len(sorted)-1]}
}

// SpectrumLevels returns n quantiles from 0 to maxQ evenly spaced in
// log10(1/(1−q)), the x axis of an HdrHistogram percentile plot: with maxQ
// 0.9999 and n 41, ten points per nine (0.9, 0.99, …).
func SpectrumLevels(n int, maxQ float64) []float64 {
	if n < 2 {
		return []float64{0}
	}
	top := -math.Log10(1 - maxQ)
	qs := make([]float64, n)
	for i := range qs {
		// Rounded, so that 90% is 0.9 and not 0.9000000000000028, which
		// would take the next rank.
		qs[i] = math.Round((1-math.Pow(10, -top*float64(i)/float64(n-1)))*1e12) / 1e12
	}
	qs[n-1] = maxQ // exact, whatever the rounding
	return qs
}

// Spectrum returns the latency of sorted (ascending) at each of levels, by
// nearest rank. Levels beyond what the samples resolve (q > 1 − 1/n, where
// no sample lies above) are left out and the maximum ends the spectrum at
// q = 1 − 1/n, so that a short run does not draw a flat tail it never
// measured.
func Spectrum(sorted []time.Duration, levels []float64) []QuantilePoint {
	n := len(sorted)
	switch n {
	case 0:
		return nil
	case 1:
		return []QuantilePoint{{Q: 0, Latency: sorted[0]}}
	}
	limit := 1 - 1/float64(n)
	var out []QuantilePoint
	for _, q := range levels {
		if q > limit+1e-12 {
			break
		}
		out = append(out, QuantilePoint{Q: q, Latency: sorted[nearestIndex(n, q)]})
	}
	if out[len(out)-1].Q < limit-1e-12 {
		out = append(out, QuantilePoint{Q: limit, Latency: sorted[n-1]})
	}
	return out
}
