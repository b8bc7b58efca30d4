package verify

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	tests := []struct {
		name   string
		k, n   int
		c      float64
		lo, hi float64
	}{
		// The textbook case: 50 of 100 at 95% is [0.4038, 0.5962].
		{name: "half", k: 50, n: 100, c: 0.95, lo: 0.4038, hi: 0.5962},
		// No success: the lower bound is 0, the upper z²/(n+z²).
		{name: "none", k: 0, n: 10, c: 0.95, lo: 0, hi: 0.2775},
		// All successes mirror it.
		{name: "all", k: 10, n: 10, c: 0.95, lo: 0.7225, hi: 1},
		// A sampling run: 98 of 400 at 99.99%.
		{name: "sampling", k: 98, n: 400, c: 0.9999, lo: 0.1717, hi: 0.3370},
		// No trial says nothing.
		{name: "no trials", k: 0, n: 0, c: 0.95, lo: 0, hi: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := Wilson(tc.k, tc.n, tc.c)
			if math.Abs(lo-tc.lo) > 5e-4 || math.Abs(hi-tc.hi) > 5e-4 {
				t.Errorf("Wilson(%d, %d, %g) = [%.4f, %.4f], want [%.4f, %.4f]", tc.k, tc.n, tc.c, lo, hi, tc.lo, tc.hi)
			}
		})
	}
	if z := zFor(0.95); math.Abs(z-1.959964) > 1e-5 {
		t.Errorf("zFor(0.95) = %v, want 1.959964", z)
	}
}
