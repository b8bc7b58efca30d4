package model

import (
	"errors"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"testing"
	"time"
)

func TestSimulateRuns(t *testing.T) {
	ms := time.Millisecond
	// M 10, Q 20, exports of 10 ms, 2 000 spans/s for 1 s: nothing is left
	// to chance. Exports start at 5 ms, 15 ms, …, 995 ms; from the second
	// on each lets 20 spans into a queue holding 10 and drops 10, but the
	// last is cut by the end after 5 ms, with 10 + 10 in the queue: 98 × 10
	// dropped of 2 000.
	runs, err := SimulateRuns(batchOf(20, 10, time.Second), load(2000, 1, 10*ms), nil, time.Second, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range runs {
		if !near(r, 980.0/2000) {
			t.Errorf("run %d dropped %v, want %v", i, r, 980.0/2000)
		}
	}
	// Blocking and no traffic drop nothing.
	blocking := batchOf(20, 10, time.Second)
	blocking.Blocking = true
	for _, c := range []struct {
		s settings.Batch
		l Load
	}{{blocking, load(2000, 1, 10*ms)}, {batchOf(20, 10, time.Second), load(0, 1, 10*ms)}} {
		runs, err := SimulateRuns(c.s, c.l, nil, time.Second, 2, 1)
		if err != nil || runs[0] != 0 || runs[1] != 0 {
			t.Errorf("%+v: got %v, %v; want no drops", c.s, runs, err)
		}
	}
	if _, err := SimulateRuns(batchOf(20, 10, time.Second), load(1, 1, ms), nil, time.Second, 0, 1); !errors.Is(err, ErrInvalidLoad) {
		t.Errorf("0 runs: error %v, want ErrInvalidLoad", err)
	}
}

// The simulated runs average what PredictRun expects, where chance plays:
// a timer race and a spread of export durations.
func TestSimulateRunsMatchPredictRun(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		s    settings.Batch
		l    Load
		lat  []LatencyPoint
	}{
		{"timer race", batchOf(256, 64, 10*ms), load(1500, 1, 22*ms), nil},
		{"slow exports", batchOf(32, 8, 5*time.Second), load(1000, 1, 0), []LatencyPoint{{6 * ms, 95}, {20 * ms, 4}, {80 * ms, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := SimulateRuns(tc.s, tc.l, tc.lat, 4*time.Second, 2000, 7)
			if err != nil {
				t.Fatal(err)
			}
			mean := 0.0
			for _, r := range runs {
				mean += r / float64(len(runs))
			}
			want, err := PredictRun(tc.s, tc.l, tc.lat, 4*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			// The chain splits fractional queue lengths between states and
			// prorates the last export: a little apart.
			if math.Abs(mean-want.DropFraction) > 0.1*want.DropFraction+0.001 {
				t.Errorf("simulated mean %.4f, PredictRun %.4f", mean, want.DropFraction)
			}
			if runs[0] == runs[len(runs)-1] {
				t.Errorf("every run dropped %v: want them to differ", runs[0])
			}
		})
	}
}

func TestRunOnsetBand(t *testing.T) {
	ms := time.Millisecond
	// Without chance the band is one rate: PredictRun's onset (to the
	// prorating of the last export).
	s := batchOf(20, 10, time.Second)
	band, err := RunOnsetBand(s, load(0, 2, 10*ms), nil, 10*time.Second, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	onset, err := RunOnsetRequestsPerSec(s, load(0, 2, 10*ms), nil, 10*time.Second, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if band.Low != band.Median || band.Median != band.High || math.Abs(band.Median/onset-1) > 0.01 {
		t.Errorf("band %+v, want a single rate near %.1f", band, onset)
	}
	// A timer race spreads it: the race-m64 of profiles/model-check-race
	// (64 spans per 22 ms export, 10 ms timer, queue 256, 3 spans per
	// request, 4 s cells), whose single cells started to lose between
	// about 390 and 540 requests/s.
	band, err = RunOnsetBand(batchOf(256, 64, 10*ms), load(0, 3, 22*ms), nil, 4*time.Second, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	if !(band.Low < band.Median && band.Median < band.High) || band.Low < 300 || band.High > 600 {
		t.Errorf("timer race: band %+v, want rising within 300–600 requests/s", band)
	}
	// No spans, no onset.
	band, err = RunOnsetBand(s, Load{SpansPerRequest: 2, ExportLatency: 10 * ms}, nil, time.Second, 0.005)
	if err != nil || !math.IsInf(band.Median, 1) {
		t.Errorf("no spans: %+v, %v; want +Inf", band, err)
	}
}
