package stats

import (
	"math"
	"testing"
)

// TestDifferenceOfMediansCIZeroBaseline: the difference is defined where the
// ratio is not (a baseline of zeros), and its interval holds the point.
func TestDifferenceOfMediansCIZeroBaseline(t *testing.T) {
	tests := []struct {
		name           string
		x, y           []float64
		point, low, hi float64
		nan            bool
	}{
		// Constant samples: the interval collapses on the difference.
		{name: "constant", x: []float64{5, 5, 5}, y: []float64{2, 2, 2}, point: 3, low: 3, hi: 3},
		// A baseline of zeros is fine (the ratio would be undefined).
		{name: "zero baseline", x: []float64{4, 4}, y: []float64{0, 0, 0}, point: 4, low: 4, hi: 4},
		// Medians 3 and 1; the interval stays within the extreme pairings.
		{name: "spread", x: []float64{2, 3, 4}, y: []float64{0, 1, 2}, point: 2, low: 0, hi: 4},
		{name: "empty", x: nil, y: []float64{1}, nan: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv := DifferenceOfMediansCI(tt.x, tt.y, 0.95, 2000, 1)
			if tt.nan {
				if !math.IsNaN(iv.Point) {
					t.Errorf("got %+v, want NaN", iv)
				}
				return
			}
			if iv.Point != tt.point || iv.Low < tt.low || iv.High > tt.hi || iv.Low > iv.Point || iv.High < iv.Point {
				t.Errorf("got %+v, want point %g within [%g, %g]", iv, tt.point, tt.low, tt.hi)
			}
		})
	}
}
