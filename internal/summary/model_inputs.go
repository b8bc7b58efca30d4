package summary

import (
	"encoding/json"
	"github.com/otelbench/otelbench/internal/settings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// The inputs of the model checks, read from the run: the processor
// settings, the spans lost and the export durations.

// readyLineOf returns the ready line the target of the named variant
// reported, nil if run.json has none.
func readyLineOf(l *results.Loaded, variant string) json.RawMessage {
	for _, vs := range l.Run.Variants {
		if vs.Name == variant {
			return vs.Effective
		}
	}
	return nil
}

// readyProcessor is the part of the target's ready line that holds the
// batch processor's configuration in effect (the SDK's MarshalLog).
type readyProcessor struct {
	Processor struct {
		Config *struct {
			MaxQueueSize       int
			BatchTimeout       time.Duration
			ExportTimeout      time.Duration
			MaxExportBatchSize int
			BlockOnQueueFull   bool
		}
	} `json:"processor"`
}

// variantSettings returns the processor settings of v: as its target
// reported them in effect when the ready line holds them, else the
// profile's with the SDK's defaults for what it leaves out.
func variantSettings(v profile.Variant, ready json.RawMessage) (settings.Batch, string) {
	var rp readyProcessor
	if len(ready) > 0 && json.Unmarshal(ready, &rp) == nil {
		if c := rp.Processor.Config; c != nil && c.MaxQueueSize > 0 && c.MaxExportBatchSize > 0 {
			return settings.Batch{QueueSize: c.MaxQueueSize, MaxExportBatchSize: c.MaxExportBatchSize,
				BatchTimeout: c.BatchTimeout, ExportTimeout: c.ExportTimeout, Blocking: c.BlockOnQueueFull}, SettingsFromTarget
		}
	}
	return effective(v), SettingsFromProfile
}

// rowCells is what the cells of one variant at one rate measured: the
// spans they lost (counted as from says) and ended, and their merged
// export histogram.
type rowCells struct {
	lost, ended int64
	reps        int
	from        string
	exports     exportHistogram
}

// measuredCells adds up the cells of one variant at one rate. Spans lost
// are those dropped at a full queue plus those of failed exports when every
// cell could tell drops apart (a clean shutdown or the SDK's counter), else
// ended − received.
func measuredCells(l *results.Loaded, variant string, rate int) rowCells {
	var rc rowCells
	var sinkLost int64
	known := true
	for _, c := range l.Cells {
		if c.Variant != variant || c.Rate != rate || c.Status != results.StatusOK {
			continue
		}
		s := c.Spans
		rc.reps++
		rc.ended += s.Ended
		rc.lost += s.Dropped + s.ExportFailed
		sinkLost += s.Lost
		known = known && (s.DropSource == DropSDK || s.DropSource == DropCleanShutdown)
		rc.exports.add(c.Export)
	}
	rc.from = LossFromAccounting
	if !known {
		rc.lost, rc.from = sinkLost, LossFromSink
	}
	return rc
}

// exportHistogram merges the targets' histograms of ExportSpans durations.
type exportHistogram struct {
	bounds []float64
	counts []uint64 // cumulative, as Prometheus keeps them
	count  uint64
	sum    float64
	mixed  bool // the histograms' buckets differ: not merged
}

func (h *exportHistogram) add(x results.Histogram) {
	if x.Count == 0 || h.mixed {
		return
	}
	var ok bool
	if h.bounds, h.counts, ok = stats.MergeHistograms(h.bounds, h.counts, x.Bounds, x.Counts); !ok {
		h.mixed = true
		return
	}
	h.count += x.Count
	h.sum += x.Sum
}

// merge returns the histogram of both h and o.
func (h exportHistogram) merge(o exportHistogram) exportHistogram {
	out := exportHistogram{mixed: h.mixed || o.mixed}
	for _, x := range []exportHistogram{h, o} {
		out.add(results.Histogram{Bounds: x.bounds, Counts: x.counts, Count: x.count, Sum: x.sum})
	}
	return out
}

// points returns the histogram as a distribution for model.PredictRun: one
// point per bucket that holds exports, at the bucket's middle (the last
// bound for the overflow bucket), all scaled so that their mean is the
// histogram's exact mean (sum/count). It returns nil when there is
// nothing to go by.
func (h exportHistogram) points() []model.LatencyPoint {
	if h.mixed || h.count == 0 || h.sum <= 0 || len(h.bounds) == 0 || len(h.bounds) != len(h.counts) {
		return nil
	}
	type point struct{ at, n float64 }
	var pts []point
	total := 0.0
	prev, lo := uint64(0), 0.0
	for i, b := range h.bounds {
		if n := h.counts[i] - prev; n > 0 && h.counts[i] >= prev {
			pts = append(pts, point{(lo + b) / 2, float64(n)})
			total += (lo + b) / 2 * float64(n)
		}
		prev, lo = h.counts[i], b
	}
	if h.count > prev {
		n := float64(h.count - prev)
		pts = append(pts, point{lo, n})
		total += lo * n
	}
	if total <= 0 {
		return nil
	}
	scale := h.sum / total
	out := make([]model.LatencyPoint, len(pts))
	for i, p := range pts {
		out[i] = model.LatencyPoint{Duration: secondsToDuration(p.at * scale), Weight: p.n}
	}
	return out
}
