package model

import (
	"testing"
	"time"
)

func TestFlowAt(t *testing.T) {
	// Queue 2048, batch 512, timer 5 s, export 100 ms: ceiling 5 120/s.
	s := batchOf(2048, 512, 5*time.Second)
	l := load(0, 0, 100*time.Millisecond)
	tests := []struct {
		name          string
		rate          float64
		regime        Regime
		batch         float64
		interval      float64 // s
		exportsPerSec float64
	}{
		// Nothing arrives: the timer finds an empty batch, no export.
		{"idle", 0, RegimeTimer, 0, 5, 0},
		// 50/s × 5 s = 250 < 512: the timer sends 250 every 5 s.
		{"timer", 50, RegimeTimer, 250, 5, 0.2},
		// 0.1/s: a span every 10 s, so at most one export per span.
		{"sparse", 0.1, RegimeTimer, 0.5, 5, 0.1},
		// 1 000/s fills 512 in 0.512 s, before the timer.
		{"full", 1000, RegimeFull, 512, 0.512, 1 / 0.512},
		// Exactly at the ceiling: still keeping up.
		{"at ceiling", 5120, RegimeFull, 512, 0.1, 10},
		// 9 000/s: exports back to back, 10 a second.
		{"saturated", 9000, RegimeSaturated, 512, 0.1, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := flowAt(s, l, tt.rate)
			if f.regime != tt.regime || !near(f.batch, tt.batch) || !near(f.interval, tt.interval) || !near(f.exportsPerSec(), tt.exportsPerSec) {
				t.Errorf("flowAt(%v) = %v batch %v every %v s, %v exports/s; want %v batch %v every %v s, %v exports/s",
					tt.rate, f.regime, f.batch, f.interval, f.exportsPerSec(), tt.regime, tt.batch, tt.interval, tt.exportsPerSec)
			}
		})
	}
}

func TestFlowAtTimerRace(t *testing.T) {
	// Timer 10 ms, export 30 ms, 1 000 spans/s: exports every 30 + 10/2 =
	// 35 ms carrying 35 spans (measured on the SDK: 57 exports in 2 s,
	// 35 ms apart, 32 spans on average).
	f := flowAt(batchOf(2048, 512, 10*time.Millisecond), load(1000, 1, 30*time.Millisecond), 1000)
	if !f.races || f.regime != RegimeTimer || !near(f.interval, 0.035) || !near(f.batch, 35) {
		t.Errorf("flowAt = %+v, want a timer race exporting 35 spans every 35 ms", f)
	}
}

func TestRegimeString(t *testing.T) {
	for r, want := range map[Regime]string{RegimeTimer: "timer", RegimeFull: "full", RegimeSaturated: "saturated", Regime(9): "unknown"} {
		if got := r.String(); got != want {
			t.Errorf("Regime(%d).String() = %q, want %q", int(r), got, want)
		}
	}
}
