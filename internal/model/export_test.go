package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		want float64 // spans/s
	}{
		// 512 spans every 5 ms.
		{"batch 512, 5 ms", batchOf(2048, 512, 5*time.Second), load(0, 0, 5*time.Millisecond), 102_400},
		// 512 spans every 100 ms.
		{"batch 512, 100 ms", batchOf(2048, 512, 5*time.Second), load(0, 0, 100*time.Millisecond), 5_120},
		// A size-dependent part: 5 ms + 512 × 10 µs = 10.12 ms per batch.
		{"per-span cost", batchOf(2048, 512, 5*time.Second),
			Load{ExportLatency: 5 * time.Millisecond, PerSpanExportCost: 10 * time.Microsecond}, 512 / 0.01012},
		// The export is cut at the 50 ms export timeout: the worker is free
		// again after 50 ms (and the spans are lost, see LossFraction).
		{"export timeout cut", settings.Batch{QueueSize: 2048, MaxExportBatchSize: 512, BatchTimeout: time.Second, ExportTimeout: 50 * time.Millisecond},
			load(0, 0, 100*time.Millisecond), 10_240},
		// Exports that take no time: no ceiling.
		{"instant export", batchOf(2048, 512, time.Second), Load{}, math.Inf(1)},
		// Timer 10 ms, export 20 ms: the timer races every export and the
		// mean batch is 512/2 + 1 = 257 (less 2^-512), every 20 ms.
		{"timer race", batchOf(2048, 512, 10*time.Millisecond), load(0, 0, 20*time.Millisecond), 257 / 0.02},
		// An export exactly as long as the timer counts as a race.
		{"race boundary", batchOf(2048, 512, 20*time.Millisecond), load(0, 0, 20*time.Millisecond), 257 / 0.02},
		// A batch of one never splits: 1 span per 20 ms.
		{"race batch 1", batchOf(8, 1, 10*time.Millisecond), load(0, 0, 20*time.Millisecond), 50},
		// Invalid batch size: 0, not a panic.
		{"batch 0", batchOf(2048, 0, time.Second), load(0, 0, time.Millisecond), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Ceiling(tt.s, tt.l); !near(got, tt.want) {
				t.Errorf("Ceiling = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRaceBatchSize(t *testing.T) {
	tests := []struct {
		m    int
		want float64
	}{
		{0, 0},     // no batch
		{1, 1},     // one span, always
		{2, 1.75},  // 2 w.p. 1/2 (timer first) + 1/4 (two spans first); 1 w.p. 1/4
		{3, 2.375}, // 3/2 + 1 − 1/8
		{512, 257}, // 256 + 1 − 2^-512
	}
	for _, tt := range tests {
		if got := RaceBatchSize(tt.m); !near(got, tt.want) {
			t.Errorf("RaceBatchSize(%d) = %v, want %v", tt.m, got, tt.want)
		}
	}
}

func TestTimerRaces(t *testing.T) {
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		want bool
	}{
		// 100 ms export, 5 s timer.
		{"default timer", settings.DefaultBatch(), load(0, 0, 100*time.Millisecond), false},
		// 100 ms export, 100 ms timer.
		{"equal", batchOf(2048, 512, 100*time.Millisecond), load(0, 0, 100*time.Millisecond), true},
		// 60 ms + 512 × 100 µs = 111.2 ms for a full batch, 100 ms timer.
		{"per-span cost tips it", batchOf(2048, 512, 100*time.Millisecond),
			Load{ExportLatency: 60 * time.Millisecond, PerSpanExportCost: 100 * time.Microsecond}, true},
		// A 10 s collector stall cut at a 50 ms export timeout, 1 s timer.
		{"cut below timer", settings.Batch{QueueSize: 2048, MaxExportBatchSize: 512, BatchTimeout: time.Second, ExportTimeout: 50 * time.Millisecond},
			load(0, 0, 10*time.Second), false},
	}
	for _, tt := range tests {
		if got := TimerRaces(tt.s, tt.l); got != tt.want {
			t.Errorf("%s: TimerRaces = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	tests := []struct {
		sec  float64
		want time.Duration
	}{
		{0.4197, 419_700 * time.Microsecond}, // rounds to the nanosecond
		{-1, 0},                              // negative: 0
		{math.NaN(), 0},                      // NaN: 0
		{math.Inf(1), Forever},               // no bound
		{1e12, Forever},                      // beyond 292 years
	}
	for _, tt := range tests {
		if got := seconds(tt.sec); got != tt.want {
			t.Errorf("seconds(%v) = %v, want %v", tt.sec, got, tt.want)
		}
	}
}
