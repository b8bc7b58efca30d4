package advise

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/predict"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// fiveReps is resultstest's default profile with five repetitions, the
// fewest that can make a difference significant at 0.05, and an A/A
// control.
var fiveReps = strings.NewReplacer("repetitions: 2", "repetitions: 5",
	"  - name: sync\n", "  - name: none-aa\n    kind: none\n  - name: sync\n").Replace(resultstest.DefaultProfile)

// withExports gives every instrumented cell a mean export of d.
func withExports(f *resultstest.Fixture, d time.Duration) {
	for _, c := range f.Cells {
		if c.Variant.Kind != profile.KindNone {
			c.Export = results.Histogram{Count: 100, Sum: 100 * d.Seconds()}
		}
	}
}

// cpuNoise spreads a variant's CPU per request over its repetitions: the
// cell of repetition rep uses mean × (1 + spread × (rep−3)/2), so that
// repetitions 1…5 span mean × (1 ± spread).
func cpuNoise(f *resultstest.Fixture, variant string, mean time.Duration, spread float64) {
	f.Each(variant, 0, func(c *resultstest.Cell) {
		per := float64(mean) * (1 + spread*float64(c.Rep-3)/2)
		c.CPU = time.Duration(per) * time.Duration(c.N)
	})
}

// advise writes the fixture's run and advises on it.
func advise(t *testing.T, f *resultstest.Fixture) (Advice, *summary.Summary) {
	t.Helper()
	s, err := summary.Build(f.Write(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	a := Advise(s, predict.Check(s, f.Profile), f.Profile)
	checkAdvice(t, a)
	return a, s
}

// against returns the comparison of the choice with other.
func against(t *testing.T, a Advice, other string) Comparison {
	t.Helper()
	for _, c := range a.Choice.Against {
		if c.Other == other {
			return c
		}
	}
	t.Fatalf("no comparison with %s in %+v", other, a.Choice.Against)
	return Comparison{}
}

// TestChooseTieGoesToHeadroomAndDefaults: batch-q64 costs a little less
// CPU than batch, by less than their repetitions' spread: a tie, broken
// toward batch (the SDK's defaults, with far more headroom), never toward
// the smaller queue.
func TestChooseTieGoesToHeadroomAndDefaults(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, fiveReps)
	withExports(f, 5*time.Millisecond)
	cpuNoise(f, "batch", 14*time.Microsecond, 0.2)
	cpuNoise(f, "batch-q64", 13*time.Microsecond, 0.2)
	a, _ := advise(t, f)
	if a.Choice.Variant != "batch" || !a.Choice.Qualified || a.Choice.Pool != PoolFull {
		t.Fatalf("choice %+v, want batch", a.Choice)
	}
	c := against(t, a, "batch-q64")
	if c.By != ByHeadroom || c.CPU.Significant || !(c.Headroom > HeadroomTie*c.OtherHeadroom) {
		t.Errorf("against batch-q64: %+v, want a CPU tie broken by headroom", c)
	}
	// With the same headroom (the model says nothing), the defaults win.
	cands := []Candidate{
		{Variant: "small", Kind: profile.KindBatch, Settings: smallQueue()},
		{Variant: "defaults", Kind: profile.KindBatch, Settings: settings.Default()},
	}
	s, _ := summary.Build(f.Write(t))
	if best, _ := rank(s, cands); best.Variant != "defaults" {
		t.Errorf("tie without headroom chose %s, want the defaults", best.Variant)
	}
	// Neither the defaults: the larger queue.
	big := settings.Default()
	big.Batch.QueueSize, big.Batch.BatchTimeout = 8192, time.Second
	cands[1] = Candidate{Variant: "big", Kind: profile.KindBatch, Settings: big}
	if best, _ := rank(s, cands); best.Variant != "big" {
		t.Errorf("tie between non-defaults chose %s, want the larger queue", best.Variant)
	}
}

func smallQueue() settings.Tracing {
	t := settings.Default()
	t.Batch.QueueSize, t.Batch.MaxExportBatchSize = 64, 64
	return t
}

// TestChooseSignificantlyCheaper: batch-q64 costs clearly less CPU than
// batch at both rates, every repetition apart: it is chosen, by CPU, and
// then sized by the model rather than kept at 64.
func TestChooseSignificantlyCheaper(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, fiveReps)
	withExports(f, 5*time.Millisecond)
	cpuNoise(f, "batch", 20*time.Microsecond, 0.02)
	cpuNoise(f, "batch-q64", 12*time.Microsecond, 0.02)
	a, _ := advise(t, f)
	if a.Choice.Variant != "batch-q64" {
		t.Fatalf("choice %+v, want batch-q64", a.Choice)
	}
	if c := against(t, a, "batch"); c.By != ByCPU || !c.CPU.Significant || c.CPU.Pct >= 0 {
		t.Errorf("against batch: %+v, want significantly less CPU", c)
	}
	// 3000/s × 2 spans with 5 ms exports: batches of 64 move 12 800
	// spans/s, 2.1× the 6 000 offered; the queue grows to hold what
	// arrives in the 500 ms exporter timeout, 3 000 spans → 4096.
	b := a.Settings.Batch
	if b.QueueSize != 4096 || b.MaxExportBatchSize != 64 || a.Settings.Exporter.Timeout != 500*time.Millisecond || b.ExportTimeout != 500*time.Millisecond {
		t.Errorf("settings %+v, want queue 4096, batch 64, timeouts 500ms", a.Settings)
	}
	if !hasNote(a, NoteNotMeasuredAsSuch) {
		t.Errorf("notes %+v: the sized settings differ from batch-q64's and must say so", a.Notes)
	}
}

// TestSyncNever: sync is the cheapest and within the budget; it is named
// and passed over.
func TestSyncNever(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, fiveReps)
	withExports(f, 5*time.Millisecond)
	f.Each("sync", 0, func(c *resultstest.Cell) {
		c.Latency = func(i int) time.Duration { return resultstest.BaseLatency(c.Rep, i) + 10*time.Microsecond }
	})
	cpuNoise(f, "sync", 5*time.Microsecond, 0.01)
	a, _ := advise(t, f)
	if a.Choice.Variant == "sync" || a.Settings.Processor != settings.ProcessorBatch || a.Choice.SyncQualified != "sync" {
		t.Errorf("choice %+v, settings %+v: want batch, with sync named", a.Choice, a.Settings.Processor)
	}
}

// TestNothingQualifies: a budget of 1% is met by nothing. The advice still
// answers: the variant that misses it by least, by how much, and that the
// A/A control's own p99 change is larger than the budget.
func TestNothingQualifies(t *testing.T) {
	t.Parallel()
	p := strings.Replace(fiveReps, "p99_overhead_pct: 10", "p99_overhead_pct: 1", 1)
	f := resultstest.New(t, p)
	withExports(f, 5*time.Millisecond)
	// The A/A control's p99 moves by 0–4% between repetitions.
	f.Each("none-aa", 0, func(c *resultstest.Cell) {
		c.Latency = func(i int) time.Duration {
			return time.Duration(float64(resultstest.BaseLatency(c.Rep, i)) * (1 + 0.01*float64(c.Rep-1)))
		}
	})
	a, _ := advise(t, f)
	if a.Choice.Pool != PoolBest || a.Choice.Qualified || a.Verdict.Within || !hasNote(a, NoteNothingQualified) {
		t.Fatalf("choice %+v, verdict %+v: want the best of those that missed", a.Choice, a.Verdict)
	}
	// sampled-10 adds the least (50 and 60 µs to every request).
	if a.Choice.Variant != "sampled-10" || a.Settings.SampleRatio != 0.1 {
		t.Errorf("best %q (ratio %v), want sampled-10", a.Choice.Variant, a.Settings.SampleRatio)
	}
	var p99 *Miss
	for i, m := range a.Verdict.Misses {
		if m.Kind == MissP99 {
			p99 = &a.Verdict.Misses[i]
		}
	}
	if p99 == nil || p99.Limit != 1 || p99.Over() <= 0 {
		t.Fatalf("misses %+v, want the p99 budget of 1%% missed by a positive margin", a.Verdict.Misses)
	}
	for _, fl := range a.Verdict.Floors {
		if fl.Control != "none-aa" || fl.P99Pct <= 1 || !fl.BudgetBelow {
			t.Errorf("floor %+v: want the A/A control's p99 change above the 1%% budget", fl)
		}
	}
}

// TestNothingMeasured: no settings at all, and it says so.
func TestNothingMeasured(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	f.Status = results.StatusInterrupted
	for _, c := range f.Cells {
		c.Unfinished = true
	}
	s, err := summary.Build(f.Write(t))
	if err != nil {
		t.Fatal(err)
	}
	a := Advise(s, predict.Check(s, f.Profile), f.Profile)
	if a.Measured || a.Settings.Processor != "" || len(a.Env) != 0 || !hasNote(a, NoteNothingMeasured) {
		t.Errorf("advice %+v: want nothing measured and no settings", a)
	}
}

// TestAdviseSpansPerRequestOfTheCells: a user's service whose cells record
// 5 spans per request is sized for 5, not for the profile's workload.
func TestAdviseSpansPerRequestOfTheCells(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	withExports(f, 5*time.Millisecond)
	for _, c := range f.Cells {
		if c.Variant.Kind != profile.KindNone {
			c.Spans.PerRequest = 5
		}
	}
	a, _ := advise(t, f)
	if a.Inputs.SpansPerRequest != 5 || a.Inputs.PeakSpanRate() != 3000*5*a.Inputs.SampledShare {
		t.Errorf("inputs %+v, want 5 spans per request", a.Inputs)
	}
}

// TestSize checks the sizing policy against numbers worked by hand.
func TestSize(t *testing.T) {
	t.Parallel()
	in := Inputs{PeakRequestsPerSec: 3000, LowRequestsPerSec: 1000, SpansPerRequest: 2, SampledShare: 1, ExportLatency: 5 * time.Millisecond}
	tests := []struct {
		name  string
		start settings.Tracing
		in    func(*Inputs)
		want  settings.Batch
		x     time.Duration // exporter timeout
	}{
		// Batches of 64 move 12 800 spans/s at 5 ms, 2.1× the 6 000/s peak:
		// kept. The exporter timeout is at least 500 ms, in which 3 000
		// spans arrive: the queue of 64 grows to 4096.
		{"small queue grown for the timeout", smallQueue(), nil,
			settings.Batch{QueueSize: 4096, MaxExportBatchSize: 64, BatchTimeout: 5 * time.Second, ExportTimeout: 500 * time.Millisecond}, 500 * time.Millisecond},
		// Exports of 50 ms: 64 move 1 280 spans/s; the batch grows to 600
		// for 2× headroom, the timeout to 20 exports (1 s), in which 6 000
		// spans arrive: a queue of 8192.
		{"slow exports raise the batch", smallQueue(), func(in *Inputs) { in.ExportLatency = 50 * time.Millisecond },
			settings.Batch{QueueSize: 8192, MaxExportBatchSize: 600, BatchTimeout: 5 * time.Second, ExportTimeout: time.Second}, time.Second},
		// A 10 ms delay with 20 ms exports races the timer: raised to four
		// exports, rounded up to 100 ms.
		{"timer race", func() settings.Tracing {
			t := settings.Default()
			t.Batch.BatchTimeout = 10 * time.Millisecond
			return t
		}(), func(in *Inputs) {
			in.ExportLatency = 20 * time.Millisecond
			in.PeakRequestsPerSec, in.LowRequestsPerSec = 1000, 1000
		},
			settings.Batch{QueueSize: 2048, MaxExportBatchSize: 512, BatchTimeout: 100 * time.Millisecond, ExportTimeout: time.Second}, time.Second},
		// A burst of ×4 for 2 s at 1000/s, 64-span batches of 10 ms: each
		// export lets 80 spans in and takes 64 out; after 199 exports and
		// during the 200th, 199 × 16 + 80 = 3264 queued: 2× → 8192.
		{"burst", func() settings.Tracing {
			t := settings.Default()
			t.Batch.QueueSize, t.Batch.MaxExportBatchSize = 256, 64
			return t
		}(), func(in *Inputs) {
			in.ExportLatency, in.PeakRequestsPerSec, in.LowRequestsPerSec = 10*time.Millisecond, 1000, 1000
			in.BurstRequestsPerSec, in.BurstLength = 4000, 2*time.Second
		}, settings.Batch{QueueSize: 8192, MaxExportBatchSize: 64, BatchTimeout: 5 * time.Second, ExportTimeout: 4 * time.Second}, 4 * time.Second},
	}
	for _, tc := range tests {
		in := in
		if tc.in != nil {
			tc.in(&in)
		}
		sz := Size(tc.start, Origin{Variant: "x"}, in)
		if got := sz.Settings.Batch; got != tc.want || sz.Settings.Exporter.Timeout != tc.x {
			t.Errorf("%s: batch %+v, exporter timeout %v\nwant  %+v, %v", tc.name, got, sz.Settings.Exporter.Timeout, tc.want, tc.x)
		}
		checkSettings(t, tc.name, sz.Settings)
	}
}

func hasNote(a Advice, k NoteKind) bool {
	return slices.ContainsFunc(a.Notes, func(n Note) bool { return n.Kind == k })
}

// TestAdviceNever checks, on 2000 random runs, that no advice is ever the
// synchronous processor, a zero batch timeout, a zero queue, a zero timeout
// or blocking, whatever was measured: sync cheapest and within budget,
// nothing qualifying, only blocking or sampled variants qualifying,
// exports of no time or of seconds, bursts, outages, tiny queues and batch
// timeouts.
func TestAdviceNever(t *testing.T) {
	t.Parallel()
	for seed := range uint64(2000) {
		rng := rand.New(rand.NewPCG(seed, 7))
		p, err := profile.Parse("random.yaml", []byte(randomProfile(rng)))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		s := randomSummary(rng, p)
		a := Advise(s, predict.Check(s, p), p)
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkAdvice(t, a) })
	}
}

// checkAdvice checks what every Advice with settings must satisfy, and
// that one without has none.
func checkAdvice(t *testing.T, a Advice) {
	t.Helper()
	if !a.Measured {
		if a.Settings.Processor != "" || len(a.Env) != 0 {
			t.Errorf("settings without a measurement: %+v", a.Settings)
		}
		return
	}
	checkSettings(t, a.Choice.Variant, a.Settings)
	if a.Choice.Variant == "" {
		t.Error("settings based on no variant")
	}
	for _, k := range []string{settings.EnvQueueSize, settings.EnvMaxExportBatch, settings.EnvScheduleDelay, settings.EnvExportTimeout, settings.EnvExporterTimeout} {
		if v, ok := a.Env[k]; !ok || v == "" || v == "0" || strings.HasPrefix(v, "-") {
			t.Errorf("env %s = %q", k, v)
		}
	}
	if _, ok := a.Env[settings.EnvSampler]; ok != a.Settings.Sampled() {
		t.Errorf("env %v with sample ratio %v", a.Env, a.Settings.SampleRatio)
	}
	seen := map[Setting]bool{}
	for _, r := range a.Reasons {
		seen[r.Setting] = true
		if r.Figures == nil || r.Kind() == "" {
			t.Errorf("%s: reason without figures", r.Setting)
		}
	}
	for _, s := range SettingOrder {
		if !seen[s] {
			t.Errorf("no reason for %s", s)
		}
	}
}

// checkSettings: never sync, never a zero (or negative) batch timeout,
// queue or timeout, never blocking, a batch no larger than the queue.
func checkSettings(t *testing.T, name string, st settings.Tracing) {
	t.Helper()
	b := st.Batch
	switch {
	case st.Processor != settings.ProcessorBatch:
		t.Errorf("%s: processor %q, want batch", name, st.Processor)
	case b.BatchTimeout <= 0 || b.QueueSize <= 0 || b.ExportTimeout <= 0 || st.Exporter.Timeout <= 0:
		t.Errorf("%s: settings %+v", name, st)
	case b.MaxExportBatchSize <= 0 || b.MaxExportBatchSize > b.QueueSize:
		t.Errorf("%s: batch size %d with queue %d", name, b.MaxExportBatchSize, b.QueueSize)
	case b.Blocking:
		t.Errorf("%s: blocking advised", name)
	case st.SampleRatio <= 0 || st.SampleRatio > 1:
		t.Errorf("%s: sample ratio %g", name, st.SampleRatio)
	case st.Exporter.Retry.Enabled && (st.Exporter.Retry.InitialInterval <= 0 || st.Exporter.Retry.MaxElapsedTime <= 0):
		t.Errorf("%s: retry %+v", name, st.Exporter.Retry)
	}
	if err := b.Validate(); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

// TestAdviceOtherSDKs checks that a service on another SDK gets the chosen
// variant's settings as measured: never sized by the Go model, with no Go
// options, and a note saying why.
func TestAdviceOtherSDKs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50 {
		p, err := profile.Parse("random.yaml", []byte(randomProfile(rng)))
		if err != nil {
			t.Fatal(err)
		}
		s := randomSummary(rng, p)
		for j := range s.Variants {
			s.Variants[j].Language = []string{"nodejs", "python", ""}[i%3]
		}
		a := Advise(s, predict.Check(s, p), p)
		if !a.Measured {
			continue
		}
		base, _ := s.Variant(a.Choice.Variant)
		if a.Sized || a.Settings != base.Settings || len(a.CodeOnly) > 0 || !hasNote(a, NoteModelNotApplicable) {
			t.Errorf("%d: sized %v, settings %+v (measured %+v), code-only %v, notes %+v", i, a.Sized, a.Settings, base.Settings, a.CodeOnly, a.Notes)
		}
	}
}
