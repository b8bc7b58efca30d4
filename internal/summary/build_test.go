package summary

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// row returns the row of variant at rate, failing the test if there is none.
func row(t *testing.T, s *Summary, variant string, rate int) Row {
	t.Helper()
	for _, rs := range s.Rates {
		if rs.Rate != rate {
			continue
		}
		for _, r := range rs.Rows {
			if r.Variant == variant {
				return r
			}
		}
	}
	t.Fatalf("the summary has no row %s at %d/s", variant, rate)
	return Row{}
}

// uniformQuantile is the q-quantile of the n values lo, lo+step, …, taken
// as the midpoint of the sample at rank q·n, interpolated between samples:
// lo + (q·n − ½)·step.
func uniformQuantile(lo, step time.Duration, n int, q float64) time.Duration {
	return lo + time.Duration((q*float64(n)-0.5)*float64(step))
}

// latencyTolerance is how far a t-digest quantile may be from
// uniformQuantile: one step between samples, 2µs, which is 0.1% of the
// median and 0.07% of the p99. With compression 100 and 1,000 samples the
// digest keeps the tails in centroids of a few samples and, on evenly spaced
// values, interpolates to the exact midpoint in the middle too (it does, to
// the nanosecond, today); a quantile a whole sample away would mean that
// the repetitions were not merged as they should be.
const latencyTolerance = resultstest.Step

func TestBuildLatencyMergesRepetitions(t *testing.T) {
	t.Parallel()
	s := build(t, resultstest.New(t, ""))
	cases := []struct {
		name    string
		variant string
		rate    int
		shift   time.Duration
	}{
		// The baseline's repetitions span [1ms, 2ms) and [2ms, 3ms): merged
		// they are 1,000 values 2µs apart, so the p99 is near 2.98ms, far
		// from the mean of the two repetitions' p99 (2.49ms).
		{"baseline", "none", 1000, 0},
		// A variant is the baseline moved by its overhead.
		{"batch at the first rate", "batch", 1000, 150 * time.Microsecond},
		// The second rate has its own cells.
		{"sync at the second rate", "sync", 3000, 2 * time.Millisecond},
		// Sampling changes which traces are kept, not the load figures.
		{"sampled at the second rate", "sampled-10", 3000, 60 * time.Microsecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := row(t, s, tc.variant, tc.rate)
			if r.Reps != 2 || r.Requests != 2*resultstest.N {
				t.Fatalf("reps %d, requests %d; want 2 and %d", r.Reps, r.Requests, 2*resultstest.N)
			}
			lo := time.Millisecond + tc.shift
			approx := []struct {
				name     string
				got      time.Duration
				want     time.Duration
				exactish bool
			}{
				{"p50", r.Latency.P50, uniformQuantile(lo, resultstest.Step, 2*resultstest.N, 0.5), false},
				{"p90", r.Latency.P90, uniformQuantile(lo, resultstest.Step, 2*resultstest.N, 0.9), false},
				{"p99", r.Latency.P99, uniformQuantile(lo, resultstest.Step, 2*resultstest.N, 0.99), false},
				{"p99.9", r.Latency.P999, uniformQuantile(lo, resultstest.Step, 2*resultstest.N, 0.999), false},
				// The single repetitions' p99, from their cell.json.
				{"p99 low", r.P99Low, uniformQuantile(lo, resultstest.Step, resultstest.N, 0.99), false},
				{"p99 high", r.P99High, uniformQuantile(lo+time.Millisecond, resultstest.Step, resultstest.N, 0.99), false},
				// Min, max and mean are not estimated: they are exact.
				{"min", r.Latency.Min, lo, true},
				{"max", r.Latency.Max, lo + (2*resultstest.N-1)*resultstest.Step, true},
				{"mean", r.Latency.Mean, lo + (2*resultstest.N-1)*resultstest.Step/2, true},
			}
			for _, a := range approx {
				tol := latencyTolerance
				if a.exactish {
					tol = 0
				}
				if d := a.got - a.want; d < -tol || d > tol {
					t.Errorf("%s = %v, want %v ± %v", a.name, a.got, a.want, tol)
				}
			}
		})
	}
}

func TestBuildOverhead(t *testing.T) {
	t.Parallel()
	s := build(t, resultstest.New(t, ""))
	cases := []struct {
		name    string
		variant string
		rate    int
		shift   time.Duration // the latency the variant adds to every request
		cpu     time.Duration // CPU per request
		cpuPct  float64       // against the baseline's 10µs
	}{
		// The baseline is compared with nothing: every overhead is zero.
		{"baseline", "none", 1000, 0, 10 * time.Microsecond, 0},
		// sync triples the CPU per request and adds 1ms, then 2ms.
		{"sync at 1000/s", "sync", 1000, time.Millisecond, 30 * time.Microsecond, 200},
		{"sync at 3000/s", "sync", 3000, 2 * time.Millisecond, 30 * time.Microsecond, 200},
		// Each rate is compared with the baseline of the same rate.
		{"batch at 1000/s", "batch", 1000, 150 * time.Microsecond, 14 * time.Microsecond, 40},
		{"batch at 3000/s", "batch", 3000, 250 * time.Microsecond, 14 * time.Microsecond, 40},
		{"batch-q64 at 3000/s", "batch-q64", 3000, 200 * time.Microsecond, 12 * time.Microsecond, 20},
		{"sampled-10 at 1000/s", "sampled-10", 1000, 50 * time.Microsecond, 11 * time.Microsecond, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, r := row(t, s, "none", tc.rate), row(t, s, tc.variant, tc.rate)
			// A shift of every sample shifts the digest's quantiles by the
			// same amount, up to the float rounding of the centroid means.
			const ns = 2 * time.Nanosecond
			if d := r.P50Overhead - tc.shift; d < -ns || d > ns {
				t.Errorf("P50Overhead = %v, want %v", r.P50Overhead, tc.shift)
			}
			if d := r.P99Overhead - tc.shift; d < -ns || d > ns {
				t.Errorf("P99Overhead = %v, want %v", r.P99Overhead, tc.shift)
			}
			if r.P50Overhead != r.Latency.P50-base.Latency.P50 || r.P99Overhead != r.Latency.P99-base.Latency.P99 {
				t.Errorf("overheads %v, %v are not the differences of the rows' p50 and p99", r.P50Overhead, r.P99Overhead)
			}
			wantP50Pct := 100 * float64(tc.shift) / float64(uniformQuantile(time.Millisecond, resultstest.Step, 2*resultstest.N, 0.5))
			wantP99Pct := 100 * float64(tc.shift) / float64(uniformQuantile(time.Millisecond, resultstest.Step, 2*resultstest.N, 0.99))
			// 0.1 percentage point: the baseline's quantiles are known to
			// within latencyTolerance, a few parts in ten thousand.
			if math.Abs(r.P50OverheadPct-wantP50Pct) > 0.1 {
				t.Errorf("P50OverheadPct = %.4f, want %.4f", r.P50OverheadPct, wantP50Pct)
			}
			if math.Abs(r.P99OverheadPct-wantP99Pct) > 0.1 {
				t.Errorf("P99OverheadPct = %.4f, want %.4f", r.P99OverheadPct, wantP99Pct)
			}
			if r.CPUPerRequest != tc.cpu {
				t.Errorf("CPUPerRequest = %v, want %v", r.CPUPerRequest, tc.cpu)
			}
			if math.Abs(r.CPUOverheadPct-tc.cpuPct) > 1e-9 {
				t.Errorf("CPUOverheadPct = %v, want %v", r.CPUOverheadPct, tc.cpuPct)
			}
		})
	}
}

// TestBuildCPUPerRequest checks that CPU per request is the CPU of all the
// repetitions over their requests, not the mean of the repetitions' ratios.
func TestBuildCPUPerRequest(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	// Repetition 1: 1,000 requests in 10ms of CPU (10µs each); repetition
	// 2: 3,000 requests in 60ms (20µs each). 70ms / 4,000 = 17.5µs, where
	// the mean of the ratios would be 15µs.
	rep1 := f.Cell(t, "batch", 1000, 1)
	rep1.N, rep1.CPU = 1000, 10*time.Millisecond
	rep2 := f.Cell(t, "batch", 1000, 2)
	rep2.N, rep2.CPU = 3000, 60*time.Millisecond
	s := build(t, f)

	r := row(t, s, "batch", 1000)
	if want := 17500 * time.Nanosecond; r.CPUPerRequest != want {
		t.Errorf("CPUPerRequest = %v, want %v", r.CPUPerRequest, want)
	}
	if want := 75.0; math.Abs(r.CPUOverheadPct-want) > 1e-9 {
		t.Errorf("CPUOverheadPct = %v, want %v (17.5µs against 10µs)", r.CPUOverheadPct, want)
	}
	if r.Requests != 4000 {
		t.Errorf("Requests = %d, want 4000", r.Requests)
	}
}

func TestBuildSpans(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	// Sampling kept 50 and 70 of the 600 requests of each repetition.
	f.Cell(t, "sampled-10", 1000, 1).Spans.ServerSpans = 50
	f.Cell(t, "sampled-10", 1000, 2).Spans.ServerSpans = 70
	// batch-q64 lost 6 spans of 3 traces in repetition 2 at 3000/s.
	q := f.Cell(t, "batch-q64", 3000, 2)
	q.Spans.Received -= 6
	q.Spans.Lost = 6
	q.Spans.MissingTraces = 3
	q.Spans.MissingSpans = 6
	s := build(t, f)

	served := int64(2 * (resultstest.N + resultstest.Warmup))
	cases := []struct {
		name    string
		variant string
		rate    int
		want    SpanTotals
	}{
		// The baseline makes no spans: only the requests it served count.
		{"baseline", "none", 1000, SpanTotals{TargetRequests: served}},
		// Every span arrived; every request's trace was kept.
		{"batch", "batch", 1000, SpanTotals{PerRequest: 2, Ended: 2 * served, ExportedOK: 2 * served, Received: 2 * served,
			Matched: true, TracedRequests: served, ServerSpans: served, TargetRequests: served, SampledShare: 1}},
		// Lost adds up over the repetitions; LossPct is of the spans ended.
		{"batch-q64 lost spans", "batch-q64", 3000, SpanTotals{PerRequest: 2, Ended: 2 * served, ExportedOK: 2 * served,
			Received: 2*served - 6, Lost: 6, LossPct: 100 * 6 / float64(2*served), Matched: true, TracedRequests: served,
			MissingTraces: 3, MissingSpans: 6, ServerSpans: served, TargetRequests: served, SampledShare: 1}},
		// SampledShare is server spans over requests served: 120 / 1,200.
		{"sampled", "sampled-10", 1000, SpanTotals{PerRequest: 2, Ended: 2 * 2 * 60, ExportedOK: 2 * 2 * 60, Received: 2 * 2 * 60,
			ServerSpans: 120, TargetRequests: served, SampledShare: 0.1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := row(t, s, tc.variant, tc.rate).Spans
			if math.Abs(got.LossPct-tc.want.LossPct) < 1e-12 {
				got.LossPct = tc.want.LossPct
			}
			if math.Abs(got.SampledShare-tc.want.SampledShare) < 1e-12 {
				got.SampledShare = tc.want.SampledShare
			}
			if got != tc.want {
				t.Errorf("spans\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestBuildOnEnd(t *testing.T) {
	t.Parallel()
	s := build(t, resultstest.New(t, ""))
	cases := []struct {
		name    string
		variant string
		want    [2]time.Duration // p50, p99
		count   uint64
	}{
		// No histogram: nothing to estimate.
		{"baseline", "none", [2]time.Duration{0, 0}, 0},
		// Every request is in the (1µs, 2µs] bucket: interpolated inside
		// it, the p50 is 1.5µs and the p99 1.99µs.
		{"batch", "batch", [2]time.Duration{1500, 1990}, 2 * (resultstest.N + resultstest.Warmup)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := row(t, s, tc.variant, 1000)
			// 1ns: the seconds are converted back to a truncated Duration.
			near := func(got, want time.Duration) bool { return got-want <= time.Nanosecond && want-got <= time.Nanosecond }
			if !near(r.OnEndP50, tc.want[0]) || !near(r.OnEndP99, tc.want[1]) || r.OnEndCount != tc.count {
				t.Errorf("OnEnd p50 %v, p99 %v, count %d; want %v, %v, %d", r.OnEndP50, r.OnEndP99, r.OnEndCount, tc.want[0], tc.want[1], tc.count)
			}
			if tc.count > 0 && r.OnEndResolution != 1 {
				t.Errorf("OnEndResolution = %v, want 1 (the bucket spans 1µs to 2µs)", r.OnEndResolution)
			}
		})
	}
}

func TestBuildHeader(t *testing.T) {
	t.Parallel()
	s := build(t, resultstest.New(t, ""))
	if s.Schema != SchemaVersion || s.RunID != "20250102T030405Z-fixture" || s.Profile != "fixture" ||
		s.Status != results.StatusComplete || s.Baseline != "none" || s.Budget != 10 {
		t.Errorf("header: schema %d, run %q, profile %q, status %q, baseline %q, budget %v",
			s.Schema, s.RunID, s.Profile, s.Status, s.Baseline, s.Budget)
	}
	var rates []int
	for _, rs := range s.Rates {
		rates = append(rates, rs.Rate)
		var names []string
		for _, r := range rs.Rows {
			names = append(names, r.Variant)
			if r.Baseline != (r.Variant == "none") {
				t.Errorf("%s at %d/s: Baseline = %v", r.Variant, rs.Rate, r.Baseline)
			}
		}
		if got := strings.Join(names, " "); got != "none sync batch batch-q64 sampled-10" {
			t.Errorf("rows at %d/s: %s, want the profile's order", rs.Rate, got)
		}
	}
	if len(rates) != 2 || rates[0] != 1000 || rates[1] != 3000 {
		t.Errorf("rates %v, want [1000 3000]", rates)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("run warnings %+v, want none", s.Warnings)
	}
}

func TestBuildNoProfile(t *testing.T) {
	t.Parallel()
	_, err := Build(&results.Loaded{Path: "results/x"})
	if err == nil || !strings.Contains(err.Error(), "results/x: run.json has no profile") {
		t.Errorf("Build without a profile: error %v", err)
	}
}

// build writes the fixture's run and builds its summary.
func build(t *testing.T, f *resultstest.Fixture) *Summary {
	t.Helper()
	s, err := Build(f.Write(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

// TestBuildRatesInAnyOrder: a profile may list its rates high first; the
// summary lists them lowest first, each row at its own rate, so that
// "the highest rate" is always the last.
func TestBuildRatesInAnyOrder(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, strings.Replace(resultstest.DefaultProfile, "rates: [1000, 3000]", "rates: [3000, 1000]", 1))
	s := build(t, f)
	if got := s.RateList(); len(got) != 2 || got[0] != 1000 || got[1] != 3000 || s.PeakRate() != 3000 || s.LowRate() != 1000 {
		t.Fatalf("rates %v (peak %d, low %d), want [1000 3000]", got, s.PeakRate(), s.LowRate())
	}
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.Reps > 0 && int(r.RequestedRate) != rs.Rate {
				t.Errorf("row %s under %d/s was measured at %v/s", r.Variant, rs.Rate, r.RequestedRate)
			}
		}
	}
}

// TestBuildSpansPerRequestFromCells: what a traced request ends is what the
// cells recorded (the target's count, or -spans for a user's service), not
// what the profile's workload would give the bundled target.
func TestBuildSpansPerRequestFromCells(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	f.Each("batch", 0, func(c *resultstest.Cell) { c.Spans.PerRequest = 5 })
	s := build(t, f)
	if r := row(t, s, "batch", 3000); r.Spans.PerRequest != 5 {
		t.Errorf("row spans per request %d, want the cells' 5", r.Spans.PerRequest)
	}
	if v, _ := s.Variant("batch"); v.SpansPerRequest != 5 {
		t.Errorf("variant spans per request %d, want the cells' 5", v.SpansPerRequest)
	}
	if v, _ := s.Variant("sync"); v.SpansPerRequest != 2 {
		t.Errorf("sync spans per request %d, want 2", v.SpansPerRequest)
	}
}
