package model

import (
	"errors"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"testing"
	"time"
)

func TestAbsorbedSpans(t *testing.T) {
	tests := []struct {
		name           string
		queue          int
		batch, d, peak float64
		want           float64
	}{
		// Queue 2048, batch 512, 100 ms, 10 000/s: 1 000 enter per export,
		// the queue grows 488 per export and overflows in export 3 (3 × 488
		// + 1 000 > 2 048), after 2 048 + 3 × 512 spans: 358.4 ms.
		{"sawtooth", 2048, 512, 0.1, 10_000, 3584},
		// One export brings more than the queue holds: drops after Q spans.
		{"first export", 512, 512, 0.1, 10_000, 512},
		// Export 0 fills the queue exactly without a drop; export 1 starts
		// at 488 and overflows after 1 000 + 512 spans.
		{"boundary", 1000, 512, 0.1, 10_000, 1000 + 512},
		// At the ceiling the queue never grows.
		{"at ceiling", 2048, 512, 0.1, 5_120, math.Inf(1)},
		// No traffic.
		{"no peak", 2048, 512, 0.1, 0, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AbsorbedSpans(tt.queue, tt.batch, tt.d, tt.peak); !near(got, tt.want) {
				t.Errorf("AbsorbedSpans = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPeakQueue(t *testing.T) {
	tests := []struct {
		name                   string
		batch, d, peak, length float64
		want                   float64
	}{
		// 358.4 ms at 10 000/s: 3 × 488 + 584 = 2 048 at the end.
		{"to first drop", 512, 0.1, 10_000, 0.3584, 2048},
		// Half an export: 500 spans queued.
		{"half export", 512, 0.1, 10_000, 0.05, 500},
		// One export exactly: 1 000 just before the removal.
		{"one export", 512, 0.1, 10_000, 0.1, 1000},
		// 1 s: 9 × 488 + 1 000 = 5 392 before the tenth removal.
		{"one second", 512, 0.1, 10_000, 1, 5392},
		// Below the ceiling: one export's arrivals, 400.
		{"below ceiling", 512, 0.1, 4_000, 10, 400},
		// Nothing.
		{"no length", 512, 0.1, 10_000, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PeakQueue(tt.batch, tt.d, tt.peak, tt.length); !near(got, tt.want) {
				t.Errorf("PeakQueue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBurstAt(t *testing.T) {
	s := batchOf(2048, 512, 5*time.Second) // 100 ms exports: μ 5 120/s
	blocking := s
	blocking.Blocking = true
	withBurst := func(peak float64, length time.Duration) Load {
		l := load(1000, 1, 100*time.Millisecond)
		l.Burst = Burst{PeakRequestsPerSec: peak, Length: length}
		return l
	}
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		want BurstPrediction
	}{
		// Not the fluid 2 048/4 880 = 419.7 ms: 358.4 ms from an export's
		// start, 409.6 ms from an idle worker; no length, so the steady
		// share 1 − 5 120/10 000 drops.
		{"endless peak", s, withBurst(10_000, 0), BurstPrediction{PeakSpanRate: 10_000,
			Absorb: 358_400 * time.Microsecond, AbsorbFromIdle: 409_600 * time.Microsecond, DropFraction: 0.488}},
		// A 1 s burst drops 4 880 × (1 − 0.3584) spans.
		{"one second", s, withBurst(10_000, time.Second), BurstPrediction{PeakSpanRate: 10_000,
			Absorb: 358_400 * time.Microsecond, AbsorbFromIdle: 409_600 * time.Microsecond,
			Dropped: 4880 * 0.6416, DropFraction: 4880 * 0.6416 / 10_000}},
		// A 300 ms burst fits.
		{"short", s, withBurst(10_000, 300*time.Millisecond), BurstPrediction{PeakSpanRate: 10_000,
			Absorb: 358_400 * time.Microsecond, AbsorbFromIdle: 409_600 * time.Microsecond}},
		// Blocking: the last span of the 1 s burst waits 3 131 spans / 5 120/s.
		{"blocking", blocking, withBurst(10_000, time.Second), BurstPrediction{PeakSpanRate: 10_000,
			Absorb: 358_400 * time.Microsecond, AbsorbFromIdle: 409_600 * time.Microsecond,
			MaxBlock: seconds(4880 * 0.6416 / 5120)}},
		// Blocking without end: the wait has no bound.
		{"blocking endless", blocking, withBurst(10_000, 0), BurstPrediction{PeakSpanRate: 10_000,
			Absorb: 358_400 * time.Microsecond, AbsorbFromIdle: 409_600 * time.Microsecond, MaxBlock: Forever}},
		// A peak under the ceiling is absorbed for ever.
		{"under ceiling", s, withBurst(4000, time.Minute), BurstPrediction{PeakSpanRate: 4000, Absorb: Forever, AbsorbFromIdle: Forever}},
		// No burst: the steady rate, here under the ceiling.
		{"no burst", s, load(1000, 1, 100*time.Millisecond), BurstPrediction{PeakSpanRate: 1000, Absorb: Forever, AbsorbFromIdle: Forever}},
		// No burst and a steady overload: the time until drops start.
		{"steady overload", s, load(3000, 3, 100*time.Millisecond), BurstPrediction{PeakSpanRate: 9000,
			// 900 enter per export, +388 each: export 3 overflows (3 × 388 +
			// 900 > 2048) after 2 048 + 1 536 spans.
			Absorb: seconds(3584.0 / 9000), AbsorbFromIdle: seconds(4096.0 / 9000), DropFraction: 1 - 5120.0/9000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := burstAt(tt.s, tt.l)
			if !near(got.PeakSpanRate, tt.want.PeakSpanRate) || !nearDuration(got.Absorb, tt.want.Absorb) ||
				!nearDuration(got.AbsorbFromIdle, tt.want.AbsorbFromIdle) || !near(got.Dropped, tt.want.Dropped) ||
				!near(got.DropFraction, tt.want.DropFraction) || !nearDuration(got.MaxBlock, tt.want.MaxBlock) {
				t.Errorf("burstAt =\n%+v, want\n%+v", got, tt.want)
			}
		})
	}
}

func TestMinQueueFor(t *testing.T) {
	s := batchOf(0, 512, 5*time.Second) // queue size is the answer
	burst := func(base, peak float64, length time.Duration) Load {
		l := load(base, 1, 100*time.Millisecond)
		l.Burst = Burst{PeakRequestsPerSec: peak, Length: length}
		return l
	}
	tests := []struct {
		name    string
		s       settings.Batch
		l       Load
		want    int
		wantErr error
	}{
		// The sawtooth's top over 358.4 ms at 10 000/s.
		{"358 ms", s, burst(1000, 10_000, 358_400*time.Microsecond), 2048, nil},
		// Over 1 s: 5 392 (5 391 would drop at 999.9 ms).
		{"1 s", s, burst(1000, 10_000, time.Second), 5392, nil},
		// A burst under the ceiling needs only a batch's worth.
		{"under ceiling", s, burst(1000, 5000, time.Hour), 512, nil},
		// No burst, steady rate under the ceiling.
		{"steady", s, load(1000, 1, 100*time.Millisecond), 512, nil},
		// A burst without end fills any queue.
		{"endless", s, burst(1000, 10_000, 0), 0, ErrNoSolution},
		// So does a steady overload.
		{"steady overload", s, load(9000, 1, 100*time.Millisecond), 0, ErrNoSolution},
		// Timer 50 ms, export 100 ms: batches split at random; no answer.
		{"timer race", batchOf(0, 512, 50*time.Millisecond), burst(1000, 10_000, time.Second), 0, ErrNoSolution},
		// Invalid settings other than the queue are reported.
		{"bad timer", batchOf(0, 512, 0), burst(1000, 10_000, time.Second), 0, ErrInvalidSettings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MinQueueFor(tt.s, tt.l)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("MinQueueFor = %d, %v; want an error wrapping %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("MinQueueFor = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestMinQueueForIsTight(t *testing.T) {
	// Over a grid, the queue MinQueueFor returns absorbs the burst, and one
	// span less does not (unless the answer is the batch size floor).
	for _, m := range []int{64, 512, 1000} {
		for _, lat := range []time.Duration{time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond} {
			for _, factor := range []float64{1.1, 2, 10} {
				for _, length := range []time.Duration{10 * time.Millisecond, 250 * time.Millisecond, 3 * time.Second} {
					s := batchOf(0, m, time.Hour)
					l := load(0, 1, lat)
					peak := factor * Ceiling(batchOf(m, m, time.Hour), l)
					l.Burst = Burst{PeakRequestsPerSec: peak, Length: length}
					q, err := MinQueueFor(s, l)
					if err != nil {
						t.Fatalf("m %d lat %v ×%v %v: %v", m, lat, factor, length, err)
					}
					d := lat.Seconds()
					if got := AbsorbedSpans(q, float64(m), d, peak) / peak; got < length.Seconds()*(1-1e-9) {
						t.Errorf("m %d lat %v ×%v %v: queue %d absorbs only %v s", m, lat, factor, length, q, got)
					}
					if q > m {
						if got := AbsorbedSpans(q-1, float64(m), d, peak) / peak; got >= length.Seconds()*(1+1e-9) {
							t.Errorf("m %d lat %v ×%v %v: queue %d − 1 already absorbs %v s", m, lat, factor, length, q, got)
						}
					}
				}
			}
		}
	}
}
