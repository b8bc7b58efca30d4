package sink

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestLognormalQuantiles draws 100,000 latencies from seeded lognormal
// distributions and checks that their empirical median and 99th
// percentile are within 3% of the P50 and P99 asked for.
func TestLognormalQuantiles(t *testing.T) {
	tests := []struct {
		name     string
		p50, p99 time.Duration
		seed     uint64
	}{
		// The shape of a typical collector: a tail ten times the median.
		{name: "2ms/20ms", p50: 2 * time.Millisecond, p99: 20 * time.Millisecond, seed: 1},
		// A narrow distribution.
		{name: "50ms/60ms", p50: 50 * time.Millisecond, p99: 60 * time.Millisecond, seed: 2},
		// A wide one, with another seed.
		{name: "100us/1s", p50: 100 * time.Microsecond, p99: time.Second, seed: 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 100_000
			f := newFaults(Faults{Latency: LatencyDist{P50: tt.p50, P99: tt.p99}, Seed: tt.seed}, time.Time{})
			got := make([]time.Duration, n)
			for i := range got {
				got[i] = f.latency(f.rng.draw())
			}
			slices.Sort(got)
			for _, q := range []struct {
				name string
				at   float64
				want time.Duration
			}{{"p50", 0.50, tt.p50}, {"p99", 0.99, tt.p99}} {
				g := got[int(q.at*n)]
				if rel := math.Abs(float64(g-q.want)) / float64(q.want); rel > 0.03 {
					t.Errorf("%s = %v, want %v ± 3%% (off by %.1f%%)", q.name, g, q.want, 100*rel)
				}
			}
		})
	}
}

// TestLognormalParams checks the derivation of mu and sigma, and that
// equal quantiles make a fixed latency.
func TestLognormalParams(t *testing.T) {
	mu, sigma := lognormalParams(LatencyDist{P50: 2 * time.Millisecond, P99: 20 * time.Millisecond})
	if want := math.Log(2e6); math.Abs(mu-want) > 1e-12 {
		t.Errorf("mu = %v, want ln(2e6) = %v", mu, want)
	}
	if want := math.Log(10) / 2.3263; math.Abs(sigma-want) > 1e-4 {
		t.Errorf("sigma = %v, want ln(10)/2.3263 = %v", sigma, want)
	}
	mu, sigma = lognormalParams(LatencyDist{P50: time.Millisecond, P99: time.Millisecond})
	for _, z := range []float64{-3, 0, 3} {
		if got := lognormal(mu, sigma, z); got < time.Millisecond-time.Nanosecond || got > time.Millisecond+time.Nanosecond {
			t.Errorf("P50 = P99 = 1ms: latency at z=%v is %v, want 1ms", z, got)
		}
	}
	if got := lognormal(0, 100, 8); got != maxLatency {
		t.Errorf("an overflowing draw gave %v, want the bound %v", got, maxLatency)
	}
}

// TestSeedRepeats checks that the same seed gives the same draws, and
// another seed others.
func TestSeedRepeats(t *testing.T) {
	a, b, c := newRandSource(7), newRandSource(7), newRandSource(8)
	same := true
	for range 100 {
		da, db, dc := a.draw(), b.draw(), c.draw()
		if da != db {
			t.Fatalf("seed 7 drew %+v then %+v", da, db)
		}
		same = same && da == dc
	}
	if same {
		t.Errorf("seeds 7 and 8 drew the same 100 values")
	}
}

// TestLatencyOnTheWire exports through the real exporter to a sink with a
// lognormal latency and spikes, and checks that each export took at least
// the latency the seed predicts for it. Only lower bounds: the machine is
// shared and noisy.
func TestLatencyOnTheWire(t *testing.T) {
	const exports = 30
	spec := Faults{
		Latency:   LatencyDist{P50: 5 * time.Millisecond, P99: 40 * time.Millisecond},
		SpikeProb: 0.2,
		SpikeLen:  30 * time.Millisecond,
		Seed:      2024,
	}
	s := startSink(t, Options{})
	if err := s.SetFaults(spec); err != nil {
		t.Fatalf("SetFaults: %v", err)
	}
	exp := newExporter(t, s)
	spans, _ := recordSpans(t, 1, 1)

	// The same seed replays the sink's choices, call by call.
	model := newFaults(spec, time.Time{})
	spikes := 0
	for i := range exports {
		d := model.rng.draw()
		want := model.latency(d)
		if d.spike < spec.SpikeProb {
			spikes++
		}
		start := time.Now()
		if err := exp.ExportSpans(t.Context(), spans); err != nil {
			t.Fatalf("ExportSpans #%d: %v", i, err)
		}
		if took := time.Since(start); took < want {
			t.Errorf("export #%d took %v, want at least the %v drawn for it", i, took, want)
		}
	}
	if spikes == 0 {
		t.Errorf("no spike among %d exports with SpikeProb %v: the test proves nothing about spikes", exports, spec.SpikeProb)
	}
	if got := s.Stats(); got.Requests != exports || got.Rejected != 0 || got.Abandoned != 0 {
		t.Errorf("Stats = %v, want %d requests answered OK", got, exports)
	}
}

// TestBucket checks the token bucket's arithmetic on a fake clock.
func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := newBucket(1000, 500, t0) // 1000 tokens/s, burst 500, full
	steps := []struct {
		name     string
		giveBack float64 // returned before the take
		at       time.Duration
		take     float64
		want     time.Duration
	}{
		// The burst passes at once.
		{name: "burst", at: 0, take: 500, want: 0},
		// The next 100 must wait for 100 ms of refill.
		{name: "empty", at: 0, take: 100, want: 100 * time.Millisecond},
		// Calls queue: 200 more owe 300 in all.
		{name: "queued", at: 0, take: 200, want: 300 * time.Millisecond},
		// 300 ms later the debt is repaid and nothing is left.
		{name: "repaid", at: 300 * time.Millisecond, take: 0, want: 0},
		// A call larger than the burst still passes, after its wait.
		{name: "larger than burst", at: 300 * time.Millisecond, take: 2000, want: 2 * time.Second},
		// The tokens of a call that gave up come back for the next.
		{name: "given back", giveBack: 2000, at: 300 * time.Millisecond, take: 0, want: 0},
		// Refill never exceeds the burst.
		{name: "capped refill", at: time.Hour, take: 600, want: 100 * time.Millisecond},
	}
	for i, st := range steps {
		if st.giveBack > 0 {
			b.giveBack(st.giveBack)
		}
		if got := b.take(st.take, t0.Add(st.at)); !near(got, st.want) {
			t.Errorf("step %d (%s): take(%v) = %v, want %v", i, st.name, st.take, got, st.want)
		}
	}
}

// near reports whether two durations differ by at most a microsecond of
// floating-point error.
func near(a, b time.Duration) bool {
	return (a - b).Abs() <= time.Microsecond
}
