package stats

import (
	"math"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name  string
		x, y  []float64
		wantU float64
		wantP float64
		tol   float64
	}{
		// Complete separation, 3 vs 3: U = 0, exact p = 2/20 = 0.1, the
		// smallest two-sided p-value 3 repetitions can give.
		{"separated 3v3", []float64{1, 2, 3}, []float64{4, 5, 6}, 0, 0.1, 1e-12},
		// Complete separation, 5 vs 5: exact p = 2/252.
		{"separated 5v5", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0, 2.0 / 252, 1e-12},
		// Reversed: U = n1·n2, same p.
		{"reversed 5v5", []float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}, 25, 2.0 / 252, 1e-12},
		// Perfect interleaving 1,2 / 3,4 … : U = 2 of 4 for 2v2 → p = 1.
		{"interleaved 2v2", []float64{1, 4}, []float64{2, 3}, 2, 1, 1e-12},
		// x = {1,3,5}, y = {2,4,6}: U = 0+1+2 = 3; P(U≤3) = 7/20 → p = 0.7
		// (U distribution for 3v3: counts 1,1,2,3,3,3,3,2,1,1).
		{"alternating 3v3", []float64{1, 3, 5}, []float64{2, 4, 6}, 3, 0.7, 1e-12},
		// R's wilcox.test(c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30),
		//   c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29), exact=FALSE,
		//   correct=TRUE) has ties (1.29, 1.06 twice): W = 58, p = 0.1329.
		{"ties, normal approximation", []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30},
			[]float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}, 58, 0.1329, 5e-4},
		// Every value equal: no evidence.
		{"all equal", []float64{1, 1, 1}, []float64{1, 1, 1}, 4.5, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := MannWhitney(tt.x, tt.y)
			if u != tt.wantU {
				t.Errorf("U = %v, want %v", u, tt.wantU)
			}
			if math.Abs(p-tt.wantP) > tt.tol {
				t.Errorf("p = %.6f, want %.6f ± %g", p, tt.wantP, tt.tol)
			}
		})
	}
	if u, p := MannWhitney(nil, []float64{1}); !math.IsNaN(u) || !math.IsNaN(p) {
		t.Errorf("empty sample: got %v %v, want NaN", u, p)
	}
}

// TestExactMatchesNormalForLargeSamples checks the exact distribution against
// the normal approximation where both should agree closely.
func TestExactMatchesNormalForLargeSamples(t *testing.T) {
	n1, n2 := 30, 30
	u := 300.0
	exact := exactMannWhitneyP(n1, n2, u)
	mean := float64(n1*n2) / 2
	sd := math.Sqrt(float64(n1*n2*(n1+n2+1)) / 12)
	normal := math.Erfc((math.Abs(u-mean) - 0.5) / sd / math.Sqrt2)
	if math.Abs(exact-normal) > 0.002 {
		t.Errorf("exact %.5f vs normal %.5f", exact, normal)
	}
}

func TestRatioOfMediansCI(t *testing.T) {
	// x is y doubled: the point estimate is +100%, and with no spread
	// within either sample every resample agrees.
	iv := RatioOfMediansCI([]float64{2, 2, 2}, []float64{1, 1, 1}, 0.95, 1000, 1)
	if iv.Point != 1 || iv.Low != 1 || iv.High != 1 {
		t.Errorf("constant samples: %+v, want 1 [1, 1]", iv)
	}
	// Overlapping samples: the interval holds the point and spans zero.
	iv = RatioOfMediansCI([]float64{10, 11, 12, 13, 9}, []float64{10, 12, 11, 9, 13}, 0.95, 2000, 7)
	if !(iv.Low <= iv.Point && iv.Point <= iv.High) || iv.Low > 0 || iv.High < 0 {
		t.Errorf("overlapping samples: %+v, want an interval around 0", iv)
	}
	// Reproducible for a seed.
	a := RatioOfMediansCI([]float64{1, 5, 3}, []float64{2, 2, 4}, 0.95, 500, 42)
	b := RatioOfMediansCI([]float64{1, 5, 3}, []float64{2, 2, 4}, 0.95, 500, 42)
	if a != b {
		t.Errorf("same seed, different intervals: %+v %+v", a, b)
	}
}

func TestCV(t *testing.T) {
	// mean 2, sample sd 1 → CV 0.5.
	if got := CV([]float64{1, 2, 3}); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("CV = %v, want 0.5", got)
	}
	if !math.IsNaN(CV([]float64{1})) {
		t.Error("CV of one value should be NaN")
	}
}
