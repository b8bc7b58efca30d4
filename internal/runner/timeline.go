package runner

import (
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

// timelineBucket is the width of a cell's timeline buckets: the sink's
// arrival buckets, so that both line up.
const timelineBucket = sink.ArrivalBucket

// timeline collects the latencies of a measured attack by send time.
type timeline struct {
	start time.Time
	lat   [][]time.Duration
	errs  []int
}

// newTimeline starts a timeline at start, the beginning of the attack.
func newTimeline(start time.Time) *timeline {
	return &timeline{start: start}
}

// add files one result under the bucket of its send time.
func (t *timeline) add(r *vegeta.Result) {
	i := max(sink.ArrivalIndex(t.start, r.Timestamp), 0)
	for len(t.lat) <= i {
		t.lat = append(t.lat, nil)
		t.errs = append(t.errs, 0)
	}
	t.lat[i] = append(t.lat[i], r.Latency)
	if r.Code < 200 || r.Code >= 400 || r.Error != "" {
		t.errs[i]++
	}
}

// result returns the timeline with the sink's arrivals of snap, which the
// sink files from the same origin (the start of the attack, given to its
// StartTimeline) and by the same rounding (sink.ArrivalIndex). Arrivals
// from any other origin would not line up: they are left out.
func (t *timeline) result(snap *sink.Snapshot) *results.Timeline {
	tl := &results.Timeline{Start: t.start.UTC(), Bucket: timelineBucket, Requests: make([]results.Bucket, len(t.lat))}
	for i, l := range t.lat {
		b := results.Bucket{Requests: len(l), Errors: t.errs[i]}
		if len(l) > 0 {
			slices.Sort(l)
			b.P50 = nearestRank(l, 0.50)
			b.P99 = nearestRank(l, 0.99)
			b.Max = l[len(l)-1]
		}
		tl.Requests[i] = b
	}
	if snap != nil && snap.ArrivalsFrom.Equal(t.start) {
		tl.Arrivals = slices.Clone(snap.Arrivals)
	}
	return tl
}

// nearestRank returns the q-quantile of sorted by the nearest-rank method.
func nearestRank(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
