package model

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestLoadValidate(t *testing.T) {
	tests := []struct {
		name string
		l    Load
		want string // substring of the error, "" when valid
	}{
		// The zero value is no traffic, and valid.
		{"zero", Load{}, ""},
		// A burst at or above the steady rate is valid.
		{"burst", Load{RequestsPerSec: 100, SpansPerRequest: 2, SampledShare: 0.5, Burst: Burst{PeakRequestsPerSec: 100, Length: time.Second}}, ""},
		// Rates must be numbers.
		{"NaN rate", Load{RequestsPerSec: math.NaN()}, "requests per second NaN"},
		// And finite.
		{"Inf spans", Load{SpansPerRequest: math.Inf(1)}, "spans per request +Inf"},
		// And not negative.
		{"negative rate", Load{RequestsPerSec: -1}, "requests per second -1"},
		// A share is from 0 to 1.
		{"share above 1", Load{SampledShare: 1.5}, "sampled share 1.5"},
		// NaN is no share.
		{"share NaN", Load{SampledShare: math.NaN()}, "sampled share NaN"},
		// Latency cannot be negative.
		{"negative latency", Load{ExportLatency: -time.Millisecond}, "export latency -1ms"},
		// Nor the per-span cost.
		{"negative per-span", Load{PerSpanExportCost: -1}, "per-span export cost -1ns"},
		// A peak below the steady rate is no burst.
		{"peak below base", Load{RequestsPerSec: 100, Burst: Burst{PeakRequestsPerSec: 50}}, "burst peak 50 requests per second below the steady rate 100"},
		// A burst cannot last a negative time.
		{"negative length", Load{Burst: Burst{Length: -time.Second}}, "burst length -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.l.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidLoad) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an ErrInvalidLoad containing %q", err, tt.want)
			}
		})
	}
}

func TestSpanRate(t *testing.T) {
	tests := []struct {
		name       string
		l          Load
		rate, peak float64
	}{
		// 3 000 requests of 3 spans, all sampled.
		{"all sampled", load(3000, 3, 0), 9000, 9000},
		// A 10% sample keeps a tenth.
		{"sampled", Load{RequestsPerSec: 3000, SpansPerRequest: 3, SampledShare: 0.1}, 900, 900},
		// Share 0 is taken literally: nothing reaches the processor.
		{"share zero", Load{RequestsPerSec: 3000, SpansPerRequest: 3}, 0, 0},
		// The peak uses the burst's request rate.
		{"burst", Load{RequestsPerSec: 1000, SpansPerRequest: 2, SampledShare: 0.5, Burst: Burst{PeakRequestsPerSec: 4000}}, 1000, 4000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpanRate(tt.l); !near(got, tt.rate) {
				t.Errorf("SpanRate = %v, want %v", got, tt.rate)
			}
			if got := PeakSpanRate(tt.l); !near(got, tt.peak) {
				t.Errorf("PeakSpanRate = %v, want %v", got, tt.peak)
			}
		})
	}
}
