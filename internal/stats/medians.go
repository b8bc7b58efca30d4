package stats

import (
	"math"
	"math/rand/v2"
	"sort"
)

// MediansCI estimates f of the samples' medians, f(median(samples[0]),
// median(samples[1]), …), with a percentile bootstrap confidence interval
// at level (0.95 for 95%): each sample is resampled with replacement on
// its own, resamples times, and f applied to the resampled medians. The
// seed makes the interval reproducible. Samples are one value per
// repetition, so the interval reflects the spread between repetitions of
// every sample f combines. Point is NaN when a sample is empty or f is
// NaN at the medians; Low and High are NaN when no resample gives a
// number.
func MediansCI(samples [][]float64, f func(medians []float64) float64, level float64, resamples int, seed uint64) Interval {
	meds := make([]float64, len(samples))
	for i, s := range samples {
		if len(s) == 0 {
			return Interval{math.NaN(), math.NaN(), math.NaN()}
		}
		meds[i] = Median(s)
	}
	iv := Interval{Point: f(meds), Low: math.NaN(), High: math.NaN()}
	if math.IsNaN(iv.Point) {
		return iv
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	bufs := make([][]float64, len(samples))
	for i, s := range samples {
		bufs[i] = make([]float64, len(s))
	}
	est := make([]float64, 0, resamples)
	for range resamples {
		for i, s := range samples {
			for j := range bufs[i] {
				bufs[i][j] = s[rng.IntN(len(s))]
			}
			meds[i] = Median(bufs[i])
		}
		if r := f(meds); !math.IsNaN(r) && !math.IsInf(r, 0) {
			est = append(est, r)
		}
	}
	if len(est) == 0 {
		return iv
	}
	sort.Float64s(est)
	alpha := (1 - level) / 2
	iv.Low = quantileSorted(est, alpha)
	iv.High = quantileSorted(est, 1-alpha)
	return iv
}

// DifferenceOfMediansCI estimates median(x) − median(y), the absolute
// change of x against y in their own unit, with MediansCI's interval.
func DifferenceOfMediansCI(x, y []float64, level float64, resamples int, seed uint64) Interval {
	return MediansCI([][]float64{x, y}, func(m []float64) float64 { return m[0] - m[1] }, level, resamples, seed)
}

// Contains reports whether x lies within the interval, bounds included;
// false when the interval has no bounds.
func (iv Interval) Contains(x float64) bool {
	return iv.Low <= x && x <= iv.High
}
