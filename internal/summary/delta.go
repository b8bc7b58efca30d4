package summary

import (
	"math"

	"github.com/otelbench/otelbench/internal/stats"
)

// Significance settings, as benchstat's: a difference counts when the
// Mann–Whitney U test over the repetitions gives p < Alpha; the interval is
// a bootstrap over repetitions at Confidence.
const (
	Alpha      = 0.05
	Confidence = 0.95
	resamples  = 4000
)

// RepValues are one number per successful repetition of a row: what the
// statistics between repetitions (and otelbench compare) work on.
type RepValues struct {
	P50       []float64 `json:"p50_ns"`
	P99       []float64 `json:"p99_ns"`
	CPUPerReq []float64 `json:"cpu_per_request_ns"`
	// PeakRSS is each repetition target's peak RSS in bytes, Lost its
	// spans ended but not received.
	PeakRSS []float64 `json:"peak_rss_bytes"`
	Lost    []float64 `json:"lost_spans"`
	// Rep and Requests are each repetition's number and its requests.
	Rep      []int     `json:"rep"`
	Requests []float64 `json:"requests"`
	// OtherShare is each repetition's share of the machine's CPUs used by
	// anything but the target and otelbench, −1 where not measured.
	OtherShare []float64 `json:"other_share,omitempty"`
	// AllocBytes and AllocObjects are each repetition's heap allocation
	// per request during the measured attack; only repetitions whose cell
	// measured it (results.Cell.Alloc) have a value, so they are empty
	// for runs from before, or with a user's service.
	AllocBytes   []float64 `json:"alloc_bytes_per_request,omitempty"`
	AllocObjects []float64 `json:"alloc_objects_per_request,omitempty"`
	// GCCycles is each repetition's garbage collections per 1,000
	// requests and GCShare the share of the runtime's CPU its collector
	// took (results.GC), for the repetitions that measured them.
	GCCycles []float64 `json:"gc_cycles_per_1k,omitempty"`
	GCShare  []float64 `json:"gc_cpu_share,omitempty"`
	// WireBytesPerSpan is each repetition's bytes on the wire per span
	// at the embedded sink (results.Receipt), for the repetitions that
	// received spans.
	WireBytesPerSpan []float64 `json:"wire_bytes_per_span,omitempty"`
}

// Delta is the relative change of a row against another (the baseline) for
// one metric, from the medians of their repetitions.
type Delta struct {
	// Valid is false when either side has no repetition.
	Valid bool `json:"valid"`
	// Pct is median(row)/median(baseline) − 1, in percent; Low and High
	// bound its bootstrap confidence interval.
	Pct  float64 `json:"pct"`
	Low  float64 `json:"low_pct"`
	High float64 `json:"high_pct"`
	// P is the two-sided Mann–Whitney p-value; Significant is P < Alpha.
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
	// N and BaseN count the repetitions compared.
	N     int `json:"n"`
	BaseN int `json:"base_n"`
}

// NewDelta compares the per-repetition values x of a row with base. The
// bootstrap seed is fixed so that a report is reproducible from its files.
func NewDelta(x, base []float64) Delta {
	d := Delta{N: len(x), BaseN: len(base)}
	if len(x) == 0 || len(base) == 0 {
		return d
	}
	iv := stats.RatioOfMediansCI(x, base, Confidence, resamples, 1)
	_, p := stats.MannWhitney(x, base)
	if math.IsNaN(iv.Point) || math.IsNaN(p) {
		return d
	}
	d.Valid = true
	d.Pct, d.P = 100*iv.Point, p
	d.Low, d.High = finite(100*iv.Low, d.Pct), finite(100*iv.High, d.Pct)
	d.Significant = p < Alpha
	return d
}

func finite(x, fallback float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fallback
	}
	return x
}
