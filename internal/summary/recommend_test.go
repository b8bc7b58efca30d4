package summary

import (
	"maps"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// loseSpans makes variant lose n spans of n/2 traces in repetition 1 at
// rate, with both ways of counting agreeing.
func loseSpans(t *testing.T, f *fixture, variant string, rate int, n int64) {
	c := f.cell(t, variant, rate, 1)
	c.spans.Received -= n
	c.spans.Lost = n
	if c.spans.Matched {
		c.spans.MissingSpans, c.spans.MissingTraces = n, n/2
	}
}

// slowDown adds extra latency to every request of variant at rate.
func slowDown(f *fixture, variant string, rate int, extra time.Duration) {
	f.each(variant, rate, func(c *cellSpec) {
		latency := c.latency
		c.latency = func(i int) time.Duration { return latency(i) + extra }
	})
}

func TestRecommend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		profile string // fixtureProfile when empty
		tweak   func(t *testing.T, f *fixture)
		variant string // the recommended variant; "" for none
		reasons []string
		// rejected maps each rejected variant to substrings of its reasons.
		rejected map[string][]string
	}{{
		// batch and batch-q64 qualify; batch-q64 costs 12µs of CPU per
		// request, batch 14µs. sync adds over 30% at p99. sampled-10
		// qualifies too, but variants that keep every trace come first.
		name:    "cheapest qualifying",
		variant: "batch-q64",
		reasons: []string{
			"batch-q64 lost no spans, failed no request and its worst p99 overhead was +6.7% (budget 10%) at rates 1000/s, 3000/s",
			"cheapest of 2 that qualified: 12µs CPU per request on average, against 14µs for batch",
			"it keeps every trace (no sampling)",
		},
		rejected: map[string][]string{"sync": {
			"p99 overhead +33.6% (1ms) at 1000/s exceeds the 10% budget",
			"p99 overhead +67.1% (2ms) at 3000/s exceeds the 10% budget",
		}},
	}, {
		// The cost is the mean over the rates: batch-q64 at 12µs and 20µs
		// (16µs) is dearer than batch at 14µs.
		name: "mean CPU over the rates",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch-q64", 3000, func(c *cellSpec) { c.cpu = 20 * time.Microsecond * time.Duration(c.n) })
		},
		variant: "batch",
		reasons: []string{"cheapest of 2 that qualified: 14µs CPU per request on average, against 16µs for batch-q64"},
	}, {
		// batch-q64 dropped spans at 3000/s: rejected, naming the loss and
		// the rate; batch is next.
		name: "lost spans",
		tweak: func(t *testing.T, f *fixture) {
			loseSpans(t, f, "batch-q64", 3000, 22)
		},
		variant: "batch",
		reasons: []string{"batch lost no spans, failed no request and its worst p99 overhead was +8.4% (budget 10%)"},
		rejected: map[string][]string{
			"batch-q64": {"lost 22 of 2400 spans (0.92%) at 3000/s"},
			"sync":      {"p99 overhead +33.6% (1ms) at 1000/s exceeds the 10% budget"},
		},
	}, {
		// batch-q64 adds 400µs at 3000/s, 13.4% of the baseline's p99.
		name: "over budget",
		tweak: func(t *testing.T, f *fixture) {
			slowDown(f, "batch-q64", 3000, 200*time.Microsecond)
		},
		variant: "batch",
		rejected: map[string][]string{
			"batch-q64": {"p99 overhead +13.4% (400µs) at 3000/s exceeds the 10% budget"},
		},
	}, {
		// Failed requests, a failed target and a missed rate each reject.
		name: "errors, failures and missed rates",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch-q64", 1000, 2).code = func(i int) uint16 {
				if i == 0 {
					return 502
				}
				return 200
			}
			f.cell(t, "batch", 3000, 1).status = results.StatusFailed
			f.cell(t, "sampled-10", 1000, 1).sendRate = 500
		},
		variant: "",
		rejected: map[string][]string{
			"batch-q64":  {"1 of 1000 requests failed at 1000/s"},
			"batch":      {"its target failed in 1 repetition(s) at 3000/s"},
			"sampled-10": {"the requested rate was not reached at 1000/s (501/s)"},
		},
	}, {
		// sync within the budget is a candidate like any other; when it is
		// the cheapest it wins.
		name: "sync within budget",
		tweak: func(t *testing.T, f *fixture) {
			for i, rate := range []int{1000, 3000} {
				slowDown(f, "sync", rate, -fixtureShift["sync"][i]+10*time.Microsecond)
			}
			f.each("sync", 0, func(c *cellSpec) { c.cpu = 11 * time.Microsecond * time.Duration(c.n) })
		},
		variant: "sync",
		reasons: []string{"cheapest of 3 that qualified: 11µs CPU per request on average, against 12µs for batch-q64"},
	}, {
		// Every variant that keeps all traces lost spans; sampling is the
		// only one left, and the reasons say what it gives up.
		name: "only sampling qualifies",
		tweak: func(t *testing.T, f *fixture) {
			loseSpans(t, f, "batch", 1000, 2)
			loseSpans(t, f, "batch-q64", 1000, 4)
		},
		variant: "sampled-10",
		reasons: []string{
			"no variant that keeps every trace met the budget; only sampling did, which discards traces by design",
			"sampled-10 lost no spans, failed no request and its worst p99 overhead was +2.0% (budget 10%) at rates 1000/s, 3000/s",
		},
		rejected: map[string][]string{
			"batch":     {"lost 2 of 2400 spans (0.08%) at 1000/s"},
			"batch-q64": {"lost 4 of 2400 spans (0.17%) at 1000/s"},
		},
	}, {
		// Nothing qualifies: no variant, and the reason says so.
		name: "nothing qualifies",
		tweak: func(t *testing.T, f *fixture) {
			loseSpans(t, f, "batch", 1000, 2)
			loseSpans(t, f, "batch-q64", 1000, 4)
			slowDown(f, "sampled-10", 1000, time.Millisecond)
		},
		variant: "",
		reasons: []string{"no measured variant kept every span and its p99 overhead within 10% at every rate"},
		rejected: map[string][]string{
			"sync":       {"exceeds the 10% budget"},
			"batch":      {"lost 2 of 2400 spans"},
			"batch-q64":  {"lost 4 of 2400 spans"},
			"sampled-10": {"p99 overhead +35.2% (1.05ms) at 1000/s exceeds the 10% budget"},
		},
	}, {
		// The baseline failed at 3000/s, so no overhead is known there: no
		// variant can be shown to stay within the budget at every rate.
		name: "no baseline at a rate",
		tweak: func(t *testing.T, f *fixture) {
			f.each("none", 3000, func(c *cellSpec) { c.status = results.StatusFailed })
		},
		variant: "",
		reasons: []string{"no measured variant kept every span and its p99 overhead within 10% at every rate"},
		rejected: map[string][]string{
			"batch":      {"no overhead known at 3000/s: the baseline was not measured"},
			"batch-q64":  {"no overhead known at 3000/s: the baseline was not measured"},
			"sampled-10": {"no overhead known at 3000/s: the baseline was not measured"},
		},
	}, {
		// A variant measured at neither rate is rejected as not measured.
		name: "not measured",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch-q64", 0, func(c *cellSpec) { c.unfinished = true })
		},
		variant: "batch",
		rejected: map[string][]string{
			"batch-q64": {"not measured at 1000/s", "not measured at 3000/s"},
		},
	}, {
		// A second variant of kind none costs less than anything, yet is
		// neither recommended nor listed as rejected.
		name: "kind none is never recommended",
		profile: fixtureProfile + `  - name: idle
    kind: none
`,
		tweak: func(t *testing.T, f *fixture) {
			f.each("idle", 0, func(c *cellSpec) { c.cpu = time.Microsecond * time.Duration(c.n) })
		},
		variant: "batch-q64",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.profile)
			if tc.tweak != nil {
				tc.tweak(t, f)
			}
			rec := f.build(t).Recommendation
			if rec.Variant != tc.variant {
				t.Fatalf("recommended %q, want %q; reasons %q, rejected %+v", rec.Variant, tc.variant, rec.Reasons, rec.Rejected)
			}
			if m := containsAll(rec.Reasons, tc.reasons); len(m) > 0 {
				t.Errorf("reasons %q\nlack %q", rec.Reasons, m)
			}
			checkSettings(t, f.profile, rec)
			got := map[string][]string{}
			for _, j := range rec.Rejected {
				got[j.Variant] = j.Reasons
				if len(j.Reasons) == 0 {
					t.Errorf("%s rejected without a reason", j.Variant)
				}
			}
			for v, want := range tc.rejected {
				if m := containsAll(got[v], want); len(m) > 0 {
					t.Errorf("%s rejected for %q\nlacks %q", v, got[v], m)
				}
			}
			for _, v := range f.profile.Variants {
				_, rejected := got[v.Name]
				switch {
				case v.Kind == profile.KindNone && rejected:
					t.Errorf("%s, of kind none, is listed as rejected", v.Name)
				case v.Name == rec.Variant && rejected:
					t.Errorf("%s is both recommended and rejected", v.Name)
				}
			}
		})
	}
}

// checkSettings checks that a recommendation carries its variant's settings
// and, as Env, exactly what those settings' Env returns.
func checkSettings(t *testing.T, p *profile.Profile, rec Recommendation) {
	t.Helper()
	if rec.Variant == "" {
		if rec.Settings != nil || rec.Env != nil {
			t.Errorf("no variant recommended, yet settings %+v and env %v", rec.Settings, rec.Env)
		}
		return
	}
	if rec.Settings == nil {
		t.Fatalf("%s recommended without its settings", rec.Variant)
	}
	var v *profile.Variant
	for i := range p.Variants {
		if p.Variants[i].Name == rec.Variant {
			v = &p.Variants[i]
		}
	}
	if v == nil || rec.Settings.Name != v.Name || rec.Settings.Kind != v.Kind {
		t.Errorf("settings %+v are not those of variant %s", rec.Settings, rec.Variant)
	}
	if v.Kind == profile.KindNone {
		t.Errorf("recommended %s, of kind none", v.Name)
	}
	if !maps.Equal(rec.Env, rec.Settings.Env()) {
		t.Errorf("Env = %v, want Settings.Env() = %v", rec.Env, rec.Settings.Env())
	}
}

// TestRecommendSettings checks that a recommended variant's settings and
// environment are those of its profile entry, options and all.
func TestRecommendSettings(t *testing.T) {
	t.Parallel()
	const yaml = `name: settings
rates: [1000]
duration: 1s
repetitions: 1
variants:
  - name: none
    kind: none
  - name: sampled-q64
    kind: sampled
    queue_size: 64
    batch_timeout: 100ms
    blocking: true
    exporter_timeout: 5s
    sample_ratio: 0.1
    env:
      OTEL_SERVICE_NAME: checkout
`
	f := newFixture(t, yaml)
	rec := f.build(t).Recommendation
	if rec.Variant != "sampled-q64" {
		t.Fatalf("recommended %q, want sampled-q64; reasons %q", rec.Variant, rec.Reasons)
	}
	checkSettings(t, f.profile, rec)
	want := map[string]string{
		"OTEL_BSP_MAX_QUEUE_SIZE":    "64",
		"OTEL_BSP_SCHEDULE_DELAY":    "100",
		"OTEL_EXPORTER_OTLP_TIMEOUT": "5000",
		"OTEL_TRACES_SAMPLER":        "parentbased_traceidratio",
		"OTEL_TRACES_SAMPLER_ARG":    "0.1",
		"OTEL_SERVICE_NAME":          "checkout",
	}
	if !maps.Equal(rec.Env, want) {
		t.Errorf("Env = %v, want %v", rec.Env, want)
	}
	s := rec.Settings
	if !s.Blocking || *s.QueueSize != 64 || s.BatchTimeout.D() != 100*time.Millisecond || *s.SampleRatio != 0.1 {
		t.Errorf("settings %+v", *s)
	}
}
