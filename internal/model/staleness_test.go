package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"testing"
	"time"
)

func TestStaleness(t *testing.T) {
	ms := time.Millisecond
	blocking := batchOf(2048, 512, 5*time.Second)
	blocking.Blocking = true
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		want Staleness
	}{
		// 100 spans/s, timer 1 s: a span waits up to 1 s (0.5 s on average)
		// for the timer, then a 100 ms export.
		{"timer", batchOf(2048, 512, time.Second), load(100, 1, 100*ms),
			Staleness{500 * ms, 1000 * ms, 600 * ms, 1100 * ms}},
		// 1 000 spans/s fill 512 in 512 ms, before the 5 s timer.
		{"full", batchOf(2048, 512, 5*time.Second), load(1000, 1, 100*ms),
			Staleness{256 * ms, 512 * ms, 356 * ms, 612 * ms}},
		// 9 000/s against 5 120/s: a span that gets in waits behind the
		// queue, 2 048/5 120 s less half a batch's arrival, and at worst
		// 4 exports of 100 ms.
		{"saturated", batchOf(2048, 512, 5*time.Second), load(9000, 1, 100*ms),
			Staleness{seconds(0.4 - 512.0/18000), 400 * ms, seconds(0.5 - 512.0/18000), 500 * ms}},
		// Queue 2 000 is not a whole number of batches: ⌈2000/512⌉ = 4.
		{"saturated, partial batch", batchOf(2000, 512, 5*time.Second), load(9000, 1, 100*ms),
			Staleness{seconds(2000.0/5120 - 512.0/18000), 400 * ms, seconds(2000.0/5120 + 0.1 - 512.0/18000), 500 * ms}},
		// Blocking under overload: the wait in OnEnd has no bound.
		{"saturated, blocking", blocking, load(9000, 1, 100*ms),
			Staleness{Forever, Forever, Forever, Forever}},
		// Timer 10 ms, export 30 ms: T + D typical (40 ms measured), T + 7D
		// at the 99th percentile.
		{"timer race", batchOf(2048, 512, 10*ms), load(1000, 1, 30*ms),
			Staleness{40 * ms, 220 * ms, 70 * ms, 250 * ms}},
		// No traffic: what a lone span would see.
		{"idle", batchOf(2048, 512, time.Second), load(0, 1, 100*ms),
			Staleness{500 * ms, 1000 * ms, 600 * ms, 1100 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stalenessOf(tt.s, flowAt(tt.s, tt.l, SpanRate(tt.l)))
			if !nearDuration(got.TypicalToStart, tt.want.TypicalToStart) || !nearDuration(got.WorstToStart, tt.want.WorstToStart) ||
				!nearDuration(got.TypicalToDone, tt.want.TypicalToDone) || !nearDuration(got.WorstToDone, tt.want.WorstToDone) {
				t.Errorf("staleness = %+v, want %+v", got, tt.want)
			}
		})
	}
}
