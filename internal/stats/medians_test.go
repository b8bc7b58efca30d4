package stats

import (
	"math"
	"testing"
)

func TestDifferenceOfMediansCI(t *testing.T) {
	for _, tc := range []struct {
		name            string
		x, y            []float64
		point           float64
		lowMax, highMin float64 // the interval must reach at least this far
		exact           bool    // Low == High == point
	}{
		// No spread: the interval is the point.
		{name: "constant", x: []float64{5, 5, 5}, y: []float64{2, 2}, point: 3, exact: true},
		// Spread on both sides: the interval holds the point and reaches
		// towards the extremes of the differences.
		{name: "spread", x: []float64{10, 11, 12, 13, 14}, y: []float64{1, 2, 3, 4, 5}, point: 9, lowMax: 9, highMin: 9},
		// Negative differences stay negative.
		{name: "lower", x: []float64{1, 1, 1}, y: []float64{4, 4, 4}, point: -3, exact: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iv := DifferenceOfMediansCI(tc.x, tc.y, 0.95, 2000, 1)
			if iv.Point != tc.point {
				t.Errorf("point %g, want %g", iv.Point, tc.point)
			}
			if tc.exact && (iv.Low != tc.point || iv.High != tc.point) {
				t.Errorf("interval [%g, %g], want exactly %g", iv.Low, iv.High, tc.point)
			}
			if !tc.exact && !(iv.Low < tc.lowMax && iv.High > tc.highMin) {
				t.Errorf("interval [%g, %g] does not spread around %g", iv.Low, iv.High, tc.point)
			}
			if !iv.Contains(iv.Point) {
				t.Errorf("interval [%g, %g] misses its point %g", iv.Low, iv.High, iv.Point)
			}
		})
	}
	if iv := DifferenceOfMediansCI(nil, []float64{1}, 0.95, 100, 1); !math.IsNaN(iv.Point) {
		t.Errorf("empty sample: point %g, want NaN", iv.Point)
	}
}

// TestMediansCIPrediction checks MediansCI on a function of three
// medians, as the floor's prediction uses it: a line through two
// measured points evaluated between them.
func TestMediansCIPrediction(t *testing.T) {
	lo := []float64{100, 101, 99, 100, 100}
	hi := []float64{200, 202, 198, 200, 200}
	f := func(m []float64) float64 { return m[0] + 0.25*(m[1]-m[0]) }
	iv := MediansCI([][]float64{lo, hi}, f, 0.95, 4000, 1)
	if iv.Point != 125 {
		t.Errorf("point %g, want 125", iv.Point)
	}
	if !(iv.Low < 125 && iv.High > 125 && iv.Low > 120 && iv.High < 130) {
		t.Errorf("interval [%g, %g], want around 125 within the spread of the samples", iv.Low, iv.High)
	}
	if (Interval{Point: 1, Low: math.NaN(), High: math.NaN()}).Contains(1) {
		t.Error("an interval without bounds contains nothing")
	}
}
