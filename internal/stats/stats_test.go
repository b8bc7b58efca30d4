package stats

import (
	"math"
	"testing"
)

func TestHistogramQuantile(t *testing.T) {
	bounds := []float64{1, 2, 4, 8}
	tests := []struct {
		name   string
		counts []uint64
		total  uint64
		q      float64
		want   float64
	}{
		// 10 observations all in (1,2]: the median sits halfway through that bucket.
		{"one bucket", []uint64{0, 10, 10, 10}, 10, 0.5, 1.5},
		// 4 in [0,1], 4 in (1,2], 2 in (2,4]: rank 9 is halfway into (2,4].
		{"interpolates", []uint64{4, 8, 10, 10}, 10, 0.9, 3},
		// rank 2 of 4 in the first bucket, interpolated from 0.
		{"first bucket from zero", []uint64{4, 4, 4, 4}, 4, 0.5, 0.5},
		// rank exactly at a bucket edge gives that edge.
		{"edge", []uint64{5, 10, 10, 10}, 10, 0.5, 1},
		// 2 of 10 above the last bound: p99 is only known to exceed 8.
		{"above last bound", []uint64{1, 2, 4, 8}, 10, 0.99, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HistogramQuantile(bounds, tt.counts, tt.total, tt.q)
			if got != tt.want {
				t.Fatalf("HistogramQuantile = %v, want %v", got, tt.want)
			}
		})
	}
	if got := HistogramQuantile(bounds, []uint64{0, 0, 0, 0}, 0, 0.5); !math.IsNaN(got) {
		t.Fatalf("empty histogram: got %v, want NaN", got)
	}
}

func TestHistogramBucketWidth(t *testing.T) {
	bounds := []float64{1, 1.25, 1.5625}
	got := HistogramBucketWidth(bounds, []uint64{0, 10, 10}, 10, 0.5)
	if math.Abs(got-0.25) > 1e-12 {
		t.Fatalf("width = %v, want 0.25", got)
	}
}

func TestMergeHistograms(t *testing.T) {
	b, c, ok := MergeHistograms(nil, nil, []float64{1, 2}, []uint64{1, 3})
	if !ok || len(b) != 2 || c[1] != 3 {
		t.Fatalf("merge into empty: %v %v %v", b, c, ok)
	}
	b, c, ok = MergeHistograms(b, c, []float64{1, 2}, []uint64{2, 2})
	if !ok || c[0] != 3 || c[1] != 5 {
		t.Fatalf("merge: %v %v %v", b, c, ok)
	}
	if _, _, ok := MergeHistograms(b, c, []float64{1, 3}, []uint64{2, 2}); ok {
		t.Fatal("different bounds merged")
	}
}

func TestRelativeChangeMedianMinMax(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"relative +50%", RelativeChange(3, 2), 0.5},
		{"relative -25%", RelativeChange(3, 4), -0.25},
		{"median odd", Median([]float64{5, 1, 3}), 3},
		{"median even", Median([]float64{4, 1, 3, 2}), 2.5},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if !math.IsNaN(RelativeChange(1, 0)) {
		t.Error("relative change from 0 should be NaN")
	}
	if lo, hi := MinMax([]float64{3, -1, 7}); lo != -1 || hi != 7 {
		t.Errorf("MinMax = %v %v", lo, hi)
	}
}
