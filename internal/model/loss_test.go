package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"testing"
	"time"
)

func TestLoss(t *testing.T) {
	base := batchOf(2048, 512, 5*time.Second)
	blocking := base
	blocking.Blocking = true
	cut := base
	cut.ExportTimeout = 50 * time.Millisecond
	cut100 := base
	cut100.ExportTimeout = 100 * time.Millisecond
	tests := []struct {
		name        string
		s           settings.Batch
		l           Load
		drop, loss  float64
		onsetPerSec float64 // requests/s
	}{
		// 9 000 spans/s against 5 120: 1 − 5 120/9 000 dropped; loss starts
		// at 5 120/3 requests/s.
		{"overloaded", base, load(3000, 3, 100*time.Millisecond), 1 - 5120.0/9000, 1 - 5120.0/9000, 5120.0 / 3},
		// Below the ceiling nothing is lost.
		{"keeping up", base, load(1000, 3, 100*time.Millisecond), 0, 0, 5120.0 / 3},
		// Sampling half the requests doubles the onset: 5 120/(3 × 0.5).
		{"sampled half", base, Load{RequestsPerSec: 3000, SpansPerRequest: 3, SampledShare: 0.5, ExportLatency: 100 * time.Millisecond},
			0, 0, 5120.0 / 1.5},
		// Blocking drops nothing: OnEnd waits instead.
		{"blocking", blocking, load(3000, 3, 100*time.Millisecond), 0, 0, 5120.0 / 3},
		// Every 100 ms export outlasts the 50 ms export timeout: all lost,
		// from the first request. The worker is free every 50 ms, so the
		// queue drops 1 − 10 240/12 000 of 12 000 spans/s as well.
		{"export timeout", cut, load(4000, 3, 100*time.Millisecond), 1 - 10240.0/12000, 1, 0},
		// 10 ms + 1 ms per span, timeout 100 ms: batches above 90 spans
		// fail; the 5 s timer gathers 90 at 18 spans/s, 9 requests/s.
		{"per-span timeout", cut100, Load{RequestsPerSec: 5, SpansPerRequest: 2, SampledShare: 1,
			ExportLatency: 10 * time.Millisecond, PerSpanExportCost: time.Millisecond}, 0, 0, 9},
		// No spans reach the processor: loss never starts.
		{"unsampled", base, Load{RequestsPerSec: 3000, SpansPerRequest: 3, ExportLatency: time.Second}, 0, 0, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DropFraction(tt.s, tt.l); !near(got, tt.drop) {
				t.Errorf("DropFraction = %v, want %v", got, tt.drop)
			}
			if got := LossFraction(tt.s, tt.l); !near(got, tt.loss) {
				t.Errorf("LossFraction = %v, want %v", got, tt.loss)
			}
			if got := LossOnsetRequestsPerSec(tt.s, tt.l); !near(got, tt.onsetPerSec) {
				t.Errorf("LossOnsetRequestsPerSec = %v, want %v", got, tt.onsetPerSec)
			}
		})
	}
}

func TestLossFractionBrief(t *testing.T) {
	// The brief's case: queue 2048, batch 512, 100 ms, 3 000 req/s × 3
	// spans: 0.431 lost.
	got := LossFraction(batchOf(2048, 512, 5*time.Second), load(3000, 3, 100*time.Millisecond))
	if math.Abs(got-0.431) > 0.0005 {
		t.Errorf("LossFraction = %.4f, want 0.431", got)
	}
}
