package report

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

func TestSpectrumLevels(t *testing.T) {
	qs := spectrumLevels(spectrumPoints, spectrumMaxQ)
	if len(qs) != spectrumPoints {
		t.Fatalf("%d levels, want %d", len(qs), spectrumPoints)
	}
	// Ten points per nine: 0, then 90% at 10, 99% at 20, 99.9% at 30,
	// 99.99% at the end; the median between 0 and 90% (at 3, 50.1%).
	for i, want := range map[int]float64{0: 0, 3: 0.4988127, 10: 0.9, 20: 0.99, 30: 0.999, 40: 0.9999} {
		if math.Abs(qs[i]-want) > 1e-6 {
			t.Errorf("level %d = %v, want %v", i, qs[i], want)
		}
	}
	if !slices.IsSorted(qs) {
		t.Errorf("levels not ascending: %v", qs)
	}
	if qs[len(qs)-1] != spectrumMaxQ {
		t.Errorf("last level %v, want exactly %v", qs[len(qs)-1], spectrumMaxQ)
	}
}

func TestLatencySpectrum(t *testing.T) {
	// ms returns the n latencies 1ms, 2ms, … n ms.
	ms := func(n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = time.Duration(i+1) * time.Millisecond
		}
		return out
	}
	levels := spectrumLevels(spectrumPoints, spectrumMaxQ)
	cases := []struct {
		name   string
		sorted []time.Duration
		// want are points the spectrum must have; n its length.
		want []quantilePoint
		n    int
	}{{
		// Enough samples for every level: nearest rank, so q·n exactly.
		name:   "ten thousand",
		sorted: ms(10000),
		want: []quantilePoint{{0, time.Millisecond}, {0.9, 9000 * time.Millisecond}, {0.99, 9900 * time.Millisecond},
			{0.999, 9990 * time.Millisecond}, {0.9999, 9999 * time.Millisecond}},
		n: spectrumPoints,
	}, {
		// A hundred samples resolve up to 99% = 1 − 1/n: the levels beyond
		// are left out; the line ends on that level.
		name:   "one hundred",
		sorted: ms(100),
		want:   []quantilePoint{{0, time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.99, 99 * time.Millisecond}},
		n:      21,
	}, {
		// 150 samples: the last level resolved (21, 99.2%) is below
		// 1 − 1/n, so the maximum is added at 1 − 1/150.
		name:   "one hundred and fifty",
		sorted: ms(150),
		want:   []quantilePoint{{0.99, 149 * time.Millisecond}, {1 - 1.0/150, 150 * time.Millisecond}},
		n:      23,
	}, {
		// One sample: one point.
		name:   "one",
		sorted: ms(1),
		want:   []quantilePoint{{0, time.Millisecond}},
		n:      1,
	}, {
		// Nothing measured: no spectrum.
		name: "empty",
		n:    0,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := latencySpectrum(tc.sorted, levels)
			if len(got) != tc.n {
				t.Errorf("%d points, want %d: %v", len(got), tc.n, got)
			}
			for _, w := range tc.want {
				found := false
				for _, p := range got {
					if math.Abs(p.Q-w.Q) < 1e-9 {
						found = true
						if p.Latency != w.Latency {
							t.Errorf("at q=%v: %v, want %v", w.Q, p.Latency, w.Latency)
						}
					}
				}
				if !found {
					t.Errorf("no point at q=%v: %v", w.Q, got)
				}
			}
			for i := 1; i < len(got); i++ {
				if got[i].Q <= got[i-1].Q || got[i].Latency < got[i-1].Latency {
					t.Errorf("points %d and %d not ascending: %v, %v", i-1, i, got[i-1], got[i])
				}
			}
		})
	}
}

func TestBinTimeline(t *testing.T) {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var samples []rawSample
	// Bin 0: 100 requests of 1…100 ms, one failed.
	for i := range 100 {
		samples = append(samples, rawSample{at: at(2 * i), latency: time.Duration(i+1) * time.Millisecond, failed: i == 50})
	}
	// Bin 1 is empty (a stall); bin 2 holds two requests, sent out of order.
	samples = append(samples, rawSample{at: at(700), latency: 5 * time.Millisecond}, rawSample{at: at(510), latency: 3 * time.Millisecond})
	got := binTimeline(samples, 250*time.Millisecond)
	want := []timeBin{
		{Start: 0, Requests: 100, Rate: 400, Failed: 1, P99: 99 * time.Millisecond},
		{Start: 250 * time.Millisecond},
		{Start: 500 * time.Millisecond, Requests: 2, Rate: 8, P99: 5 * time.Millisecond},
	}
	if !slices.Equal(got, want) {
		t.Errorf("binTimeline:\n got %+v\nwant %+v", got, want)
	}
	// The first send starts the first bin, whatever the order of the results.
	slices.Reverse(samples)
	if got := binTimeline(samples, 250*time.Millisecond); !slices.Equal(got, want) {
		t.Errorf("binTimeline of reversed results:\n got %+v\nwant %+v", got, want)
	}
	if got := binTimeline(nil, time.Second); got != nil {
		t.Errorf("binTimeline(nil) = %v, want nil", got)
	}
}

// TestLoadSeries reads the fixture back: a spectrum per variant and rate
// measured, a timeline per successful cell, nothing of failed cells.
func TestLoadSeries(t *testing.T) {
	l := htmlRun(t, "", htmlDefaultEdit)
	rs := loadSeries(l)
	if len(rs.problems) > 0 {
		t.Errorf("problems: %v", rs.problems)
	}
	for _, c := range l.Cells {
		bins, ok := rs.timelines[c.Dir]
		if c.Status != results.StatusOK {
			if ok {
				t.Errorf("%s failed but has a timeline", c.Dir)
			}
			continue
		}
		// 2 s of results in 250 ms bins.
		if len(bins) != 8 {
			t.Errorf("%s: %d bins, want 8", c.Dir, len(bins))
		}
		for _, b := range bins {
			if b.Rate != float64(c.Rate) {
				t.Errorf("%s: bin at %s sent %v/s, want %d/s", c.Dir, b.Start, b.Rate, c.Rate)
			}
		}
		k := rawKey{c.Rate, c.Variant}
		if len(rs.spectra[k]) == 0 {
			t.Errorf("no spectrum for %s at %d/s", c.Variant, c.Rate)
		}
	}
	// sync at 1000/s lost its second repetition: its pool is one cell's.
	if n := rs.samples[rawKey{1000, "sync"}]; n != 2000 {
		t.Errorf("sync at 1000/s pools %d requests, want 2000", n)
	}
	if n := rs.samples[rawKey{1000, "batch"}]; n != 4000 {
		t.Errorf("batch at 1000/s pools %d requests, want 4000", n)
	}
	// The burst of failed requests shows in its bins.
	failed := 0
	for _, c := range l.Cells {
		if c.Variant == "batch-q64" && c.Rate == 1000 && c.Rep == 2 {
			for _, b := range rs.timelines[c.Dir] {
				failed += b.Failed
			}
		}
	}
	if failed != 60 {
		t.Errorf("batch-q64 at 1000/s rep 2: %d failed in the bins, want 60", failed)
	}
	if got := loadSeries(nil); len(got.spectra)+len(got.timelines)+len(got.problems) != 0 {
		t.Errorf("loadSeries(nil) = %+v, want nothing", got)
	}
}
