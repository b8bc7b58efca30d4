package summary

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// Costs are what a row's requests cost the target's memory and its
// exports the wire, over the repetitions that measured them, with the
// differences against the baseline. The bundled target measures
// allocation and GC (results.Alloc); a user's service does not, and its
// figures stay zero with GCMeasured false. Bytes on the wire come from
// the embedded sink (results.Receipt) and are zero with a Collector or
// when no span arrived.
type Costs struct {
	// GCMeasured says at least one repetition read the GC counters.
	GCMeasured bool `json:"gc_measured,omitempty"`
	// GCCyclesPer1k is the collections per 1,000 requests, GCCPUShare the
	// collector's share of the CPU the Go runtime counted (results.GC),
	// and GCCPUPerRequest the collector's CPU per request, each over the
	// repetitions that measured them together.
	GCCyclesPer1k   float64       `json:"gc_cycles_per_1k,omitempty"`
	GCCPUShare      float64       `json:"gc_cpu_share,omitempty"`
	GCCPUPerRequest time.Duration `json:"gc_cpu_per_request,omitempty"`
	// WireBytesPerSpan is what the sink read from the exporters'
	// connections per span of the calls it read (framing and headers
	// included), over WireSpans spans; 0 when none arrived.
	WireBytesPerSpan float64 `json:"wire_bytes_per_span,omitempty"`
	WireSpans        int64   `json:"wire_spans,omitempty"`
	// The differences from the baseline at the same rate, in each
	// metric's unit (bytes, objects, cycles per 1,000 requests, share);
	// not Valid for the baseline itself or when either side did not
	// measure the metric.
	AllocBytesDiff   Diff `json:"alloc_bytes_diff"`
	AllocObjectsDiff Diff `json:"alloc_objects_diff"`
	GCCyclesDiff     Diff `json:"gc_cycles_diff"`
	GCShareDiff      Diff `json:"gc_share_diff"`
}

// Diff is the absolute difference of a row from another (the baseline)
// for one metric: the median of its repetitions less the baseline's, in
// the metric's unit, with the same statistics as Delta.
type Diff struct {
	// Valid is false when either side has no repetition.
	Valid bool `json:"valid"`
	// Point is median(row) − median(baseline); Low and High bound its
	// bootstrap confidence interval at Confidence.
	Point float64 `json:"point"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	// P is the two-sided Mann–Whitney p-value; Significant is P < Alpha.
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
	// N and BaseN count the repetitions compared.
	N     int `json:"n"`
	BaseN int `json:"base_n"`
}

// NewDiff compares the per-repetition values x of a row with base. The
// bootstrap seed is fixed, as NewDelta's.
func NewDiff(x, base []float64) Diff {
	d := Diff{N: len(x), BaseN: len(base)}
	if len(x) == 0 || len(base) == 0 {
		return d
	}
	iv := stats.DifferenceOfMediansCI(x, base, Confidence, resamples, 1)
	_, p := stats.MannWhitney(x, base)
	if math.IsNaN(iv.Point) {
		return d
	}
	if math.IsNaN(p) { // identical samples, all ties: no difference
		p = 1
	}
	d.Valid = true
	d.Point, d.P = iv.Point, p
	d.Low, d.High = finite(iv.Low, d.Point), finite(iv.High, d.Point)
	d.Significant = p < Alpha
	return d
}

// addGC adds one repetition's garbage collection over n requests; g is
// nil when the cell did not read it.
func addGC(row *Row, acc *rowAcc, g *results.GC, n uint64) {
	if g == nil || n == 0 {
		return
	}
	acc.gc.Cycles += g.Cycles
	acc.gc.CPU += g.CPU
	acc.gc.GoCPU += g.GoCPU
	acc.gcRequests += n
	row.PerRep.GCCycles = append(row.PerRep.GCCycles, 1000*float64(g.Cycles)/float64(n))
	if g.GoCPU > 0 {
		row.PerRep.GCShare = append(row.PerRep.GCShare, float64(g.CPU)/float64(g.GoCPU))
	}
}

// addWire adds one repetition's bytes on the wire; rc is nil with a
// Collector.
func addWire(row *Row, acc *rowAcc, rc *results.Receipt) {
	if rc == nil || rc.WireSpans <= 0 || rc.WireBytes <= 0 {
		return
	}
	acc.wireBytes += rc.WireBytes
	acc.wireSpans += rc.WireSpans
	row.PerRep.WireBytesPerSpan = append(row.PerRep.WireBytesPerSpan, float64(rc.WireBytes)/float64(rc.WireSpans))
}

// finishGC derives the row's GC and wire figures from its repetitions.
func finishGC(row *Row, acc *rowAcc) {
	c := &row.Costs
	if acc.gcRequests > 0 {
		c.GCMeasured = true
		c.GCCyclesPer1k = 1000 * float64(acc.gc.Cycles) / float64(acc.gcRequests)
		c.GCCPUPerRequest = acc.gc.CPU / time.Duration(acc.gcRequests)
		if acc.gc.GoCPU > 0 {
			c.GCCPUShare = float64(acc.gc.CPU) / float64(acc.gc.GoCPU)
		}
	}
	if acc.wireSpans > 0 {
		c.WireBytesPerSpan = float64(acc.wireBytes) / float64(acc.wireSpans)
		c.WireSpans = acc.wireSpans
	}
}

// compareCosts sets the row's differences from the baseline's.
func compareCosts(r, base *Row) {
	r.Costs.AllocBytesDiff = NewDiff(r.PerRep.AllocBytes, base.PerRep.AllocBytes)
	r.Costs.AllocObjectsDiff = NewDiff(r.PerRep.AllocObjects, base.PerRep.AllocObjects)
	r.Costs.GCCyclesDiff = NewDiff(r.PerRep.GCCycles, base.PerRep.GCCycles)
	r.Costs.GCShareDiff = NewDiff(r.PerRep.GCShare, base.PerRep.GCShare)
}
