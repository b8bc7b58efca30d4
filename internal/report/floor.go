package report

import (
	"fmt"
	"time"

	"github.com/otelbench/otelbench/internal/summary"
)

var floorHeader = []string{"variant", "ratio", "sampled spans/req", "predicted ΔCPU", "measured ΔCPU", "within?"}

// floorSection lays out, per rate, the split of tracing's CPU per request
// into the instrumentation (noop), the SDK with nothing sampled (the
// floor) and each sampled span, and the line's predictions for the
// sampled variants against what they measured.
func floorSection(d *doc, s *summary.Summary) {
	if len(s.Floor) == 0 {
		return
	}
	sec := d.newSection(secOther, "Floor and cost per sampled span")
	sec.para("ΔCPU per request against " + s.Baseline + " is split along a line in the sampled spans per request: the floor is the SDK with nothing sampled (sample_ratio 0), the cost per sampled span the rest of the fully sampled variant's ΔCPU over the spans it ended. " +
		"The line predicts each sampled variant from the spans its targets ended; \"within\" means its measured ΔCPU lies inside the prediction's 95% interval (a bootstrap over the repetitions of the variants the line is drawn through). Intervals are in brackets.")
	for _, f := range s.Floor {
		var lines []string
		if f.Noop != "" {
			lines = append(lines, fmt.Sprintf("instrumentation with no SDK (%s): %s", f.Noop, cpuDiff(f.NoopCPU)))
		}
		if f.Missing != "" {
			lines = append(lines, "floor and cost per sampled span: n/a ("+f.Missing+")")
			if f.FloorCPU.Valid {
				lines = append(lines, fmt.Sprintf("SDK with nothing sampled (%s): %s", f.Zero, cpuDiff(f.FloorCPU)))
			}
			sec.para(fmt.Sprintf("At %d requests/s:", f.Rate))
			sec.items(plain(lines...)...)
			continue
		}
		if f.SDKCPU.Valid {
			lines = append(lines, fmt.Sprintf("the SDK with nothing sampled adds to it (%s − %s): %s", f.Zero, f.Noop, cpuDiff(f.SDKCPU)))
		}
		lines = append(lines,
			fmt.Sprintf("floor, the cost at 0%% (%s): %s", f.Zero, cpuDiff(f.FloorCPU)),
			fmt.Sprintf("cost per sampled span (%s, %.2f spans/req): %s", f.Full, f.FullSpans, cpuEstimate(f.PerSpan)))
		sec.para(fmt.Sprintf("At %d requests/s:", f.Rate))
		sec.items(plain(lines...)...)
		if len(f.Checks) == 0 {
			sec.para("No sampled variant with a ratio between 0 and 1 and the same settings to check the line against.")
			continue
		}
		t := table{header: floorHeader, class: "changes"}
		for _, c := range f.Checks {
			t.rows = append(t.rows, floorCheckCells(c))
		}
		sec.addTable(t)
	}
}

// floorCheckCells is one sampled variant's prediction and measurement.
func floorCheckCells(c summary.FloorCheck) []string {
	ratio := fmt.Sprintf("%g", c.Ratio)
	if !c.Measured.Valid {
		return []string{c.Variant, ratio, "n/a (not measured)", cpuEstimate(c.Predicted) + " (from the ratio)", "n/a (not measured)", "n/a"}
	}
	if !c.Predicted.Valid {
		return []string{c.Variant, ratio, "n/a (no spans ended were counted)", "n/a", cpuDiff(c.Measured), "n/a"}
	}
	within := "no"
	switch {
	case c.Within:
		within = "yes"
	case c.Overlap:
		within = "no (the intervals overlap)"
	}
	return []string{c.Variant, ratio, fmt.Sprintf("%.3f", c.Spans), cpuEstimate(c.Predicted), cpuDiff(c.Measured), within}
}

// cpuDiff renders a ΔCPU per request in ns as a duration with its
// interval and significance.
func cpuDiff(d summary.Diff) string {
	return diffText(d, false, signedNs)
}

// cpuEstimate renders a derived CPU figure in ns with its interval.
func cpuEstimate(e summary.Estimate) string {
	if !e.Valid {
		return "?"
	}
	return fmt.Sprintf("%s [%s, %s]", signedNs(e.Point), signedNs(e.Low), signedNs(e.High))
}

// signedNs formats nanoseconds as a signed duration.
func signedNs(ns float64) string { return signedDur(time.Duration(ns)) }
