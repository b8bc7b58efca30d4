package stats

import "math"

// HistogramQuantile estimates the q-quantile (0 < q ≤ 1) of a cumulative
// histogram, the way Prometheus' histogram_quantile does: it finds the bucket
// that holds the rank q·total and interpolates linearly inside it, taking 0 as
// the lower edge of the first bucket. bounds are the upper bounds in
// ascending order, counts the cumulative counts; total counts every
// observation, including those above the last bound. It returns NaN when
// there are no observations, and +Inf when the rank falls above the last
// bound (the value is only known to exceed it).
func HistogramQuantile(bounds []float64, counts []uint64, total uint64, q float64) float64 {
	if total == 0 || len(bounds) == 0 || len(bounds) != len(counts) || q <= 0 || q > 1 {
		return math.NaN()
	}
	rank := q * float64(total)
	for i, c := range counts {
		if float64(c) < rank {
			continue
		}
		lower, below := 0.0, uint64(0)
		if i > 0 {
			lower, below = bounds[i-1], counts[i-1]
		}
		in := float64(c - below)
		if in == 0 {
			return bounds[i]
		}
		return lower + (bounds[i]-lower)*(rank-float64(below))/in
	}
	return math.Inf(1)
}

// HistogramBucketWidth returns the relative width of the bucket that holds the
// q-quantile (upper/lower − 1): the resolution of HistogramQuantile there.
func HistogramBucketWidth(bounds []float64, counts []uint64, total uint64, q float64) float64 {
	if total == 0 || len(bounds) < 2 {
		return math.NaN()
	}
	rank := q * float64(total)
	for i, c := range counts {
		if float64(c) >= rank {
			if i == 0 {
				return math.Inf(1)
			}
			return bounds[i]/bounds[i-1] - 1
		}
	}
	return math.Inf(1)
}

// MergeHistograms adds cumulative histograms with identical bounds. It
// returns false when the bounds differ.
func MergeHistograms(bounds []float64, counts []uint64, addBounds []float64, addCounts []uint64) ([]float64, []uint64, bool) {
	if len(bounds) == 0 {
		return append([]float64{}, addBounds...), append([]uint64{}, addCounts...), true
	}
	if len(addBounds) == 0 {
		return bounds, counts, true
	}
	if len(bounds) != len(addBounds) {
		return bounds, counts, false
	}
	out := make([]uint64, len(counts))
	for i := range bounds {
		if bounds[i] != addBounds[i] {
			return bounds, counts, false
		}
		out[i] = counts[i] + addCounts[i]
	}
	return bounds, out, true
}
