package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results/resultstest"
	"github.com/otelbench/otelbench/internal/summary"
)

// DelayProfile has batch variants that differ only in the batch timeout:
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

// withOutage is a profile whose sink answers in 5 ms but is down from 2 s
// to 4 s of every attack, with two batch variants that differ only in the
// exporter's timeout.
const withOutage = `name: outage
rates: [1000, 3000]
duration: 8s
warmup: 0s
repetitions: 2
sink:
  delay: 5ms
  outages:
    - {from: 2s, to: 4s}
variants:
  - name: none
    kind: none
  - name: batch-x5s
    kind: batch
    exporter_timeout: 5s
  - name: batch-x1s
    kind: batch
    exporter_timeout: 1s
`

// ruleCase is one rule on one synthetic run.
type ruleCase struct {
	Name    string
	Profile string // resultstest.DefaultProfile when empty
	Tweak   func(t *testing.T, f *resultstest.Fixture)
	Rule    Rule
	Outcome Outcome
	// Check, when set, checks the verdict's evidence.
	Check func(t *testing.T, v Verdict)
}

// cases are the rules' test cases. Every instrumented cell exports in
// 5 ms unless the case says otherwise.
var cases = []ruleCase{{
	// sync keeps the rate at both rates but adds 34% and 67% at p99,
	// beyond the 10% budget: it slows, it does not stall.
	Name: "sync slows", Rule: RuleSync, Outcome: Partly,
	Check: func(t *testing.T, v Verdict) {
		e := v.Evidence.(SyncEvidence)
		if at := e.Rates[0]; at.Outcome != SyncSlowed || at.CapRPS != 100 {
			t.Errorf("at 1000/s: %+v, want slowed, capped at 100/s", at)
		}
	},
}, {
	// At 3000/s sync sends a third of the rate: it stalls under load.
	Name: "sync stalls under load",
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		f.Each("sync", 3000, func(c *resultstest.Cell) { c.SendRate = 1000 })
	},
	Rule: RuleSync, Outcome: Holds,
	Check: func(t *testing.T, v Verdict) {
		if e := v.Evidence.(SyncEvidence); !e.UnderLoadOnly || e.Rates[1].Outcome != SyncStalled {
			t.Errorf("evidence %+v, want stalled at 3000/s only", e)
		}
	},
}, {
	// sync within the budget at both rates: the rule does not hold.
	Name: "sync keeps up",
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		for i, rate := range []int{1000, 3000} {
			f.SlowDown("sync", rate, -resultstest.Shift["sync"][i]+10*time.Microsecond)
		}
	},
	Rule: RuleSync, Outcome: Fails,
}, {
	// sampled-10 costs 11µs of CPU per request against batch's 14µs,
	// the same in every repetition: a clear cut at both rates.
	Name: "sampling cuts CPU", Rule: RuleSampling, Outcome: Holds,
	Check: func(t *testing.T, v Verdict) {
		at := v.Evidence.(SamplingEvidence).Rates[0]
		if at.CPUChange.How != HowRangesApart || !at.CPUChange.Counts || at.SavedShare < 0.74 || at.SavedShare > 0.76 {
			t.Errorf("at 1000/s: %+v, want a cut with the ranges apart, 75%% of tracing's cost", at)
		}
	},
}, {
	// The same CPU: no cut.
	Name:  "sampling cuts nothing",
	Tweak: func(t *testing.T, f *resultstest.Fixture) { f.SetCPU("sampled-10", 0, 14*time.Microsecond) },
	Rule:  RuleSampling, Outcome: Fails,
}, {
	// A cut at one rate only.
	Name:  "sampling cuts at one rate",
	Tweak: func(t *testing.T, f *resultstest.Fixture) { f.SetCPU("sampled-10", 3000, 14*time.Microsecond) },
	Rule:  RuleSampling, Outcome: Partly,
}, {
	// One repetition a side: nothing can count, however far apart.
	Name:    "sampling with one repetition",
	Profile: "one-rep",
	Rule:    RuleSampling, Outcome: Fails,
	Check: func(t *testing.T, v Verdict) {
		if at := v.Evidence.(SamplingEvidence).Rates[0]; at.CPUChange.How != HowTooFew || at.CPUChange.Counts {
			t.Errorf("at 1000/s: %+v, want too few repetitions", at.CPUChange)
		}
	},
}, {
	// Sampled with other settings than any batch variant: untested.
	Name: "sampling without a twin",
	Profile: `name: twinless
rates: [1000]
duration: 1s
repetitions: 2
variants:
  - {name: none, kind: none}
  - {name: batch, kind: batch}
  - {name: sampled-q64, kind: sampled, sample_ratio: 0.1, queue_size: 64}
`,
	Rule: RuleSampling, Outcome: Untested,
}, {
	// 2 ms of mean latency at 1000/s is 2 requests in flight: a queue
	// of 4, batches of 4, which 5 ms exports drain at 800 spans/s.
	Name: "queue of 2× concurrency", Rule: RuleQueue, Outcome: Fails,
	Check: func(t *testing.T, v Verdict) {
		at := v.Evidence.(QueueEvidence).Rates[0]
		if at.Queue != 4 || at.Batch != 4 || at.Ceiling != 800 || at.SpanRate != 2000 {
			t.Errorf("at 1000/s: %+v, want queue 4, batch 4, ceiling 800 of 2000", at)
		}
	},
}, {
	// Exports of 100µs: the rule's queue keeps up at both rates.
	Name:  "queue of 2× concurrency with fast exports",
	Tweak: func(t *testing.T, f *resultstest.Fixture) { f.SetExport("", 100*time.Microsecond) },
	Rule:  RuleQueue, Outcome: Holds,
}, {
	// Fast exports, but batch, whose queue of 2048 is far above the
	// rule's, lost spans at 1000/s: so would the rule's queue.
	Name: "queue: a larger queue lost spans",
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		f.SetExport("", 100*time.Microsecond)
		f.LoseSpans(t, "batch", 1000, 6)
	},
	Rule: RuleQueue, Outcome: Partly,
}, {
	// At 1000/s, where the model has 200 ms send smaller batches,
	// delays of 2 s and 5 s cost clearly less CPU than 200 ms. At
	// 3000/s every delay sends full batches: the same CPU.
	Name: "delay amortises", Profile: delayProfile,
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		f.SetCPU("batch-d200ms", 1000, 14*time.Microsecond)
		f.SetCPU("batch-d2s", 1000, 13*time.Microsecond)
		f.SetCPU("batch", 1000, 12*time.Microsecond)
		f.SetCPU("batch", 3000, 10*time.Microsecond)
	},
	Rule: RuleDelay, Outcome: Holds,
	Check: func(t *testing.T, v Verdict) {
		e := v.Evidence.(DelayEvidence)
		if e.Rates[0].Same || !e.Rates[1].Same || e.Rates[0].FullAfter != 256*time.Millisecond {
			t.Errorf("evidence %+v, want a difference at 1000/s only, full batches after 256ms", e)
		}
	},
}, {
	// The same savings at 3000/s, where the model predicts none, make
	// a noise floor that those at 1000/s do not exceed.
	Name: "delay savings within the noise", Profile: delayProfile,
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		f.SetCPU("batch-d200ms", 0, 14*time.Microsecond)
		f.SetCPU("batch-d2s", 0, 13*time.Microsecond)
		f.SetCPU("batch", 0, 12*time.Microsecond)
	},
	Rule: RuleDelay, Outcome: Fails,
	Check: func(t *testing.T, v Verdict) {
		if f := v.Evidence.(DelayEvidence).Floor; f < 14.2 || f > 14.3 {
			t.Errorf("floor %v, want 14.3%%", f)
		}
	},
}, {
	// The same CPU whatever the delay.
	Name: "delay amortises nothing", Profile: delayProfile,
	Tweak: func(t *testing.T, f *resultstest.Fixture) { f.SetCPU("batch", 0, 10*time.Microsecond) },
	Rule:  RuleDelay, Outcome: Fails,
}, {
	// No variant below 2000 ms: untested.
	Name: "delay untested", Rule: RuleDelay, Outcome: Untested,
}, {
	// The sink is down 2 s; at 3000/s the 5 s bound lost 600 spans, the
	// 1 s bound 200; at 1000/s neither lost any.
	Name: "export timeout", Profile: withOutage,
	Tweak: func(t *testing.T, f *resultstest.Fixture) {
		lose := func(c *resultstest.Cell, n int64) {
			c.Spans.ExportedOK, c.Spans.Received, c.Spans.Lost, c.Spans.MissingSpans, c.Spans.MissingTraces = c.Spans.Ended-n, c.Spans.Ended-n, n, n, n/2
		}
		f.Each("batch-x5s", 3000, func(c *resultstest.Cell) { lose(c, 300); c.Spans.Dropped = 300 })
		f.Each("batch-x1s", 3000, func(c *resultstest.Cell) { lose(c, 100); c.Spans.ExportFailed = 100 })
	},
	Rule: RuleExportTimeout, Outcome: Partly,
	Check: func(t *testing.T, v Verdict) {
		e := v.Evidence.(ExportTimeoutEvidence)
		at := e.Rates[1]
		if e.Variant != "batch-x5s" || at.Rule.Lost != 600 || at.Arrivals != 30000 || len(at.Shorter) != 1 || at.Shorter[0].Lost != 200 {
			t.Errorf("evidence %+v, want batch-x5s losing 600, batch-x1s 200 at 3000/s", e)
		}
	},
}, {
	// Without an outage the rule is not tested.
	Name: "export timeout untested", Rule: RuleExportTimeout, Outcome: Untested,
}, {
	// With an outage the queue rule is not judged: every export mean
	// holds the outage.
	Name: "queue rule untested with outages", Profile: withOutage, Rule: RuleQueue, Outcome: Untested,
}}

// run builds the case's run and returns its summary and verdict.
func (tc ruleCase) run(t *testing.T) (*summary.Summary, Verdict) {
	t.Helper()
	p := tc.Profile
	if p == "one-rep" {
		p = oneRep
	}
	f := resultstest.New(t, p)
	f.SetExport("", 5*time.Millisecond)
	if tc.Tweak != nil {
		tc.Tweak(t, f)
	}
	s, err := summary.Build(f.Write(t))
	if err != nil {
		t.Fatal(err)
	}
	vs := Judge(s, f.Profile)
	if len(vs) != 5 {
		t.Fatalf("Judge gave %d verdicts, want 5", len(vs))
	}
	for _, v := range vs {
		if v.Rule == tc.Rule {
			return s, v
		}
	}
	t.Fatalf("no verdict on %q", tc.Rule)
	return nil, Verdict{}
}

// oneRep is the default profile measured once.
var oneRep = strings.Replace(resultstest.DefaultProfile, "repetitions: 2", "repetitions: 1", 1)

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			_, v := tc.run(t)
			if v.Outcome != tc.Outcome || v.Applies != (tc.Outcome != Untested) || (v.Evidence == nil) != (tc.Outcome == Untested) {
				t.Fatalf("%q: %s (applies %v), want %s\nevidence: %+v", tc.Rule, v.Outcome, v.Applies, tc.Outcome, v.Evidence)
			}
			if tc.Check != nil {
				tc.Check(t, v)
			}
		})
	}
}
