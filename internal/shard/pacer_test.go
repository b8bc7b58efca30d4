package shard

import (
	"slices"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// dueTimes are the due times of the hits a pacer sends, stepping its
// clock to each due time as a prompt attacker would.
func dueTimes(p Pacer, limit int) []time.Duration {
	var out []time.Duration
	elapsed := time.Duration(0)
	for hits := uint64(0); len(out) < limit; hits++ {
		wait, stop := p.Pace(elapsed, hits)
		if stop {
			break
		}
		elapsed += wait
		out = append(out, elapsed)
	}
	return out
}

func TestPacerShardsMakeTheWholeSchedule(t *testing.T) {
	burst := &profile.Burst{At: profile.Duration(300 * time.Millisecond), Length: profile.Duration(200 * time.Millisecond), Factor: 4}
	for _, tc := range []struct {
		name   string
		total  float64
		burst  *profile.Burst
		shards int
	}{
		// One shard is the whole attack.
		{"one shard", 200, nil, 1},
		// Two shards at 100/s each interleave into 200/s.
		{"two shards", 200, nil, 2},
		// A rate that does not divide by the shards.
		{"three shards of 200", 200, nil, 3},
		// The burst's spike is shared as the base rate is.
		{"four shards with a burst", 300, burst, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			du := time.Second
			whole := dueTimes(Pacer{Total: tc.total, Burst: tc.burst, Shards: 1, Duration: du}, 10000)
			var merged []time.Duration
			for i := range tc.shards {
				p := Pacer{Total: tc.total, Burst: tc.burst, Shard: i, Shards: tc.shards, Duration: du}
				merged = append(merged, dueTimes(p, 10000)...)
			}
			slices.Sort(merged)
			if !slices.Equal(merged, whole) {
				t.Fatalf("%d shards send %d hits, one attacker %d; first differences: %v vs %v", tc.shards, len(merged), len(whole), head(merged), head(whole))
			}
			if last := whole[len(whole)-1]; last >= du {
				t.Errorf("a hit is due at %v, not before the duration %v", last, du)
			}
			if tc.burst == nil && len(whole) != int(tc.total) {
				t.Errorf("%d hits in one second at %g/s", len(whole), tc.total)
			}
		})
	}
}

func head(d []time.Duration) []time.Duration { return d[:min(len(d), 5)] }

func TestPacerLateShardKeepsTheCommonSchedule(t *testing.T) {
	// Shard 1 of 2 at 200/s is due at 5 ms, 15 ms, …; 7 ms late, its
	// first hit is overdue (send now) and its second due 8 ms later.
	p := Pacer{Total: 200, Shard: 1, Shards: 2, Late: 7 * time.Millisecond}
	if w, _ := p.Pace(0, 0); w != 0 {
		t.Errorf("first hit: wait %v, want 0 (overdue)", w)
	}
	if w, _ := p.Pace(0, 1); w != 8*time.Millisecond {
		t.Errorf("second hit: wait %v, want 8ms", w)
	}
	if r := p.Rate(0); r != 100 {
		t.Errorf("Rate = %g, want 100 (the shard's share)", r)
	}
}
