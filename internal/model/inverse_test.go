package model

import (
	"errors"
	"testing"
	"time"
)

func TestMinBatchSizeFor(t *testing.T) {
	ms, us := time.Millisecond, time.Microsecond
	tests := []struct {
		name    string
		rate    float64
		lat     time.Duration
		per     time.Duration
		target  float64
		want    int
		wantErr error
	}{
		// 9 000/s × 100 ms at full utilisation: 900.
		{"full use", 9000, 100 * ms, 0, 1, 900, nil},
		// At 90%: 9 000 × 0.1 / 0.9 = 1 000, not 1 001 from rounding.
		{"90 percent", 9000, 100 * ms, 0, 0.9, 1000, nil},
		// 100 000/s, 5 ms, half: 1 000.
		{"half", 100_000, 5 * ms, 0, 0.5, 1000, nil},
		// 10 000/s, 5 ms + 10 µs a span, 80%: 50 / (0.8 − 0.1) = 71.4 → 72.
		{"per-span cost", 10_000, 5 * ms, 10 * us, 0.8, 72, nil},
		// No traffic: the smallest batch.
		{"idle", 0, 100 * ms, 0, 0.5, 1, nil},
		// 100 000/s × 10 µs uses the whole worker already.
		{"per-span cost too high", 100_000, 5 * ms, 10 * us, 0.8, 0, ErrNoSolution},
		// A target of 0 cannot be met.
		{"target 0", 1000, ms, 0, 0, 0, ErrNoSolution},
		// Nor above 1.
		{"target above 1", 1000, ms, 0, 1.5, 0, ErrNoSolution},
		// A negative rate is no load.
		{"negative rate", -1, ms, 0, 0.5, 0, ErrInvalidLoad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MinBatchSizeFor(tt.rate, tt.lat, tt.per, tt.target)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("MinBatchSizeFor = %d, %v; want an error wrapping %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("MinBatchSizeFor = %d, %v; want %d", got, err, tt.want)
			}
			// The answer meets the target and one less does not.
			l := Load{RequestsPerSec: tt.rate, SpansPerRequest: 1, SampledShare: 1, ExportLatency: tt.lat, PerSpanExportCost: tt.per}
			use := func(m int) float64 { return tt.rate / Ceiling(batchOf(m, m, time.Hour), l) }
			if u := use(got); u > tt.target*(1+1e-9) {
				t.Errorf("batch %d: utilisation %v above %v", got, u, tt.target)
			}
			if got > 1 {
				if u := use(got - 1); u <= tt.target {
					t.Errorf("batch %d − 1: utilisation %v already within %v", got, u, tt.target)
				}
			}
		})
	}
}

func TestMaxBatchTimeoutFor(t *testing.T) {
	ms, us := time.Millisecond, time.Microsecond
	perSpan := func(rps float64, lat, per time.Duration) Load {
		l := load(rps, 1, lat)
		l.PerSpanExportCost = per
		return l
	}
	tests := []struct {
		name    string
		l       Load
		worst   time.Duration
		want    time.Duration
		wantErr error
	}{
		// 2 s worst with 100 ms exports: a 1.9 s timer.
		{"plain", load(1000, 1, 100*ms), 2 * time.Second, 1900 * ms, nil},
		// 100/s, 50 ms + 100 µs a span: T + 0.05 + 0.01 T = 1 s, T =
		// 0.95/1.01 (94 spans, under a batch).
		{"per-span, timer", perSpan(100, 50*ms, 100*us), time.Second, seconds(0.95 / 1.01), nil},
		// 1 000/s: the timer would gather more than 512, so the worst batch
		// is a full one: T = 2 − 0.05 − 0.0512.
		{"per-span, full", perSpan(1000, 50*ms, 100*us), 2 * time.Second, 1898800 * us, nil},
		// 150 ms worst leaves 50 ms, under the 100 ms export: a race.
		{"too tight", load(1000, 1, 100*ms), 150 * ms, 0, ErrNoSolution},
		// 9 000/s saturate: the queue sets staleness.
		{"saturated", load(9000, 1, 100*ms), 10 * time.Second, 0, ErrNoSolution},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MaxBatchTimeoutFor(batchOf(2048, 512, time.Second), tt.l, tt.worst)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("MaxBatchTimeoutFor = %v, %v; want an error wrapping %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !nearDuration(got, tt.want) {
				t.Fatalf("MaxBatchTimeoutFor = %v, %v; want %v", got, err, tt.want)
			}
			// With that timer, the worst staleness at the rate that just
			// fills a batch by timer is the target.
			s := batchOf(2048, 512, got)
			l := tt.l
			l.RequestsPerSec = min(l.RequestsPerSec, 512/got.Seconds())
			p, err := Predict(s, l)
			if err != nil {
				t.Fatal(err)
			}
			if !nearDuration(p.Staleness.WorstToDone, tt.worst) {
				t.Errorf("worst staleness with the answer: %v, want %v", p.Staleness.WorstToDone, tt.worst)
			}
		})
	}
}
