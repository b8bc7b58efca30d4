package summary

import (
	"math"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/stats"
)

// Floor splits the CPU per request tracing adds at one rate into what it
// costs with nothing sampled and what each sampled span adds, from three
// measured variants beside the baseline: the SDK with sample_ratio 0 (the
// floor: the cost at 0%), the batch variant with the same settings that
// samples everything (the full line), and, when the profile has one,
// noop (the instrumentation with no SDK). The model is a line,
//
//	ΔCPU(s) = floor + perSpan × s
//
// in the sampled spans per request s: the floor is the ratio-0 variant's
// ΔCPU and perSpan is (CPU(full) − CPU(zero)) / s(full), from the medians
// of their repetitions. It predicts every measured sampled variant with
// the same settings from its own sampled spans per request, and says
// whether the measured ΔCPU lies within the prediction's interval. (The
// full variant's requests carry a sampled parent and the sampled ones
// none, as the runner sends them; the difference is the cost of
// extracting one traceparent.)
//
// Intervals are bootstraps over the repetitions of every variant the
// figure combines, at Confidence. CPU is in nanoseconds per request.
type Floor struct {
	Rate int `json:"rate"`
	// Missing says why the floor and the cost per span could not be
	// derived (a FloorMissing constant); empty when they were.
	Missing string `json:"missing,omitempty"`
	// Noop names the noop variant ("" when the profile has none) and
	// NoopCPU is its ΔCPU against the baseline: the instrumentation
	// alone. SDKCPU is the ratio-0 variant's CPU less noop's: what the
	// SDK adds before it samples anything.
	Noop    string `json:"noop,omitempty"`
	NoopCPU Diff   `json:"noop_cpu"`
	SDKCPU  Diff   `json:"sdk_cpu"`
	// Zero names the sampled variant with ratio 0 and FloorCPU its ΔCPU
	// against the baseline: the cost at 0%.
	Zero     string `json:"zero,omitempty"`
	FloorCPU Diff   `json:"floor_cpu"`
	// Full names the batch variant with Zero's settings, sampling
	// everything; FullSpans is the spans per request it ended.
	Full      string  `json:"full,omitempty"`
	FullSpans float64 `json:"full_spans,omitempty"`
	// PerSpan is the CPU each sampled span adds: (CPU(full) − CPU(zero))
	// / FullSpans, in ns.
	PerSpan Estimate `json:"per_span"`
	// Checks are the predictions for the profile's sampled variants with
	// a ratio between 0 and 1 and Zero's settings, in profile order.
	Checks []FloorCheck `json:"checks,omitempty"`
}

// FloorCheck is the Floor's prediction for one sampled variant and what
// was measured.
type FloorCheck struct {
	Variant string  `json:"variant"`
	Ratio   float64 `json:"ratio"`
	// Spans is the sampled spans per request the variant's targets
	// ended (spans ended over requests served), 0 when not measured.
	Spans float64 `json:"spans"`
	// Predicted is floor + perSpan × Spans, as ΔCPU against the
	// baseline in ns, with the interval from the zero and full
	// variants' repetitions; Measured is the variant's own ΔCPU. Not
	// Valid when the variant has no repetition.
	Predicted Estimate `json:"predicted"`
	Measured  Diff     `json:"measured"`
	// Within says the measured ΔCPU lies within the predicted interval;
	// Overlap that the measured interval and the predicted one overlap
	// (the measurement's own noise can reach the prediction).
	Within  bool `json:"within"`
	Overlap bool `json:"overlap"`
}

// Why a Floor could not be derived.
const (
	// FloorNoZero: the profile has no sampled variant with ratio 0.
	FloorNoZero = "no variant of kind sampled with sample_ratio 0"
	// FloorNoFull: no batch variant has the ratio-0 variant's settings.
	FloorNoFull = "no batch variant with the ratio-0 variant's settings to sample everything"
	// FloorNotMeasured: a variant the line needs (the baseline, the
	// ratio-0 or the full one) has no measured repetition at this rate,
	// or no spans per request were counted.
	FloorNotMeasured = "a variant the line needs has no measured repetition at this rate"
	// FloorService: the line needs kind noop or ratio 0 variants of the
	// bundled target; a user's service sets its own sampler and counts
	// no spans ended.
	FloorService = "a user's service (-cmd): its spans ended are not counted"
)

// floors derives the Floor of every rate of s, nil when the profile has
// neither a ratio-0 nor a noop variant (nothing to split).
func floors(s *Summary) []Floor {
	var zero, full, noop *VariantInfo
	for i := range s.Variants {
		v := &s.Variants[i]
		switch {
		case v.Kind == profile.KindNoop && noop == nil:
			noop = v
		case v.Kind == profile.KindSampled && v.Settings.SampleRatio == 0 && zero == nil:
			zero = v
		}
	}
	if zero == nil && noop == nil {
		return nil
	}
	if zero != nil {
		full = fullOf(s, *zero)
	}
	var out []Floor
	for _, rs := range s.Rates {
		out = append(out, floorAt(s, rs, zero, full, noop))
	}
	return out
}

// fullOf is the batch variant whose settings are zero's with everything
// sampled, nil when there is none.
func fullOf(s *Summary, zero VariantInfo) *VariantInfo {
	want := zero.Settings
	want.SampleRatio = 1
	for i, v := range s.Variants {
		if v.Kind == profile.KindBatch && v.Settings == want && v.Observability == zero.Observability {
			return &s.Variants[i]
		}
	}
	return nil
}

// floorAt derives the Floor at one rate.
func floorAt(s *Summary, rs RateSummary, zero, full, noop *VariantInfo) Floor {
	f := Floor{Rate: rs.Rate}
	rows := map[string]*Row{}
	var base *Row
	for i := range rs.Rows {
		r := &rs.Rows[i]
		rows[r.Variant] = r
		if r.Baseline {
			base = r
		}
	}
	measured := func(r *Row) bool { return r != nil && r.Reps > 0 && len(r.PerRep.CPUPerReq) > 0 }
	if noop != nil {
		f.Noop = noop.Name
		if r := rows[noop.Name]; measured(r) && measured(base) {
			f.NoopCPU = NewDiff(r.PerRep.CPUPerReq, base.PerRep.CPUPerReq)
		}
	}
	switch {
	case s.Service != nil:
		f.Missing = FloorService
		return f
	case zero == nil:
		f.Missing = FloorNoZero
		return f
	}
	f.Zero = zero.Name
	z := rows[zero.Name]
	if noop != nil && measured(z) && measured(rows[noop.Name]) {
		f.SDKCPU = NewDiff(z.PerRep.CPUPerReq, rows[noop.Name].PerRep.CPUPerReq)
	}
	if !measured(z) || !measured(base) {
		f.Missing = FloorNotMeasured
		return f
	}
	f.FloorCPU = NewDiff(z.PerRep.CPUPerReq, base.PerRep.CPUPerReq)
	if full == nil {
		f.Missing = FloorNoFull
		return f
	}
	f.Full = full.Name
	fr := rows[full.Name]
	if !measured(fr) {
		f.Missing = FloorNotMeasured
		return f
	}
	f.FullSpans = sampledSpans(fr)
	if f.FullSpans <= 0 {
		f.Missing = FloorNotMeasured
		return f
	}
	zs, fs, bs := z.PerRep.CPUPerReq, fr.PerRep.CPUPerReq, base.PerRep.CPUPerReq
	f.PerSpan = estimateOf(stats.MediansCI([][]float64{fs, zs}, func(m []float64) float64 { return (m[0] - m[1]) / f.FullSpans },
		Confidence, resamples, 1))
	baseMedian := stats.Median(bs)
	for _, v := range s.Variants {
		want := v.Settings
		want.SampleRatio = 1
		if v.Kind != profile.KindSampled || v.Settings.SampleRatio <= 0 || v.Settings.SampleRatio >= 1 ||
			want != full.Settings || v.Observability != full.Observability {
			continue
		}
		c := FloorCheck{Variant: v.Name, Ratio: v.Settings.SampleRatio}
		r := rows[v.Name]
		if measured(r) {
			c.Spans = sampledSpans(r)
			c.Measured = NewDiff(r.PerRep.CPUPerReq, bs)
		}
		if c.Spans > 0 || !measured(r) {
			w := c.Spans / f.FullSpans
			if !measured(r) {
				// Not measured: predict from the ratio for the record.
				w = v.Settings.SampleRatio
			}
			iv := stats.MediansCI([][]float64{zs, fs}, func(m []float64) float64 { return m[0] + w*(m[1]-m[0]) - baseMedian },
				Confidence, resamples, 1)
			c.Predicted = estimateOf(iv)
		}
		c.Within = c.Measured.Valid && c.Predicted.Contains(c.Measured.Point)
		c.Overlap = c.Measured.Valid && c.Predicted.Valid && c.Measured.Low <= c.Predicted.High && c.Predicted.Low <= c.Measured.High
		f.Checks = append(f.Checks, c)
	}
	return f
}

// sampledSpans is the spans a row's targets ended per request they
// served: what was sampled, since unsampled spans never reach a
// processor; 0 when nothing was counted.
func sampledSpans(r *Row) float64 {
	if r.Spans.TargetRequests <= 0 || r.Spans.Expected {
		return 0
	}
	return float64(r.Spans.Ended) / float64(r.Spans.TargetRequests)
}

// Estimate is a figure derived from the medians of several variants'
// repetitions, with its bootstrap interval at Confidence: no test of one
// sample against another, so no p-value.
type Estimate struct {
	Valid bool    `json:"valid"`
	Point float64 `json:"point"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Contains reports whether x lies within the estimate's interval.
func (e Estimate) Contains(x float64) bool {
	return e.Valid && stats.Interval{Low: e.Low, High: e.High}.Contains(x)
}

// estimateOf turns a bootstrap interval into an Estimate.
func estimateOf(iv stats.Interval) Estimate {
	if math.IsNaN(iv.Point) || math.IsInf(iv.Point, 0) {
		return Estimate{}
	}
	return Estimate{Valid: true, Point: iv.Point, Low: finite(iv.Low, iv.Point), High: finite(iv.High, iv.Point)}
}
