package sink

import (
	"math"
	"time"
)

// ArrivalBucket is the width of the buckets of Snapshot.Arrivals.
const ArrivalBucket = 100 * time.Millisecond

// maxArrivalBuckets bounds Snapshot.Arrivals (one hour of 100 ms buckets);
// later arrivals count in the last bucket.
const maxArrivalBuckets = 36_000

// Freshness is a histogram of how long after its end each distinct span
// arrived at the sink: the span's end time (the target's clock) to the
// moment the sink received it (the sink's clock, the same machine's). It
// has fixed logarithmic buckets, 8 per power of ten from 10 µs to 1000 s,
// so a quantile read from it is known to within about ±15%.
type Freshness struct {
	// Counts[i] counts spans whose delay was at most FreshnessBound(i) and
	// above FreshnessBound(i−1); the last bucket also holds everything
	// later. Negative delays (clock steps) count in the first bucket.
	Counts [freshnessBuckets]int64
	// N is the number of spans counted.
	N int64
	// Max is the largest delay seen.
	Max time.Duration
}

const (
	freshnessPerDecade = 8
	freshnessMin       = 10 * time.Microsecond
	freshnessBuckets   = 8*freshnessPerDecade + 1 // 10 µs .. 1000 s
)

// FreshnessBound returns the upper bound of bucket i.
func FreshnessBound(i int) time.Duration {
	return time.Duration(float64(freshnessMin) * math.Pow(10, float64(i)/freshnessPerDecade))
}

// add counts one span that arrived d after it ended.
func (f *Freshness) add(d time.Duration) {
	f.N++
	if d > f.Max {
		f.Max = d
	}
	i := 0
	if d > freshnessMin {
		i = int(math.Ceil(math.Log10(float64(d)/float64(freshnessMin)) * freshnessPerDecade))
		// Guard the boundaries against floating-point error.
		for i > 0 && d <= FreshnessBound(i-1) {
			i--
		}
		for i < freshnessBuckets-1 && d > FreshnessBound(i) {
			i++
		}
	}
	f.Counts[min(i, freshnessBuckets-1)]++
}

// Quantile returns the upper bound of the bucket that holds quantile q in
// [0, 1], capped at Max; zero when nothing was counted.
func (f Freshness) Quantile(q float64) time.Duration {
	if f.N == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(f.N)))
	rank = max(rank, 1)
	var seen int64
	for i, c := range f.Counts {
		seen += c
		if seen >= rank {
			return min(FreshnessBound(i), f.Max)
		}
	}
	return f.Max
}
