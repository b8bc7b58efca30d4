package predict

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// exportHistogram is a merged histogram of ExportSpans durations
// (cumulative counts, as Prometheus keeps them).
type exportHistogram results.Histogram

// merge returns the histogram of both h and o; buckets that differ are
// dropped (the count and sum stay).
func (h exportHistogram) merge(o exportHistogram) exportHistogram {
	out := exportHistogram{Count: h.Count + o.Count, Sum: h.Sum + o.Sum}
	b, c, ok := stats.MergeHistograms(h.Bounds, h.Counts, o.Bounds, o.Counts)
	if ok && (len(h.Bounds) > 0 || h.Count == 0) && (len(o.Bounds) > 0 || o.Count == 0) {
		out.Bounds, out.Counts = b, c
	}
	return out
}

// points returns the histogram as a distribution for model.PredictRun: one
// point per bucket that holds exports, at the bucket's middle (the last
// bound for the overflow bucket), all scaled so that their mean is the
// histogram's exact mean (sum/count). It returns nil when there is
// nothing to go by.
func (h exportHistogram) points() []model.LatencyPoint {
	if h.Count == 0 || h.Sum <= 0 || len(h.Bounds) == 0 || len(h.Bounds) != len(h.Counts) {
		return nil
	}
	type point struct{ at, n float64 }
	var pts []point
	total := 0.0
	prev, lo := uint64(0), 0.0
	for i, b := range h.Bounds {
		if n := h.Counts[i] - prev; n > 0 && h.Counts[i] >= prev {
			pts = append(pts, point{(lo + b) / 2, float64(n)})
			total += (lo + b) / 2 * float64(n)
		}
		prev, lo = h.Counts[i], b
	}
	if h.Count > prev {
		n := float64(h.Count - prev)
		pts = append(pts, point{lo, n})
		total += lo * n
	}
	if total <= 0 {
		return nil
	}
	scale := h.Sum / total
	out := make([]model.LatencyPoint, len(pts))
	for i, p := range pts {
		out[i] = model.LatencyPoint{Duration: seconds(p.at * scale), Weight: p.n}
	}
	return out
}

func seconds(s float64) time.Duration {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0
	}
	return time.Duration(s * 1e9)
}
