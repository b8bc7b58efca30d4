package report

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/summary"
)

var costsHeader = []string{"variant", "alloc/req", "Δalloc", "objects/req", "Δobjects", "GC/1k req", "ΔGC/1k", "GC CPU share", "ΔGC share", "wire bytes/span"}

// Why a cost is not measured, as the tables say it.
const (
	naService   = "n/a (your service: otelbench reads no runtime counters from it)"
	naNotRead   = "n/a (not read in these cells)"
	naCollector = "n/a (a Collector counts no bytes)"
	naNoSpans   = "n/a (no span arrived)"
)

// costsSection lays out, per rate, what every variant's requests
// allocated and collected, against the baseline, and the bytes on the
// wire per span its exports took.
func costsSection(d *doc, s *summary.Summary) {
	sec := d.newSection(secOther, "Allocations and GC")
	sec.para("Per request, over the measured attacks: the target's heap allocation and garbage collection (runtime/metrics, read from its /metrics as each attack began and ended), and each Δ against " + s.Baseline +
		" as the difference of the medians of the repetitions with its 95% bootstrap interval (\"~\": not significant). The GC CPU share is of the CPU the Go runtime counted (its /cpu/classes, estimates comparable with each other, not with the CPU/req above). " +
		"Wire bytes/span is what the embedded sink read from the exporters' connections per span received, framing and headers included.")
	for _, rs := range s.Rates {
		t := table{header: costsHeader, class: "changes"}
		for _, r := range rs.Rows {
			t.rows = append(t.rows, allocCells(s, r))
		}
		sec.para(fmt.Sprintf("At %d requests/s:", rs.Rate))
		sec.addTable(t)
	}
}

// allocCells is one variant's row of the allocations table.
func allocCells(s *summary.Summary, r summary.Row) []string {
	name := r.Variant
	if r.Baseline {
		name += " (baseline)"
	}
	if r.Reps == 0 {
		return padded(len(costsHeader), name, "not measured")
	}
	c := r.Costs
	row := []string{name}
	switch {
	case s.Service != nil:
		row = append(row, naService, "", "", "", "", "", "", "")
	case len(r.PerRep.AllocBytes) == 0:
		row = append(row, naNotRead, "", "", "", "", "", "", "")
	default:
		row = append(row, allocBytes(r.AllocBytesPerRequest), diffText(c.AllocBytesDiff, r.Baseline, signedBytes),
			allocObjects(r.AllocObjectsPerRequest), diffText(c.AllocObjectsDiff, r.Baseline, signedNumber))
		if c.GCMeasured {
			row = append(row, fmt.Sprintf("%.2f", c.GCCyclesPer1k), diffText(c.GCCyclesDiff, r.Baseline, signedNumber),
				fmt.Sprintf("%.1f%%", 100*c.GCCPUShare), diffText(c.GCShareDiff, r.Baseline, signedShare))
		} else {
			row = append(row, naNotRead, "", "", "")
		}
	}
	return append(row, wireBytes(s, r))
}

// wireBytes is a row's bytes on the wire per span, or why there are none.
func wireBytes(s *summary.Summary, r summary.Row) string {
	switch {
	case r.Costs.WireBytesPerSpan > 0:
		return fmt.Sprintf("%.0f B", r.Costs.WireBytesPerSpan)
	case !r.Kind.Exports():
		return "– (sends nothing)"
	case sendsNothing(s, r.Variant):
		return "– (samples nothing)"
	case s.Collector == "otelcol":
		return naCollector
	default:
		return naNoSpans
	}
}

// diffText renders a difference from the baseline in the metric's unit:
// the change and its interval, "~" and the p-value when not significant.
func diffText(d summary.Diff, baseline bool, f func(float64) string) string {
	switch {
	case baseline:
		return "baseline"
	case !d.Valid:
		return "?"
	case !d.Significant:
		return fmt.Sprintf("%s [%s, %s] ~ (p=%.2f n=%d+%d)", f(d.Point), f(d.Low), f(d.High), d.P, d.N, d.BaseN)
	default:
		return fmt.Sprintf("%s [%s, %s] (p=%.3f)", f(d.Point), f(d.Low), f(d.High), d.P)
	}
}

// signedBytes formats a difference of bytes: B below 1 KiB, KiB above.
func signedBytes(b float64) string {
	if b <= -1024 || b >= 1024 {
		return fmt.Sprintf("%+.2f KiB", b/1024)
	}
	return fmt.Sprintf("%+.0f B", b)
}

// signedNumber formats a difference of counts.
func signedNumber(x float64) string { return fmt.Sprintf("%+.2f", x) }

// signedShare formats a difference of shares in percentage points.
func signedShare(x float64) string { return fmt.Sprintf("%+.1f pp", 100*x) }

// sendsNothing reports whether the variant named name samples nothing.
func sendsNothing(s *summary.Summary, name string) bool {
	v, ok := s.Variant(name)
	return ok && !v.Sends()
}
