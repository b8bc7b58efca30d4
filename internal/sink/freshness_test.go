package sink

import (
	"testing"
	"time"
)

func TestFreshnessBuckets(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{
		{-time.Second, 0},
		{0, 0},
		{10 * time.Microsecond, 0},
		{11 * time.Microsecond, 1},
		{100 * time.Microsecond, 8},
		{101 * time.Microsecond, 9},
		{time.Millisecond, 16},
		{time.Second, 40},
		{time.Hour, freshnessBuckets - 1},
	} {
		var f Freshness
		f.add(tc.d)
		if f.Counts[tc.want] != 1 {
			t.Errorf("add(%v): counts %v, want bucket %d (bound %v)", tc.d, f.Counts, tc.want, FreshnessBound(tc.want))
		}
	}
}

func TestFreshnessQuantile(t *testing.T) {
	var f Freshness
	if f.Quantile(0.5) != 0 {
		t.Fatal("empty histogram has a quantile")
	}
	// 99 spans at 1 ms, one at 2 s: p50 is the 1 ms bucket, p99 too, max 2 s.
	for range 99 {
		f.add(time.Millisecond)
	}
	f.add(2 * time.Second)
	if got := f.Quantile(0.5); got != time.Millisecond {
		t.Errorf("p50 = %v, want 1ms", got)
	}
	if got := f.Quantile(0.99); got != time.Millisecond {
		t.Errorf("p99 = %v, want 1ms", got)
	}
	if got := f.Quantile(1); got != 2*time.Second {
		t.Errorf("p100 = %v, want the max 2s", got)
	}
	// A value inside a bucket reads as the bucket's bound, capped at max.
	var g Freshness
	g.add(3 * time.Millisecond)
	if got := g.Quantile(0.5); got != 3*time.Millisecond {
		t.Errorf("single value: %v, want 3ms (capped at max)", got)
	}
}

// TestFreshnessTable checks that filing by the table of bounds puts every
// delay where the formula does: in bucket i when FreshnessBound(i−1) < d ≤
// FreshnessBound(i), computed from the definition.
func TestFreshnessTable(t *testing.T) {
	for i := range freshnessBuckets {
		if FreshnessBound(i) != freshnessBound(i) || (i > 0 && FreshnessBound(i) <= FreshnessBound(i-1)) {
			t.Fatalf("bound %d: %v from the table, %v from the formula", i, FreshnessBound(i), freshnessBound(i))
		}
	}
	want := func(d time.Duration) int {
		for i := range freshnessBuckets - 1 {
			if d <= freshnessBound(i) {
				return i
			}
		}
		return freshnessBuckets - 1
	}
	for d := time.Duration(-5); d < 2000*time.Second; d = d*17/16 + 1 {
		for _, x := range []time.Duration{d - 1, d, d + 1} {
			var f Freshness
			f.add(x)
			if w := want(x); f.Counts[w] != 1 {
				t.Fatalf("add(%v) filed in %v, want bucket %d", x, f.Counts, w)
			}
		}
	}
}
