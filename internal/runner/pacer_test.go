package runner

import (
	"math"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// TestBurstPacerSchedule simulates an attack on the pacer alone: sending
// whenever Pace says so, it must send Base per second outside the burst
// and Base × Factor inside it.
func TestBurstPacerSchedule(t *testing.T) {
	b := &profile.Burst{At: profile.Duration(time.Second), Length: profile.Duration(500 * time.Millisecond), Factor: 4}
	p := burstPacer{Base: 100, Burst: b}
	var elapsed time.Duration
	var hits uint64
	perPhase := map[string]int{}
	for elapsed < 3*time.Second {
		wait, stop := p.Pace(elapsed, hits)
		if stop {
			t.Fatal("pacer stopped the attack")
		}
		if wait > 0 {
			elapsed += wait
			continue
		}
		switch {
		case elapsed < b.At.D():
			perPhase["before"]++
		case elapsed < b.At.D()+b.Length.D():
			perPhase["burst"]++
		default:
			perPhase["after"]++
		}
		hits++
	}
	// 1 s at 100/s, 0.5 s at 400/s, 1.5 s at 100/s.
	for phase, want := range map[string]int{"before": 100, "burst": 200, "after": 150} {
		if got := perPhase[phase]; math.Abs(float64(got-want)) > 1 {
			t.Errorf("%s: %d hits, want %d ± 1", phase, got, want)
		}
	}
	if p.Rate(1200*time.Millisecond) != 400 || p.Rate(2*time.Second) != 100 {
		t.Errorf("Rate: %v in the burst, %v after", p.Rate(1200*time.Millisecond), p.Rate(2*time.Second))
	}
}

// TestBurstPacerCatchesUp checks that a pacer behind schedule says send now.
func TestBurstPacerCatchesUp(t *testing.T) {
	p := burstPacer{Base: 1000, Burst: &profile.Burst{At: profile.Duration(time.Second), Length: profile.Duration(time.Second), Factor: 2}}
	if wait, _ := p.Pace(500*time.Millisecond, 10); wait != 0 {
		t.Errorf("behind schedule: wait %v, want 0", wait)
	}
	if wait, _ := p.Pace(0, 0); wait != 0 {
		t.Errorf("first hit: wait %v, want 0", wait)
	}
	if wait, _ := p.Pace(0, 1); wait != time.Millisecond {
		t.Errorf("second hit: wait %v, want 1ms", wait)
	}
}
