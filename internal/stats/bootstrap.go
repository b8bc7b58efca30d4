package stats

import (
	"math"
)

// Interval is a point estimate with a confidence interval.
type Interval struct {
	Point, Low, High float64
}

// RatioOfMediansCI estimates median(x)/median(y) − 1, the relative change of
// x against y, with a percentile bootstrap confidence interval at the given
// level (0.95 for 95%): both samples are resampled with replacement, each
// independently, resamples times. The seed makes the interval reproducible.
// Samples are typically one value per repetition (a repetition's p99, its CPU
// per request), so the interval reflects the spread between repetitions.
func RatioOfMediansCI(x, y []float64, level float64, resamples int, seed uint64) Interval {
	return MediansCI([][]float64{x, y}, func(m []float64) float64 { return RelativeChange(m[0], m[1]) }, level, resamples, seed)
}

// quantileSorted returns the q-quantile of sorted xs by linear interpolation
// between closest ranks.
func quantileSorted(xs []float64, q float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[i] + (xs[i+1]-xs[i])*(pos-float64(i))
}

// CV returns the coefficient of variation (sample standard deviation over
// the mean) of xs; NaN for fewer than two values or a zero mean.
func CV(xs []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if mean == 0 {
		return math.NaN()
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss/float64(len(xs)-1)) / math.Abs(mean)
}
