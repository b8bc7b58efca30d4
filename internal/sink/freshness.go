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
	if i >= 0 && i < freshnessBuckets {
		return freshnessBounds[i]
	}
	return freshnessBound(i)
}

// freshnessBound computes the upper bound of bucket i.
func freshnessBound(i int) time.Duration {
	return time.Duration(float64(freshnessMin) * math.Pow(10, float64(i)/freshnessPerDecade))
}

// freshnessBounds holds FreshnessBound of every bucket, increasing: the
// sink files every span it receives by them.
var freshnessBounds = func() (b [freshnessBuckets]time.Duration) {
	for i := range b {
		b[i] = freshnessBound(i)
	}
	return b
}()

// add counts one span that arrived d after it ended: in the first bucket
// whose bound is at least d, or the last.
func (f *Freshness) add(d time.Duration) {
	f.N++
	if d > f.Max {
		f.Max = d
	}
	lo, hi := 0, freshnessBuckets-1 // the answer is in [lo, hi]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if d <= freshnessBounds[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	f.Counts[lo]++
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
