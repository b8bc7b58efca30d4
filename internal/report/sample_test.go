package report

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// sampleProfile holds the variants of the sample summaries; the last one
// sets every option a recommendation renders.
const sampleProfile = `name: sample
rates: [1000, 3000]
duration: 10s
repetitions: 2
budget:
  p99_overhead_pct: 10
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: batch
    kind: batch
  - name: batch-q64
    kind: batch
    queue_size: 64
  - name: sampled-10
    kind: sampled
    queue_size: 64
    batch_timeout: 100ms
    blocking: true
    exporter_timeout: 5s
    sample_ratio: 0.1
`

// sampleVariants parses sampleProfile and returns its variants by name.
func sampleVariants(t *testing.T) map[string]profile.Variant {
	t.Helper()
	p, err := profile.Parse("sample.yaml", []byte(sampleProfile))
	if err != nil {
		t.Fatalf("parsing the sample profile: %v", err)
	}
	vs := map[string]profile.Variant{}
	for _, v := range p.Variants {
		vs[v.Name] = v
	}
	return vs
}

// The baseline's latencies in the sample summaries.
var baseLatency = results.Latency{
	Mean: 1999500 * time.Nanosecond, Min: time.Millisecond,
	P50: 1999500 * time.Nanosecond, P90: 2799500 * time.Nanosecond, P99: 2979500 * time.Nanosecond,
	P999: 2997500 * time.Nanosecond, Max: 2999 * time.Microsecond,
}

// sampleRow is a row of two clean repetitions of 10,000 requests whose
// latencies are the baseline's plus shift, as summary.Build computes it.
// Rendering does no arithmetic; the test does it here, once.
func sampleRow(v profile.Variant, rate int, shift, cpu time.Duration) summary.Row {
	const requests = 20000
	const served = requests + 2000 // with the warm-up
	add := func(d time.Duration) time.Duration { return d + shift }
	r := summary.Row{
		Variant:       v.Name,
		Kind:          v.Kind,
		Baseline:      v.Kind == profile.KindNone,
		Reps:          2,
		RequestedRate: float64(rate),
		AchievedRate:  float64(rate) * 1.0001,
		Requests:      requests,
		Latency: results.Latency{
			Mean: add(baseLatency.Mean), Min: add(baseLatency.Min), P50: add(baseLatency.P50), P90: add(baseLatency.P90),
			P99: add(baseLatency.P99), P999: add(baseLatency.P999), Max: add(baseLatency.Max),
		},
		P99Low:         add(1989500 * time.Nanosecond),
		P99High:        add(2989500 * time.Nanosecond),
		CPUPerRequest:  cpu,
		CPUOverheadPct: 100 * float64(cpu-10*time.Microsecond) / float64(10*time.Microsecond),
		PeakRSS:        21495808 + int64(len(v.Name))<<20,
	}
	if !r.Baseline {
		r.P50Overhead, r.P99Overhead = shift, shift
		r.P50OverheadPct = 100 * float64(shift) / float64(baseLatency.P50)
		r.P99OverheadPct = 100 * float64(shift) / float64(baseLatency.P99)
	}
	r.Spans.TargetRequests = served
	switch v.Kind {
	case profile.KindSync, profile.KindBatch:
		r.Spans = summary.SpanTotals{PerRequest: 2, Ended: 2 * served, ExportedOK: 2 * served, Received: 2 * served,
			Matched: true, TracedRequests: served, ServerSpans: served, TargetRequests: served, SampledShare: 1}
	case profile.KindSampled:
		r.Spans = summary.SpanTotals{PerRequest: 2, Ended: 2 * 2213, ExportedOK: 2 * 2213, Received: 2 * 2213,
			ServerSpans: 2213, TargetRequests: served, SampledShare: 2213.0 / served}
	}
	if v.Kind != profile.KindNone {
		r.OnEndP50, r.OnEndP99, r.OnEndResolution, r.OnEndCount = 1500, 1990, 0.25, served
	}
	return r
}

// sampleSummary is a run with a bit of everything a report shows: a failed
// cell, a rate not reached, failed requests, lost spans, a variant faster
// than the baseline, an OnEnd p99 beyond the histogram, a variant not
// measured at one rate, and a recommendation of the one variant that sets
// every option (only sampling met the budget).
func sampleSummary(t *testing.T) *summary.Summary {
	vs := sampleVariants(t)
	us := time.Microsecond
	s := &summary.Summary{
		Schema:   summary.SchemaVersion,
		RunID:    "20250102T030405Z-sample",
		Profile:  "sample",
		Status:   results.StatusComplete,
		Baseline: "none",
		Budget:   10,
		Warnings: []string{"cell 017-batch-q64-r3000-rep2 failed: starting target: exit status 1"},
	}

	r1000 := summary.RateSummary{Rate: 1000, Rows: []summary.Row{
		sampleRow(vs["none"], 1000, 0, 10*us),
		sampleRow(vs["sync"], 1000, time.Millisecond, 30*us),
		sampleRow(vs["batch"], 1000, 150*us, 14*us),
		sampleRow(vs["batch-q64"], 1000, 100*us, 12*us),
		sampleRow(vs["sampled-10"], 1000, -2*us, 11*us),
	}}
	sync := &r1000.Rows[1]
	sync.AchievedRate = 901.2
	sync.Warnings = []string{"rate not reached in rep 2: 901/s of 1000/s (the target could not keep up or the load generator saturated)"}
	batch := &r1000.Rows[2]
	batch.Errors = 10
	batch.Spans.Ended -= 20
	batch.Spans.ExportedOK -= 20
	batch.Spans.Received -= 20
	batch.Spans.TracedRequests -= 10
	batch.Warnings = []string{"10 of 20000 requests failed (0.05%): 500 Internal Server Error"}

	r3000 := summary.RateSummary{Rate: 3000, Rows: []summary.Row{
		sampleRow(vs["none"], 3000, 0, 10*us),
		sampleRow(vs["sync"], 3000, 2*time.Millisecond, 31*us),
		sampleRow(vs["batch"], 3000, 250*us, 14*us),
		{Variant: "batch-q64", Kind: profile.KindBatch, RequestedRate: 3000, Failed: 1,
			Warnings: []string{"no successful repetition"}},
		sampleRow(vs["sampled-10"], 3000, 60*us, 11*us),
	}}
	sync3 := &r3000.Rows[1]
	sync3.OnEndP99 = time.Duration(1<<63 - 1) // beyond the last bucket
	batch3 := &r3000.Rows[2]
	batch3.Spans.Received -= 1234
	batch3.Spans.Lost = 1234
	batch3.Spans.LossPct = 100 * 1234 / float64(batch3.Spans.Ended)
	batch3.Spans.MissingSpans = 1234
	batch3.Spans.MissingTraces = 617
	s.Rates = []summary.RateSummary{r1000, r3000}
	sync3.Blocking = summary.Blocking{OnEndMax: 2 * time.Second, OnEndMean: 800 * us, PerRequest: 1600 * us,
		Share: 0.4, LockWait: 600 * us, ExportMean: 200 * us}
	batch3.Blocking = summary.Blocking{OnEndMax: 90 * us, OnEndMean: 300 * time.Nanosecond, PerRequest: 600 * time.Nanosecond,
		Share: 0.002, ExportMean: 5 * time.Millisecond}

	s.Collector = "embedded"
	s.Faults = []string{"latency: 5ms per export", "outage: 1s to 4s (connections refused)"}
	s.Burst = "×4 the cell's rate from 500ms for 1s of every measured attack"
	s.Accounting = []summary.Account{
		{Cell: "001-none-r3000-rep1", Variant: "none", Kind: profile.KindNone, Rate: 3000, Rep: 1, Adds: true, Independent: true},
		{Cell: "002-batch-r3000-rep1", Variant: "batch", Kind: profile.KindBatch, Rate: 3000, Rep: 1,
			Ended: 18000, Handed: 16766, Exported: 16700, Failed: 66, FailedByCode: map[string]int64{"Unavailable": 66},
			Dropped: 1234, DropSource: summary.DropSDK, Received: 16700, Duplicates: 3, MissingTraces: 617,
			FreshnessP50: 5200 * us, FreshnessP99: 4100 * time.Millisecond, Adds: true, Independent: true, Observability: true,
			Recovery: &summary.Recovery{FaultEnd: 4 * time.Second, WorstDuring: 900 * us, BaselineP99: 400 * us,
				Latency: 0, Spans: 100 * time.Millisecond, Known: true}},
		{Cell: "003-sync-r3000-rep1", Variant: "sync", Kind: profile.KindSync, Rate: 3000, Rep: 1,
			Ended: 9000, Handed: 9000, Exported: 8000, Failed: 1000, FailedByCode: map[string]int64{"DeadlineExceeded": 1000},
			DropSource: summary.DropNone, Received: 8000, MissingTraces: 500,
			FreshnessP50: 5100 * us, FreshnessP99: 6 * time.Millisecond, Adds: true, Independent: true,
			Recovery: &summary.Recovery{FaultEnd: 4 * time.Second, WorstDuring: 10 * time.Second, BaselineP99: 6 * time.Millisecond,
				Latency: -1, Spans: 0, Known: true}},
		{Cell: "004-batch-q64-r3000-rep1", Variant: "batch-q64", Kind: profile.KindBatch, Rate: 3000, Rep: 1,
			Ended: 9000, Handed: 8000, Exported: 8000, Dropped: 1000, DropSource: summary.DropUnknown,
			Received: 8000, MissingTraces: 500, Adds: true,
			Recovery: &summary.Recovery{FaultEnd: 4 * time.Second}},
	}

	v := vs["sampled-10"]
	s.Recommendation = summary.Recommendation{
		Variant:  v.Name,
		Settings: &v,
		Env:      v.Env(),
		Reasons: []string{
			"no variant that keeps every trace met the budget; only sampling did, which discards traces by design",
			"sampled-10 lost no spans, failed no request and its worst p99 overhead was +2.0% (budget 10%) at rates 1000/s, 3000/s",
		},
		Rejected: []summary.Rejection{
			{Variant: "sync", Reasons: []string{
				"the requested rate was not reached at 1000/s (901/s)",
				"p99 overhead +33.6% (1ms) at 1000/s exceeds the 10% budget",
				"p99 overhead +67.1% (2ms) at 3000/s exceeds the 10% budget",
			}},
			{Variant: "batch", Reasons: []string{
				"10 of 20000 requests failed at 1000/s",
				"lost 1234 of 44000 spans (2.80%) at 3000/s",
			}},
			{Variant: "batch-q64", Reasons: []string{"not measured at 3000/s"}},
		},
	}
	return s
}

// noneQualifies is sampleSummary where sampling too went over budget.
func noneQualifies(t *testing.T) *summary.Summary {
	s := sampleSummary(t)
	s.Rates[1].Rows[4] = sampleRow(sampleVariants(t)["sampled-10"], 3000, 360*time.Microsecond, 11*time.Microsecond)
	rej := s.Recommendation.Rejected
	s.Recommendation = summary.Recommendation{
		Reasons: []string{"no measured variant lost no spans and kept p99 overhead within 10% at every rate; see why each was rejected, and relax the budget or measure other settings"},
		Rejected: append(rej, summary.Rejection{Variant: "sampled-10", Reasons: []string{
			"p99 overhead +12.1% (360µs) at 3000/s exceeds the 10% budget",
		}}),
	}
	return s
}
