package rules

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/summary"
)

// The rule's schedule delays.
const (
	DelayRangeLow  = 2000 * time.Millisecond
	DelayRangeHigh = 5000 * time.Millisecond
)

// DelayEvidence is batch variants that differ only in the batch timeout,
// one below the rule's range (Short) and others within it.
type DelayEvidence struct {
	Short string        `json:"short"`
	Rates []DelayAtRate `json:"rates"`
	// Floor is the largest CPU difference, in percent, at rates where the
	// model predicts the same exports for every delay: the noise a saving
	// must exceed.
	Floor float64 `json:"floor_pct"`
}

// DelayAtRate is the variants at one rate.
type DelayAtRate struct {
	Rate int `json:"rate"`
	// Delays holds the short delay first, then the longer ones, each with
	// its CPU per request and (but the first) its change against the
	// first, what the model predicts of it, and its freshness p99 (0 when
	// not measured).
	Delays []DelayMeasured `json:"delays"`
	// Batch is the batch size and SpanRate the spans/s offered: a delay
	// beyond Batch/SpanRate (FullAfter) changes nothing, batches are full.
	Batch     int           `json:"batch"`
	SpanRate  float64       `json:"span_rate"`
	FullAfter time.Duration `json:"full_after_ns"`
	// Same says the model predicts the same exports for every delay here:
	// any difference is noise.
	Same bool `json:"same"`
}

// DelayMeasured is one delay at one rate.
type DelayMeasured struct {
	Variant       string        `json:"variant"`
	Delay         time.Duration `json:"delay_ns"`
	CPU           time.Duration `json:"cpu_ns"`
	Change        Change        `json:"change"`
	ExportsPerSec float64       `json:"exports_per_sec"`
	BatchSize     float64       `json:"batch_size"`
	Freshness     time.Duration `json:"freshness_p99_ns"`
}

// delayRule: batch variants that differ only in the batch timeout, one
// below 2000 ms and one or more within 2000–5000 ms. A longer delay
// amortises I/O at a rate where it clearly costs less CPU per request than
// the shortest, by more than the run's noise floor: the largest difference
// at rates where the model predicts the same exports for every delay.
func delayRule(s *summary.Summary) Verdict {
	for _, g := range twinsBy(s, func(v *summary.VariantInfo) { v.Settings.Batch.BatchTimeout = 0 }) {
		slices.SortStableFunc(g, func(a, b summary.VariantInfo) int {
			return cmp.Compare(a.Settings.Batch.BatchTimeout, b.Settings.Batch.BatchTimeout)
		})
		short := g[0]
		if short.Settings.Batch.BatchTimeout >= DelayRangeLow {
			continue
		}
		var longs []summary.VariantInfo
		for _, v := range g[1:] {
			if t := v.Settings.Batch.BatchTimeout; t >= DelayRangeLow && t <= DelayRangeHigh {
				longs = append(longs, v)
			}
		}
		e := DelayEvidence{Short: short.Name}
		type saving struct {
			pct    float64
			counts bool
		}
		var savings []saving // at rates where the model predicts a difference
		for _, rs := range s.Rates {
			at, ok := delayAt(s, rs.Rate, short, longs)
			if !ok {
				continue
			}
			for _, d := range at.Delays[1:] {
				if at.Same {
					e.Floor = max(e.Floor, abs(d.Change.Pct))
				} else {
					savings = append(savings, saving{d.Change.Pct, d.Change.Counts})
				}
			}
			e.Rates = append(e.Rates, at)
		}
		if len(e.Rates) == 0 {
			continue
		}
		var holds []bool
		for _, sv := range savings {
			holds = append(holds, sv.counts && sv.pct < 0 && -sv.pct > e.Floor)
		}
		v := Verdict{Rule: RuleDelay, Outcome: tally(holds), Applies: true, Evidence: e}
		if len(savings) == 0 {
			// The model predicts no saving at any measured rate, and none
			// was measured beyond the noise.
			v.Outcome = Fails
		}
		return v
	}
	return untested(RuleDelay)
}

// delayAt compares the delays at one rate; false when fewer than two were
// measured there or the model cannot predict them.
func delayAt(s *summary.Summary, rate int, short summary.VariantInfo, longs []summary.VariantInfo) (DelayAtRate, bool) {
	sr := s.Row(short.Name, rate)
	if sr == nil {
		return DelayAtRate{}, false
	}
	vs, rows := []summary.VariantInfo{short}, []*summary.Row{sr}
	for _, long := range longs {
		if lr := s.Row(long.Name, rate); lr != nil {
			vs, rows = append(vs, long), append(rows, lr)
		}
	}
	if len(vs) == 1 {
		return DelayAtRate{}, false
	}
	var lat time.Duration
	for _, r := range rows {
		lat = max(lat, r.Blocking.ExportMean)
	}
	load := model.Load{RequestsPerSec: float64(rate), SpansPerRequest: float64(sr.Spans.PerRequest), SampledShare: 1, ExportLatency: lat}
	at := DelayAtRate{Rate: rate, Batch: short.Settings.Batch.MaxExportBatchSize, SpanRate: model.SpanRate(load), Same: true}
	if at.SpanRate > 0 {
		at.FullAfter = time.Duration(float64(at.Batch) / at.SpanRate * float64(time.Second))
	}
	var first float64
	for i, v := range vs {
		pr, err := model.Predict(v.Settings.Batch, load)
		if err != nil {
			return DelayAtRate{}, false
		}
		if i == 0 {
			first = pr.ExportsPerSec
		}
		at.Same = at.Same && math.Abs(pr.ExportsPerSec-first) <= 0.01*first
		d := DelayMeasured{Variant: v.Name, Delay: v.Settings.Batch.BatchTimeout, CPU: rows[i].CPUPerRequest,
			ExportsPerSec: pr.ExportsPerSec, BatchSize: pr.BatchSize, Freshness: freshnessP99(s, v.Name, rate)}
		if i > 0 {
			d.Change = change(rows[i].PerRep.CPUPerReq, sr.PerRep.CPUPerReq)
		}
		at.Delays = append(at.Delays, d)
	}
	return at, true
}

// freshnessP99 is the highest freshness p99 of a variant's cells at a rate.
func freshnessP99(s *summary.Summary, variant string, rate int) time.Duration {
	var f time.Duration
	for _, a := range s.Accounting {
		if a.Variant == variant && a.Rate == rate {
			f = max(f, a.FreshnessP99)
		}
	}
	return f
}
