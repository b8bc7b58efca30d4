package stats

import (
	"math"
	"sort"
)

// RelativeChange returns (x − base) / base, or NaN when base is not positive.
func RelativeChange(x, base float64) float64 {
	if base <= 0 || math.IsNaN(base) || math.IsNaN(x) {
		return math.NaN()
	}
	return (x - base) / base
}

// MinMax returns the smallest and largest of xs (NaN, NaN for none).
func MinMax(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	lo, hi := xs[0], xs[0]
	for _, x := range xs[1:] {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// Median returns the median of xs (NaN for none), leaving xs unchanged.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
