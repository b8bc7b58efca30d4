package summary

import (
	"testing"
	"time"
)

// delayProfile has batch variants that differ only in the batch timeout:
// 200 ms, 2 s and the SDK's 5 s.
const delayProfile = `name: delay
rates: [1000, 3000]
duration: 1s
warmup: 0s
repetitions: 2
variants:
  - {name: none, kind: none}
  - {name: batch, kind: batch}
  - {name: batch-d200ms, kind: batch, batch_timeout: 200ms}
  - {name: batch-d2s, kind: batch, batch_timeout: 2s}
`

// setCPU gives every cell of variant at rate (every rate for 0) a CPU time
// per request of d.
func setCPU(f *fixture, variant string, rate int, d time.Duration) {
	f.each(variant, rate, func(c *cellSpec) { c.cpu = d * time.Duration(c.n) })
}

func TestRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		profile string // fixtureProfile when empty
		tweak   func(t *testing.T, f *adviceFixture)
		rule    string
		verdict string
		// evidence are substrings of the verdict's evidence.
		evidence []string
	}{{
		// sync keeps the rate at both rates but adds 34% and 67% at p99,
		// beyond the 10% budget: it slows, it does not stall.
		name:    "sync slows",
		rule:    RuleSync,
		verdict: VerdictPartly,
		evidence: []string{
			"at 1000/s sync kept the rate but not the latency: it sent 1002/s, 0 of 1000 requests failed, p99 3.979ms (+33.6%) against 3.129ms (+5.0%) for batch",
			"one export took 5ms on average, which caps it at 1/(2 × 5ms) = 100 requests/s",
		},
	}, {
		// At 3000/s sync sends a third of the rate: it stalls under load.
		name: "sync stalls under load",
		tweak: func(t *testing.T, f *adviceFixture) {
			f.each("sync", 3000, func(c *cellSpec) { c.sendRate = 1000 })
		},
		rule:     RuleSync,
		verdict:  VerdictHolds,
		evidence: []string{"at 3000/s sync stalled: it sent 1002/s", "so it holds under load, not below it"},
	}, {
		// sync within the budget at both rates: the rule does not hold.
		name: "sync keeps up",
		tweak: func(t *testing.T, f *adviceFixture) {
			for i, rate := range []int{1000, 3000} {
				slowDown(f.fixture, "sync", rate, -fixtureShift["sync"][i]+10*time.Microsecond)
			}
		},
		rule:     RuleSync,
		verdict:  VerdictFails,
		evidence: []string{"at 3000/s sync kept up"},
	}, {
		// sampled-10 costs 11µs of CPU per request against batch's 14µs,
		// the same in every repetition: a clear cut at both rates.
		name:    "sampling cuts CPU",
		rule:    RuleSampling,
		verdict: VerdictHolds,
		evidence: []string{
			"at 1000/s sampled-10 (kept 10.0% of traces) used 11µs CPU per request against 14µs for batch, -21.4% (2 and 2 repetitions, ranges apart), 75% of the 4µs tracing added",
			"sampling removes only the export's share",
		},
	}, {
		// The same CPU: no cut.
		name:     "sampling cuts nothing",
		tweak:    func(t *testing.T, f *adviceFixture) { setCPU(f.fixture, "sampled-10", 0, 14*time.Microsecond) },
		rule:     RuleSampling,
		verdict:  VerdictFails,
		evidence: []string{"used 14µs CPU per request against 14µs for batch, +0.0% (2 and 2 repetitions, ranges overlap), 0% of the 4µs tracing added"},
	}, {
		// A cut at one rate only.
		name:    "sampling cuts at one rate",
		tweak:   func(t *testing.T, f *adviceFixture) { setCPU(f.fixture, "sampled-10", 3000, 14*time.Microsecond) },
		rule:    RuleSampling,
		verdict: VerdictPartly,
	}, {
		// Sampled with other settings than any batch variant: untested.
		name: "sampling without a twin",
		profile: `name: twinless
rates: [1000]
duration: 1s
repetitions: 2
variants:
  - {name: none, kind: none}
  - {name: batch, kind: batch}
  - {name: sampled-q64, kind: sampled, sample_ratio: 0.1, queue_size: 64}
`,
		rule:     RuleSampling,
		verdict:  VerdictUntested,
		evidence: []string{"needs a sampled variant and a batch variant with the same settings"},
	}, {
		// 2 ms of mean latency at 1000/s is 2 requests in flight: a queue
		// of 4, batches of 4, which 5 ms exports drain at 800 spans/s.
		name:    "queue of 2× concurrency",
		rule:    RuleQueue,
		verdict: VerdictFails,
		evidence: []string{
			"at 1000/s: 1000/s × 1.999ms mean latency = 2.0 requests in flight, so the rule gives a queue of 4 (and batches of 4); with exports of 5ms (the shortest mean export, of batch) the worker moves at most 800 spans/s against 2000 offered: the model drops 60%",
			"the queue must hold what arrives during one export, 2000 × 5ms = 10 spans, however many requests are in flight",
		},
	}, {
		// Exports of 100µs: the rule's queue keeps up at both rates.
		name: "queue of 2× concurrency with fast exports",
		tweak: func(t *testing.T, f *adviceFixture) {
			for v := range f.export {
				f.export[v] = 100 * time.Microsecond
			}
		},
		rule:     RuleQueue,
		verdict:  VerdictHolds,
		evidence: []string{"the model loses nothing"},
	}, {
		// Fast exports, but batch, whose queue of 2048 is far above the
		// rule's, lost spans at 1000/s: so would the rule's queue.
		name: "queue: a larger queue lost spans",
		tweak: func(t *testing.T, f *adviceFixture) {
			for v := range f.export {
				f.export[v] = 100 * time.Microsecond
			}
			loseSpans(t, f.fixture, "batch", 1000, 6)
		},
		rule:     RuleQueue,
		verdict:  VerdictPartly,
		evidence: []string{"measured: batch, with a queue of 2048, at least the rule's, lost 6 of 2400 spans (0.2%)"},
	}, {
		// At 1000/s, where the model has 200 ms send smaller batches,
		// delays of 2 s and 5 s cost clearly less CPU than 200 ms. At
		// 3000/s every delay sends full batches: the same CPU.
		name:    "delay amortises",
		profile: delayProfile,
		tweak: func(t *testing.T, f *adviceFixture) {
			setCPU(f.fixture, "batch-d200ms", 1000, 14*time.Microsecond)
			setCPU(f.fixture, "batch-d2s", 1000, 13*time.Microsecond)
			setCPU(f.fixture, "batch", 1000, 12*time.Microsecond)
			setCPU(f.fixture, "batch", 3000, 10*time.Microsecond)
		},
		rule:    RuleDelay,
		verdict: VerdictHolds,
		evidence: []string{
			"at 1000/s CPU per request was 14µs with a 200ms delay (batch-d200ms), 13µs with 2s (batch-d2s, -7.1%: 2 and 2 repetitions, ranges apart), 12µs with 5s (batch, -14.3%: 2 and 2 repetitions, ranges apart)",
			"the model: 5.0 exports/s of 400 spans with 200ms, 3.9 exports/s of 512 spans with 2s, 3.9 exports/s of 512 spans with 5s; a delay beyond 512/2000 spans/s = 256ms changes nothing, batches are full",
			"at 3000/s CPU per request was 10µs",
			"batches are full: here any difference is noise",
		},
	}, {
		// The same savings at 3000/s, where the model predicts none, make
		// a noise floor that those at 1000/s do not exceed.
		name:    "delay savings within the noise",
		profile: delayProfile,
		tweak: func(t *testing.T, f *adviceFixture) {
			setCPU(f.fixture, "batch-d200ms", 0, 14*time.Microsecond)
			setCPU(f.fixture, "batch-d2s", 0, 13*time.Microsecond)
			setCPU(f.fixture, "batch", 0, 12*time.Microsecond)
		},
		rule:     RuleDelay,
		verdict:  VerdictFails,
		evidence: []string{"a saving counts only beyond this run's noise floor of 14.3%"},
	}, {
		// The same CPU whatever the delay.
		name:     "delay amortises nothing",
		profile:  delayProfile,
		tweak:    func(t *testing.T, f *adviceFixture) { setCPU(f.fixture, "batch", 0, 10*time.Microsecond) },
		rule:     RuleDelay,
		verdict:  VerdictFails,
		evidence: []string{"at 3000/s CPU per request was 10µs with a 200ms delay"},
	}, {
		// No variant below 2000 ms: untested.
		name:     "delay untested",
		rule:     RuleDelay,
		verdict:  VerdictUntested,
		evidence: []string{"needs batch variants that differ only in batch_timeout"},
	}, {
		// The sink is down 2 s; at 3000/s the 5 s bound lost 600 spans, the
		// 1 s bound 200; at 1000/s neither lost any.
		name:    "export timeout",
		profile: withOutage,
		tweak: func(t *testing.T, f *adviceFixture) {
			lose := func(c *cellSpec, n int64) {
				c.spans.ExportedOK, c.spans.Received, c.spans.Lost, c.spans.MissingSpans, c.spans.MissingTraces = c.spans.Ended-n, c.spans.Ended-n, n, n, n/2
			}
			f.each("batch-x5s", 3000, func(c *cellSpec) { lose(c, 300); c.spans.Dropped = 300 })
			f.each("batch-x1s", 3000, func(c *cellSpec) { lose(c, 100); c.spans.ExportFailed = 100 })
		},
		rule:    RuleExportTimeout,
		verdict: VerdictPartly,
		evidence: []string{
			"at 3000/s, with the sink down for 2s: batch-x5s (export bound 5s) lost 600 of 2400 spans (dropped 600, failed 0), mean export 5ms, p99 overhead +0.0% (one stuck export of 5s lets 30000 spans arrive against a queue of 2048); batch-x1s (export bound 1s) lost 200 of 2400 spans (dropped 0, failed 200)",
			"the exporter's first retry waits 2.5s–7.5s",
		},
	}, {
		// Without an outage the rule is not tested.
		name:     "export timeout untested",
		rule:     RuleExportTimeout,
		verdict:  VerdictUntested,
		evidence: []string{"needs a sink outage or black hole"},
	}, {
		// With an outage the queue rule is not judged: every export mean
		// holds the outage.
		name:    "queue rule untested with outages",
		profile: withOutage,
		rule:    RuleQueue,
		verdict: VerdictUntested,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newAdviceFixture(t, tc.profile)
			if tc.tweak != nil {
				tc.tweak(t, f)
			}
			s := f.summary(t)
			if len(s.Rules) != 5 {
				t.Fatalf("Build gave %d rule verdicts, want 5", len(s.Rules))
			}
			var got *RuleVerdict
			for i := range s.Rules {
				if s.Rules[i].Rule == tc.rule {
					got = &s.Rules[i]
				}
			}
			if got == nil {
				t.Fatalf("no verdict on %q", tc.rule)
			}
			if got.Verdict != tc.verdict || got.Applies != (tc.verdict != VerdictUntested) {
				t.Errorf("%q: %s (applies %v), want %s\nevidence: %s", tc.rule, got.Verdict, got.Applies, tc.verdict, got.Evidence)
			}
			if m := containsAll([]string{got.Evidence}, tc.evidence); len(m) > 0 {
				t.Errorf("evidence %q\nlacks %q", got.Evidence, m)
			}
		})
	}
}
