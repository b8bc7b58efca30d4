package stats

import (
	"math"
	"math/rand/v2"
	"sort"
)

// DiffOfMediansCI estimates median(x) − median(y), the absolute change of x
// against y, with a percentile bootstrap confidence interval at the given
// level, resampling both samples independently as RatioOfMediansCI does.
// Unlike the ratio it is defined when y's median is zero (a component that
// the baseline does not run at all). The seed makes it reproducible.
func DiffOfMediansCI(x, y []float64, level float64, resamples int, seed uint64) Interval {
	if len(x) == 0 || len(y) == 0 {
		return Interval{math.NaN(), math.NaN(), math.NaN()}
	}
	iv := Interval{Point: Median(x) - Median(y), Low: math.NaN(), High: math.NaN()}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	bx := make([]float64, len(x))
	by := make([]float64, len(y))
	est := make([]float64, 0, resamples)
	for range resamples {
		for i := range bx {
			bx[i] = x[rng.IntN(len(x))]
		}
		for i := range by {
			by[i] = y[rng.IntN(len(y))]
		}
		est = append(est, Median(bx)-Median(by))
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
