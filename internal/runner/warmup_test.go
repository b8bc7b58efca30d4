package runner

import "testing"

func TestSettling(t *testing.T) {
	for _, tc := range []struct {
		name    string
		windows []float64
		settled []bool // after each window
	}{
		// Two blocks of two windows are needed to tell.
		{"too few", []float64{100, 100, 100}, []bool{false, false, false}},
		// Flat: settled once there are two blocks.
		{"flat", []float64{100, 101, 99, 100, 100}, []bool{false, false, false, true, true}},
		// Noise up and down within 5% of the block's mean is settled.
		{"noise", []float64{100, 96, 104, 95}, []bool{false, false, false, true}},
		// A JIT's fall, 2.0 ms per request falling to 1.2 ms: settled
		// only once the last block is within 5% of the one before.
		{"falling", []float64{2000, 1800, 1600, 1450, 1350, 1300, 1250, 1230, 1220, 1210},
			[]bool{false, false, false, false, false, false, false, false, true, true}},
		// Rising CPU (the GC finding its heap) counts as settled: it is
		// not the start's extra cost falling away.
		{"rising", []float64{100, 100, 130, 130}, []bool{false, false, false, true}},
	} {
		var s settling
		for i, w := range tc.windows {
			if got := s.add(w); got != tc.settled[i] {
				t.Errorf("%s: after window %d (%v): settled %v, want %v", tc.name, i+1, tc.windows[:i+1], got, tc.settled[i])
			}
		}
	}
}
