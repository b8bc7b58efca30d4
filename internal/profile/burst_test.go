package profile

import (
	"testing"
	"time"
)

func TestBurstSchedule(t *testing.T) {
	b := &Burst{At: Duration(time.Second), Length: Duration(time.Second), Factor: 3}
	for _, tc := range []struct {
		b       *Burst
		elapsed time.Duration
		hits    float64
	}{
		{nil, 2 * time.Second, 200},
		{b, 500 * time.Millisecond, 50},
		{b, 1500 * time.Millisecond, 100 + 150},
		{b, 3 * time.Second, 100 + 300 + 100},
	} {
		if got := tc.b.Hits(100, tc.elapsed); got != tc.hits {
			t.Errorf("Hits(100, %v) = %v, want %v", tc.elapsed, got, tc.hits)
		}
		// Due is the inverse of Hits.
		if got := tc.b.Due(100, tc.hits); got != tc.elapsed {
			t.Errorf("Due(100, %v) = %v, want %v", tc.hits, got, tc.elapsed)
		}
	}
	if b.RateAt(100, 1500*time.Millisecond) != 300 || b.RateAt(100, 2*time.Second) != 100 || (*Burst)(nil).RateAt(100, 0) != 100 {
		t.Error("RateAt")
	}
}
