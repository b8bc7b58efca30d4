package model

import (
	"errors"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"testing"
	"time"
)

func TestPredictRun(t *testing.T) {
	ms := time.Millisecond
	// Two export durations: 10 ms nine times in ten, 50 ms once.
	spread := []LatencyPoint{{10 * ms, 9}, {50 * ms, 1}}
	blocking := batchOf(20, 10, time.Second)
	blocking.Blocking = true
	tests := []struct {
		name     string
		s        settings.Batch
		l        Load
		lat      []LatencyPoint
		d        time.Duration
		want     RunPrediction
		fraction float64 // DropFraction, checked to 1e-6 relative
	}{
		// M 10, Q 20, exports of 10 ms (μ 1 000/s), 2 000 spans/s for 1 s.
		// The first batch fills in 5 ms; each export lets 20 spans in and
		// takes 10 out, so the queue holds 10 at the start of every export
		// from the second on and overflows by 10 in each. The second export
		// starts at 15 ms, so 98.5 exports that drop 10 fit in the rest of
		// the second (the one running at the end counts in part).
		{"saturated from idle", batchOf(20, 10, time.Second), load(2000, 1, 10*ms), nil, time.Second,
			RunPrediction{Offered: 2000, Dropped: 985, Exports: 99.5}, 985.0 / 2000},
		// The same below the ceiling: 500 spans/s never fill the queue.
		{"keeping up", batchOf(20, 10, time.Second), load(500, 1, 10*ms), nil, time.Second,
			RunPrediction{Offered: 500, Dropped: 0}, 0},
		// M 10, Q 10, 500 spans/s: the mean export (14 ms, μ 714/s) keeps up,
		// but a 50 ms export lets 25 spans in and drops 15. The queue is
		// empty at the start of every export (a 10 ms export leaves 5, and
		// the worker waits 10 ms for 5 more; a 50 ms one leaves 10, a whole
		// batch). First batch after 20 ms, then each export takes 23 ms and
		// offers 11.5 spans on average, 1.5 dropped: 100 exports end at
		// 2.32 s.
		{"slow export overflows a short queue", batchOf(10, 10, time.Second), load(500, 1, 0), spread, 2320 * ms,
			RunPrediction{Offered: 10 + 100*11.5, Dropped: 150, Exports: 100}, 150 / 1160.0},
		// The same spread with a queue of 1 000: only some forty slow
		// exports in a row would overflow it.
		{"slow export absorbed", batchOf(1000, 10, time.Second), load(500, 1, 0), spread, 2320 * ms,
			RunPrediction{Offered: 1160, Dropped: 0}, 0},
		// Blocking never drops.
		{"blocking", blocking, load(2000, 1, 10*ms), nil, time.Second,
			RunPrediction{Offered: 2000}, 0},
		// Exports that take no time: no ceiling, nothing dropped.
		{"instant exports", batchOf(20, 10, time.Second), load(2000, 1, 0), nil, time.Second,
			RunPrediction{Offered: 2000}, 0},
		// No traffic.
		{"no spans", batchOf(20, 10, time.Second), load(0, 1, 10*ms), nil, time.Second, RunPrediction{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PredictRun(tc.s, tc.l, tc.lat, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got.Offered, tc.want.Offered) || !near(got.Dropped, tc.want.Dropped) || !near(got.DropFraction, tc.fraction) {
				t.Errorf("got %+v, want %+v (drop fraction %v)", got, tc.want, tc.fraction)
			}
			if tc.want.Exports > 0 && !near(got.Exports, tc.want.Exports) {
				t.Errorf("exports %v, want %v", got.Exports, tc.want.Exports)
			}
		})
	}
}

// A long saturated run drops 1 − μ/λ, μ being Ceiling: with a timer race
// too, where the chain's random split must average RaceBatchSize.
func TestPredictRunConvergesToCeiling(t *testing.T) {
	tests := []struct {
		name string
		s    settings.Batch
		lat  time.Duration
	}{
		// M 64, export 20 ms, timer 5 s: μ 3 200/s.
		{"full batches", batchOf(256, 64, 5*time.Second), 20 * time.Millisecond},
		// M 64, export 22 ms, timer 10 ms: the timer races every export;
		// μ = RaceBatchSize(64)/22 ms ≈ 1 500/s.
		{"timer race", batchOf(256, 64, 10*time.Millisecond), 22 * time.Millisecond},
		// M 2: RaceBatchSize(2) = 1.75 spans per 10 ms export, μ 175/s.
		{"timer race, batch 2", batchOf(64, 2, time.Millisecond), 10 * time.Millisecond},
		// A queue longer than maxRunStates is tracked in steps of spans.
		{"long queue", batchOf(3*maxRunStates, 512, 5*time.Second), 100 * time.Millisecond},
		{"long queue, timer race", batchOf(3*maxRunStates, 512, 50*time.Millisecond), 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := load(1, 1, tc.lat)
			mu := Ceiling(tc.s, l)
			l.RequestsPerSec = 3 * mu
			got, err := PredictRun(tc.s, l, nil, 1000*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			want := 1 - mu/(3*mu)
			if math.Abs(got.DropFraction-want) > 0.002 {
				t.Errorf("drop fraction %.5f over 1000 s at 3 × the ceiling %.0f/s, want %.5f", got.DropFraction, mu, want)
			}
		})
	}
}

// Under a timer race the exports of a few spans make loss start well below
// the ceiling: the 22 ms exports of a batch of 64 with a 10 ms timer keep
// up with 1 200 spans/s in steady state (μ ≈ 1 500/s) but, measured over
// 4 s runs of a queue of 256, lost 0.6% at 1 200 spans/s, 12.5% at 1 500.
func TestPredictRunTimerRaceBelowCeiling(t *testing.T) {
	s := batchOf(256, 64, 10*time.Millisecond)
	for _, tc := range []struct {
		rate     float64 // spans/s
		min, max float64 // expected drop fraction
	}{
		{900, 0, 0.001},
		{1200, 0.002, 0.02},
		{1500, 0.03, 0.10},
		{2400, 0.33, 0.38},
	} {
		got, err := PredictRun(s, load(tc.rate, 1, 22*time.Millisecond), nil, 4*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.DropFraction < tc.min || got.DropFraction > tc.max {
			t.Errorf("%.0f spans/s: drop fraction %.4f, want %.3f–%.3f", tc.rate, got.DropFraction, tc.min, tc.max)
		}
	}
}

func TestPredictRunRejects(t *testing.T) {
	ok := batchOf(20, 10, time.Second)
	tests := []struct {
		name string
		s    settings.Batch
		lat  []LatencyPoint
		d    time.Duration
		want error
	}{
		{"zero length", ok, nil, 0, ErrInvalidLoad},
		{"negative latency", ok, []LatencyPoint{{-time.Millisecond, 1}}, time.Second, ErrInvalidLoad},
		{"no weight", ok, []LatencyPoint{{time.Millisecond, 0}}, time.Second, ErrInvalidLoad},
		{"invalid settings", batchOf(0, 10, time.Second), nil, time.Second, ErrInvalidSettings},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PredictRun(tc.s, load(100, 1, time.Millisecond), tc.lat, tc.d); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestRunOnsetRequestsPerSec(t *testing.T) {
	ms := time.Millisecond
	s := batchOf(20, 10, time.Second)
	// Exports of 10 ms: μ 1 000 spans/s, 500 requests/s at 2 spans each.
	steady := 500.0
	// Over a long run the onset is the steady one, a little above it (the
	// queue absorbs Q + M spans at the start).
	long, err := RunOnsetRequestsPerSec(s, load(0, 2, 10*ms), nil, 1000*time.Second, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if long < steady || long > 1.01*steady {
		t.Errorf("onset over 1000 s %.1f/s, want just above %.0f/s", long, steady)
	}
	// Over 100 ms the 20 + 10 spans absorbed at the start matter: a higher
	// onset.
	short, err := RunOnsetRequestsPerSec(s, load(0, 2, 10*ms), nil, 100*ms, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if short <= 1.1*steady {
		t.Errorf("onset over 100 ms %.1f/s, want well above %.0f/s", short, steady)
	}
	// With one export in ten taking 50 ms (mean 14 ms, steady onset 357/s)
	// a queue of 10 overflows below the mean's ceiling.
	spread := []LatencyPoint{{10 * ms, 9}, {50 * ms, 1}}
	low, err := RunOnsetRequestsPerSec(batchOf(10, 10, time.Second), load(0, 2, 0), spread, 10*time.Second, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if low >= 10/0.014/2 {
		t.Errorf("onset with a slow export in ten %.1f/s, want below the mean's %.1f/s", low, 10/0.014/2)
	}
	// No spans, no onset.
	none, err := RunOnsetRequestsPerSec(s, Load{SpansPerRequest: 2, ExportLatency: 10 * ms}, nil, time.Second, 0.005)
	if err != nil || !math.IsInf(none, 1) {
		t.Errorf("onset without sampled spans %v, %v; want +Inf", none, err)
	}
	if _, err := RunOnsetRequestsPerSec(s, load(0, 2, 10*ms), nil, time.Second, 1.5); !errors.Is(err, ErrInvalidLoad) {
		t.Errorf("threshold 1.5: error %v, want ErrInvalidLoad", err)
	}
}
