package model

import (
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPredictOverloaded(t *testing.T) {
	// The worked case: defaults with a 100 ms collector, 3 000 requests/s of
	// 3 spans, a 1 s burst to 4 000 requests/s.
	s := settings.DefaultBatch()
	l := load(3000, 3, 100*time.Millisecond)
	l.Burst = Burst{PeakRequestsPerSec: 4000, Length: time.Second}
	p, err := Predict(s, l)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"SpanRate", p.SpanRate, 9000},
		{"Ceiling", p.Ceiling, 5120},
		{"Utilisation", p.Utilisation, 9000.0 / 5120},
		{"BatchSize", p.BatchSize, 512},
		{"ExportsPerSec", p.ExportsPerSec, 10},
		{"DropFraction", p.DropFraction, 1 - 5120.0/9000},
		{"LossFraction", p.LossFraction, 1 - 5120.0/9000},
		{"DeliveredSpanRate", p.DeliveredSpanRate, 5120},
		{"LossOnsetRequestsPerSec", p.LossOnsetRequestsPerSec, 5120.0 / 3},
		// 12 000/s: 1 200 per export, +688 each; export 2 overflows (688 +
		// 1 200 ≤ 2 048 < 2 × 688 + 1 200) after 2 048 + 1 024 spans.
		{"Burst.Absorb (s)", p.Burst.Absorb.Seconds(), 3072.0 / 12000},
		{"Burst.Dropped", p.Burst.Dropped, 6880 * (1 - 0.256)},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !p.Loses || p.Regime != RegimeSaturated || p.TimerRaces || p.ExportDuration != 100*time.Millisecond {
		t.Errorf("Loses %v, Regime %v, TimerRaces %v, ExportDuration %v; want true, saturated, false, 100ms",
			p.Loses, p.Regime, p.TimerRaces, p.ExportDuration)
	}
	if p.Settings != s || !reflect.DeepEqual(p.Load, l) {
		t.Errorf("the prediction does not record its inputs")
	}
	if len(p.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", p.Warnings)
	}
}

func TestPredictWarnings(t *testing.T) {
	blocking := settings.DefaultBatch()
	blocking.Blocking = true
	cut := settings.DefaultBatch()
	cut.ExportTimeout = 50 * time.Millisecond
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		want []string // one substring per warning, in order
	}{
		// A quiet service: nothing to say.
		{"quiet", settings.DefaultBatch(), load(10, 2, 5*time.Millisecond), nil},
		// Share 0 (the zero value) is easy to leave by mistake.
		{"no spans", settings.DefaultBatch(), Load{RequestsPerSec: 1000, SpansPerRequest: 2, ExportLatency: time.Millisecond},
			[]string{"no spans reach the processor"}},
		// A 10 s collector stall against the 5 s timer.
		{"race", settings.DefaultBatch(), load(10, 2, 10*time.Second),
			[]string{"a full batch's export (10s) lasts at least the batch timeout (5s)"}},
		// A 100 ms collector with a 50 ms export timeout.
		{"timeout", cut, load(10, 2, 100*time.Millisecond),
			[]string{"beyond the export timeout 50ms: it is cancelled"}},
		// Blocking under overload.
		{"blocking", blocking, load(3000, 3, 100*time.Millisecond),
			[]string{"blocking with 9000 spans/s offered against a ceiling of 5120"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Predict(tt.s, tt.l)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Warnings) != len(tt.want) {
				t.Fatalf("Warnings = %v, want %d", p.Warnings, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(p.Warnings[i].Error(), w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, p.Warnings[i], w)
				}
			}
		})
	}
}

func TestPredictBlocking(t *testing.T) {
	s := settings.DefaultBatch()
	s.Blocking = true
	p, err := Predict(s, load(3000, 3, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing lost; requests throttled to 5 120/3 per second; an open-loop
	// client's wait grows 3 880/5 120 s per second.
	want := BlockingPrediction{Blocks: true, ThrottledRequestsPerSec: 5120.0 / 3, DelayGrowth: 3880.0 / 5120}
	if p.Loses || p.Blocking.Blocks != want.Blocks || !near(p.Blocking.ThrottledRequestsPerSec, want.ThrottledRequestsPerSec) ||
		!near(p.Blocking.DelayGrowth, want.DelayGrowth) || !near(p.DeliveredSpanRate, 5120) {
		t.Errorf("Loses %v, Blocking %+v, delivered %v; want false, %+v, 5120", p.Loses, p.Blocking, p.DeliveredSpanRate, want)
	}
}

func TestPredictInvalid(t *testing.T) {
	_, err := Predict(settings.Batch{}, Load{RequestsPerSec: -1})
	if !errors.Is(err, ErrInvalidSettings) || !errors.Is(err, ErrInvalidLoad) {
		t.Errorf("Predict = %v, want errors for both settings and load", err)
	}
}

func TestPredictDegenerate(t *testing.T) {
	// Extreme but valid inputs: no panic, no NaN, durations ≥ 0.
	settingsCases := []settings.Batch{
		settings.DefaultBatch(),
		{QueueSize: 1, MaxExportBatchSize: 1, BatchTimeout: time.Nanosecond},
		{QueueSize: 1 << 30, MaxExportBatchSize: 1 << 30, BatchTimeout: Forever, ExportTimeout: time.Nanosecond, Blocking: true},
	}
	loadCases := []Load{
		{},
		load(0, 0, 0),
		load(1e300, 1e300, Forever),
		{RequestsPerSec: 1e-300, SpansPerRequest: 1, SampledShare: 1e-300, PerSpanExportCost: Forever},
		{RequestsPerSec: 10, SpansPerRequest: 1, SampledShare: 1, Burst: Burst{PeakRequestsPerSec: math.MaxFloat64, Length: Forever}},
	}
	for i, s := range settingsCases {
		for j, l := range loadCases {
			p, err := Predict(s, l)
			if err != nil {
				t.Errorf("settings %d, load %d: %v", i, j, err)
				continue
			}
			v := reflect.ValueOf(p)
			checkFinite(t, fmt.Sprintf("settings %d, load %d", i, j), v)
		}
	}
}

// checkFinite fails t for every NaN float or negative duration in v, a
// struct, recursively; +Inf is a documented sentinel and allowed.
func checkFinite(t *testing.T, where string, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.Float64 && math.IsNaN(f.Float()):
			t.Errorf("%s: %s is NaN", where, name)
		case f.Type() == reflect.TypeFor[time.Duration]() && f.Int() < 0:
			t.Errorf("%s: %s = %v, negative", where, name, time.Duration(f.Int()))
		case f.Kind() == reflect.Struct:
			checkFinite(t, where+": "+name, f)
		}
	}
}
