package compare

import "fmt"

// Regression is a significant change for the worse of one metric of one
// row: B's latency or CPU per request is higher than A's.
type Regression struct {
	Rate    int
	Variant string
	Change  Change
}

// String names the row and metric and gives the change, such as
// "p99 of batch at 1000/s: +20.0%".
func (r Regression) String() string {
	return fmt.Sprintf("%s of %s at %d/s: %+.1f%%", r.Change.Metric, r.Variant, r.Rate, r.Change.Delta.Pct)
}

// Verdict is the outcome of checking a comparison against a threshold.
type Verdict struct {
	// ThresholdPct is the largest increase, in percent, that is tolerated.
	ThresholdPct float64
	// Regressions are the significant increases beyond it, in the order of
	// the comparison's rates, rows and metrics.
	Regressions []Regression
}

// Failed reports whether any regression exceeds the threshold.
func (v Verdict) Failed() bool { return len(v.Regressions) > 0 }

// Check finds the significant regressions of B against A larger than
// thresholdPct percent. A change that is not significant is never a
// regression, however large: with few repetitions it may be noise.
func (c *Comparison) Check(thresholdPct float64) Verdict {
	v := Verdict{ThresholdPct: thresholdPct}
	for _, rs := range c.Rates {
		for _, row := range rs.Rows {
			for _, ch := range row.Changes {
				d := ch.Delta
				if d.Valid && d.Significant && d.Pct > thresholdPct {
					v.Regressions = append(v.Regressions, Regression{Rate: rs.Rate, Variant: row.Variant, Change: ch})
				}
			}
		}
	}
	return v
}
