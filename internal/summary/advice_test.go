package summary

import (
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// adviceFixture is a synthetic run whose cells also carry what the fixture
// leaves out: each variant's mean export and longest OnEnd.
type adviceFixture struct {
	*fixture
	// export is the mean ExportSpans time of every cell of a variant.
	export map[string]time.Duration
	// onEndMax is the longest OnEnd of every cell of a variant.
	onEndMax map[string]time.Duration
}

func newAdviceFixture(t *testing.T, yaml string) *adviceFixture {
	t.Helper()
	f := &adviceFixture{fixture: newFixture(t, yaml), export: map[string]time.Duration{}, onEndMax: map[string]time.Duration{}}
	for _, v := range f.profile.Variants {
		if v.Kind != profile.KindNone {
			f.export[v.Name] = 5 * time.Millisecond
		}
	}
	return f
}

// summary writes the run, adds the export histograms and OnEnd maxima to
// the cells read back, and builds the summary.
func (f *adviceFixture) summary(t *testing.T) *Summary {
	t.Helper()
	l := f.write(t)
	for i := range l.Cells {
		c := &l.Cells[i]
		if d, ok := f.export[c.Variant]; ok && d > 0 {
			c.Export = results.Histogram{Count: 100, Sum: 100 * d.Seconds()}
		}
		c.OnEndMax = f.onEndMax[c.Variant]
	}
	s, err := Build(l)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

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

func TestAdvise(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		profile string // fixtureProfile when empty
		tweak   func(t *testing.T, f *adviceFixture)
		based   string // the variant the advice starts from
		want    AdviceSettings
		// reasons maps a setting to substrings of its reasons.
		reasons  map[string][]string
		warnings []string
	}{{
		// batch-q64 is the cheapest that qualifies. Its queue of 64 holds
		// 64/6000 s of the peak, less than the shortest exporter timeout
		// advised (500 ms): the queue grows to hold 3000 spans.
		name:  "cheapest batch variant, queue grown for the exporter timeout",
		based: "batch-q64",
		want: AdviceSettings{Processor: "batch", MaxQueueSize: 4096, MaxExportBatchSize: 64, ScheduleDelay: 5000,
			ExportTimeout: 500, ExporterTimeout: 500, Retry: RetryConfig{true, 100, 250, 500}},
		reasons: map[string][]string{
			SettingProcessor:       {"batch, as measured in batch-q64: no span lost, no request failed, worst p99 overhead +6.7% (budget 10%), 12µs CPU per request"},
			SettingSampling:        {"none: batch-q64 keeps every trace"},
			SettingBatch:           {"64, as measured in batch-q64: with exports of 5ms (mean export of batch-q64 at 3000/s) the worker moves at most 64/5ms = 12800 spans/s, 2.1× the peak of 6000 spans/s (3000/s × 2 spans × 1 sampled); the model needs 60 for 2× headroom"},
			SettingQueue:           {"the model's fullest queue for a peak of 6000 spans/s (3000/s × 2 spans × 1 sampled) with exports of 5ms is 64 spans (at least one batch of 64); 2× headroom rounds up to 128; raised from 64", "raised to 4096 so that an export held for the whole exporter timeout of 500ms fills at most the queue: 6000 spans/s × 500ms = 3000 spans", "about 4.8 MiB"},
			SettingDelay:           {"5s, as measured in batch-q64: 1000× a full batch's export of 5ms", "at 1000/s the model has the worker in its full regime: batches of 64 spans"},
			SettingExporterTimeout: {"10s, as measured in batch-q64, would let 60000 spans arrive during one stuck export, 55904 more than the queue holds", "no shorter than 500ms"},
			SettingExportTimeout:   {"500ms, the exporter timeout", "30s (as measured in batch-q64) would let an exporter without a timeout of its own hold the worker for 30s while 180000 spans arrive"},
			SettingRetry:           {"on, first backoff 100ms, at most 250ms apart, for at most 500ms: about 3 retries", "randomised to 2.5s–7.5s, longer than the 500ms timeout"},
			SettingBlocking:        {"off: with blocking, once the queue is full OnEnd waits", "throttle the service to 6400 requests/s"},
		},
	}, {
		// sync qualifies and costs least; it is named and passed over.
		name: "sync never",
		tweak: func(t *testing.T, f *adviceFixture) {
			for i, rate := range []int{1000, 3000} {
				slowDown(f.fixture, "sync", rate, -fixtureShift["sync"][i]+10*time.Microsecond)
			}
			f.each("sync", 0, func(c *cellSpec) { c.cpu = 11 * time.Microsecond * time.Duration(c.n) })
		},
		based: "batch-q64",
		reasons: map[string][]string{SettingProcessor: {
			"not sync, although sync qualified in this run and cost least (11µs CPU per request)",
			"not sync: it exports on the request path; measured, sync at 3000/s reached 3006/s",
		}},
	}, {
		// Slow exports: 64-span batches of 50 ms move 1280 spans/s, below
		// the 6000 offered; the batch grows to 600. The exporter timeout is
		// then 20 exports, 1 s, during which 6000 spans arrive: a queue of
		// 8192.
		name: "slow exports raise the batch size",
		tweak: func(t *testing.T, f *adviceFixture) {
			f.export["batch-q64"] = 50 * time.Millisecond
		},
		based: "batch-q64",
		want: AdviceSettings{Processor: "batch", MaxQueueSize: 8192, MaxExportBatchSize: 600, ScheduleDelay: 5000,
			ExportTimeout: 1000, ExporterTimeout: 1000, Retry: RetryConfig{true, 200, 500, 1000}},
		reasons: map[string][]string{SettingBatch: {"600, raised from 64 (as measured in batch-q64): with exports of 50ms batches of 64 move at most 1280 spans/s against a peak of 6000 spans/s"}},
	}, {
		// A 10 ms batch timeout with 20 ms exports races the timer: the
		// delay is raised to four exports, rounded up.
		name: "timer race",
		profile: `name: race
rates: [1000]
duration: 1s
warmup: 0s
repetitions: 2
variants:
  - {name: none, kind: none}
  - {name: batch-d10ms, kind: batch, batch_timeout: 10ms}
`,
		tweak: func(t *testing.T, f *adviceFixture) { f.export["batch-d10ms"] = 20 * time.Millisecond },
		based: "batch-d10ms",
		reasons: map[string][]string{SettingDelay: {
			"100ms, raised from 10ms (as measured in batch-d10ms): a full batch's export takes 20ms; at or below that the timer fires during every export and batches split at random (model: 257 spans on average instead of 512)",
		}},
	}, {
		// Nothing that keeps every trace qualifies; sampling does.
		name: "only sampling qualifies",
		tweak: func(t *testing.T, f *adviceFixture) {
			loseSpans(t, f.fixture, "batch", 1000, 2)
			loseSpans(t, f.fixture, "batch-q64", 1000, 4)
		},
		based: "sampled-10",
		reasons: map[string][]string{
			SettingSampling: {"0.1: no variant that keeps every trace met the 10% p99 budget (the best, batch-q64, reached +6.7% and lost spans); sampled-10 did, worst p99 overhead +2.0%, keeping 10.0% of traces"},
			SettingBatch:    {"peak of 600 spans/s (3000/s × 2 spans × 0.1 sampled)"},
		},
	}, {
		// Nothing qualifies: the SDK's defaults, checked by the model, and
		// a warning.
		name: "nothing qualifies",
		tweak: func(t *testing.T, f *adviceFixture) {
			loseSpans(t, f.fixture, "batch", 1000, 2)
			loseSpans(t, f.fixture, "batch-q64", 1000, 4)
			slowDown(f.fixture, "sampled-10", 1000, time.Millisecond)
		},
		want: AdviceSettings{Processor: "batch", MaxQueueSize: 4096, MaxExportBatchSize: 512, ScheduleDelay: 5000,
			ExportTimeout: 500, ExporterTimeout: 500, Retry: RetryConfig{true, 100, 250, 500}},
		reasons: map[string][]string{
			SettingSampling: {"none: no variant met the 10% p99 budget without losing spans (the best, batch-q64, reached +6.7% and lost spans); neither did sampling: the best that lost no span, sampled-10, reached +35.2%"},
			SettingQueue:    {"measured: batch-q64 (queue 64, batch 64) lost 4 of 2400 spans (0.2%) at 1000/s"},
		},
		warnings: []string{"no measured batch variant lost no span and kept its p99 overhead within 10% at every rate: these settings start from the SDK's defaults"},
	}, {
		// A burst of ×4 for 2 s: the model sizes the queue for its peak.
		// Each 10 ms export lets 80 spans in and takes 64 out: after 199
		// exports and during the 200th, 199 × 16 + 80 = 3264.
		name: "burst",
		profile: `name: burst
rates: [1000]
duration: 4s
warmup: 0s
repetitions: 2
burst: {at: 1s, length: 2s, factor: 4}
variants:
  - {name: none, kind: none}
  - {name: batch-m64, kind: batch, queue_size: 256, max_export_batch_size: 64}
`,
		tweak: func(t *testing.T, f *adviceFixture) { f.export["batch-m64"] = 10 * time.Millisecond },
		based: "batch-m64",
		reasons: map[string][]string{SettingQueue: {
			"and a burst to 8000 spans/s for 2s with exports of 10ms is 3264 spans (at least one batch of 64); 2× headroom rounds up to 8192; raised from 256",
		}},
	}, {
		// A measured blocking variant, the cheapest: not the base, since
		// blocking is never advised; its longest OnEnd is cited beside its
		// twin's without blocking.
		name: "blocking measured",
		profile: fixtureProfile + `  - name: batch-q64-blocking
    kind: batch
    queue_size: 64
    blocking: true
`,
		tweak: func(t *testing.T, f *adviceFixture) {
			f.each("batch-q64-blocking", 0, func(c *cellSpec) { c.cpu = 5 * time.Microsecond * time.Duration(c.n) })
			f.onEndMax["batch-q64-blocking"] = 900 * time.Millisecond
			f.onEndMax["batch-q64"] = 40 * time.Microsecond
		},
		based:   "batch-q64",
		reasons: map[string][]string{SettingBlocking: {"measured: batch-q64-blocking at 3000/s held a request in OnEnd for up to 900ms, p99 overhead +0.0%, against 40µs and +6.7% for batch-q64 without blocking"}},
	}, {
		// A run with an outage in which both variants lost spans: nothing
		// qualifies, the export latency comes from the sink's delay, not
		// from the exports the outage stretched, and the losses are cited.
		name:    "outage",
		profile: withOutage,
		tweak: func(t *testing.T, f *adviceFixture) {
			f.export["batch-x5s"], f.export["batch-x1s"] = 400*time.Millisecond, 200*time.Millisecond
			lose := func(c *cellSpec, n int64) {
				c.spans.ExportedOK, c.spans.Received, c.spans.Lost, c.spans.MissingSpans, c.spans.MissingTraces = c.spans.Ended-n, c.spans.Ended-n, n, n, n/2
			}
			f.each("batch-x5s", 3000, func(c *cellSpec) { lose(c, 300); c.spans.Dropped = 300 })
			f.each("batch-x1s", 3000, func(c *cellSpec) {
				lose(c, 100)
				c.spans.ExportFailed, c.spans.FailedByCode = 100, map[string]int64{"Unavailable": 100}
			})
		},
		reasons: map[string][]string{
			SettingBatch:           {"exports of 5ms (the sink's configured delay: the measured exports of this run include its outages)"},
			SettingQueue:           {"this run's sink fault of 2s brings 12000 spans at the peak"},
			SettingExporterTimeout: {"measured with this run's 2s sink fault at 3000/s: batch-x5s (export bound 5s, queue 2048) lost 600 of 2400 spans (dropped 600, failed 0)", "batch-x1s (export bound 1s, queue 2048) lost 200 of 2400 spans (dropped 0, failed 200)"},
			SettingRetry:           {"failed exports at 3000/s in this run, by gRPC code: batch-x1s: Unavailable 200"},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newAdviceFixture(t, tc.profile)
			if tc.tweak != nil {
				tc.tweak(t, f)
			}
			s := f.summary(t)
			a := Advise(s, f.profile)
			checkAdvice(t, a)
			if a.BasedOn != tc.based {
				t.Errorf("based on %q, want %q; reasons %+v", a.BasedOn, tc.based, a.Reasons)
			}
			if tc.want.Processor != "" && !sameSettings(a.Settings, tc.want) {
				t.Errorf("settings\n got %+v\nwant %+v", a.Settings, tc.want)
			}
			got := map[string][]string{}
			for _, r := range a.Reasons {
				got[r.Setting] = r.Reasons
			}
			for setting, want := range tc.reasons {
				if m := containsAll(got[setting], want); len(m) > 0 {
					t.Errorf("%s: reasons %q\nlack %q", setting, got[setting], m)
				}
			}
			if m := containsAll(a.Warnings, tc.warnings); len(m) > 0 {
				t.Errorf("warnings %q\nlack %q", a.Warnings, m)
			}
		})
	}
}

// sameSettings compares two settings, sample ratios by value.
func sameSettings(a, b AdviceSettings) bool {
	ra, rb := a.SampleRatio, b.SampleRatio
	a.SampleRatio, b.SampleRatio = nil, nil
	if a != b {
		return false
	}
	return (ra == nil) == (rb == nil) && (ra == nil || *ra == *rb)
}

// checkAdvice checks what every Advice must satisfy: never sync, never a
// zero (or negative) batch timeout, queue or timeout, never blocking, a
// batch no larger than the queue, the standard variables saying the same,
// and every setting explained with numbers.
func checkAdvice(t *testing.T, a Advice) {
	t.Helper()
	st := a.Settings
	if st.Processor != string(profile.KindBatch) {
		t.Errorf("processor %q, want batch", st.Processor)
	}
	if st.ScheduleDelay <= 0 {
		t.Errorf("schedule delay %d ms", st.ScheduleDelay)
	}
	if st.MaxQueueSize <= 0 {
		t.Errorf("queue size %d", st.MaxQueueSize)
	}
	if st.MaxExportBatchSize <= 0 || st.MaxExportBatchSize > st.MaxQueueSize {
		t.Errorf("batch size %d with queue %d", st.MaxExportBatchSize, st.MaxQueueSize)
	}
	if st.ExportTimeout <= 0 || st.ExporterTimeout <= 0 {
		t.Errorf("export timeout %d ms, exporter timeout %d ms", st.ExportTimeout, st.ExporterTimeout)
	}
	if r := st.Retry; r.Enabled && (r.InitialInterval <= 0 || r.MaxInterval <= 0 || r.MaxElapsedTime <= 0) {
		t.Errorf("retry %+v", r)
	}
	if st.Blocking {
		t.Error("blocking advised")
	}
	if r := st.SampleRatio; r != nil && (*r <= 0 || *r > 1) {
		t.Errorf("sample ratio %g", *r)
	}
	for _, k := range []string{"OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"} {
		if v, ok := a.Env[k]; !ok || v == "" || v == "0" || strings.HasPrefix(v, "-") {
			t.Errorf("env %s = %q", k, v)
		}
	}
	if _, ok := a.Env["OTEL_TRACES_SAMPLER"]; ok != (st.SampleRatio != nil) {
		t.Errorf("env %v with sample ratio %v", a.Env, st.SampleRatio)
	}
	seen := map[string]bool{}
	for _, sr := range a.Reasons {
		seen[sr.Setting] = true
		for _, r := range sr.Reasons {
			if !strings.ContainsAny(r, "0123456789") {
				t.Errorf("%s: reason without a number: %q", sr.Setting, r)
			}
		}
	}
	for _, s := range settingOrder {
		if !seen[s] {
			t.Errorf("no reason for %s", s)
		}
	}
}
