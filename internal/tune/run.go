package tune

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/runner"
	"github.com/otelbench/otelbench/internal/summary"
)

// Options configures Run.
type Options struct {
	Spec Spec
	// TargetBin is the bundled target; Service, when set, the user's own
	// service instead (its SpansPerRequest is filled in by Run).
	TargetBin string
	Service   *runner.Service
	// ResultsRoot receives the tune directory, which holds every run.
	ResultsRoot string
	// Progress, if set, receives a line per step and per cell.
	Progress io.Writer
	// Seed fixes the order of the variants in every run (0: random).
	Seed int
	// Pin places the targets and otelbench on CPUs (runner.Options.Pin);
	// the caller pins its own process.
	Pin *runner.Pinning
}

// Result is what Run found; it is also tune.json.
type Result struct {
	Spec Spec `json:"spec"`
	// SpansPerRequest is what the plan used; Measured says Run measured
	// it (MeasureRun).
	SpansPerRequest int    `json:"spans_per_request"`
	Measured        bool   `json:"spans_measured"`
	MeasureRun      string `json:"measure_run,omitempty"`
	// Plan is the candidates the model proposed.
	Plan []Candidate `json:"plan"`
	// SearchRun measured them; Verdicts say how each fared, judged as the
	// recommender judges (advise.Qualify).
	SearchRun string             `json:"search_run"`
	Verdicts  []advise.Candidate `json:"verdicts"`
	// Choice is how the candidate was picked (advise.Choose); Chosen is
	// it, nil when none met the budgets; Relax then says which budget to
	// relax and by how much.
	Choice advise.Choice `json:"choice"`
	Chosen *Candidate    `json:"chosen,omitempty"`
	Relax  []Relax       `json:"relax,omitempty"`
	// ConfirmRun measured Chosen again, longer; Confirm is its verdict,
	// Confirmation how it was judged, and Confirmed says it lost no span
	// and met every budget beyond the noise of its repetitions. Only a
	// confirmed candidate is a recommendation; otherwise Chosen is the
	// best unconfirmed.
	ConfirmRun   string            `json:"confirm_run,omitempty"`
	Confirm      *advise.Candidate `json:"confirm,omitempty"`
	Confirmation *Confirmation     `json:"confirmation,omitempty"`
	Confirmed    bool              `json:"confirmed"`
	// Language is the SDK's language of the service (telemetry.sdk.language;
	// "go" for the bundled target); Grid says the candidates are a small
	// grid around the defaults because the model, of the Go SDK, does not
	// apply to it.
	Language string `json:"language,omitempty"`
	Grid     bool   `json:"grid,omitempty"`
}

// Run tunes: it measures spans per request if the spec leaves it out, plans
// candidates with the model, measures them, chooses, and confirms. It
// returns the tune directory and the result; the directory is returned
// whenever it was created, with or without an error.
func Run(ctx context.Context, o Options) (string, *Result, error) {
	s := o.Spec
	if err := s.Validate(); err != nil {
		return "", nil, err
	}
	dir, err := results.Create(o.ResultsRoot, "tune", time.Now())
	if err != nil {
		return "", nil, err
	}
	res := &Result{Spec: s, SpansPerRequest: s.SpansPerRequest}
	save := func() error { return results.WriteJSON(filepath.Join(dir, "tune.json"), res) }
	say := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "otelbench tune: "+format+"\n", args...)
		}
	}

	res.Language = summary.LanguageGo
	if res.SpansPerRequest == 0 || o.Service != nil {
		// A user's service is measured first even with -spans: its SDK
		// decides whether the model applies.
		say("measuring spans per request and which SDK the service runs")
		n, lang, run, err := o.measureSpans(ctx, dir)
		res.MeasureRun = run
		if err != nil {
			return dir, res, fmt.Errorf("measuring spans per request: %w", err)
		}
		if res.SpansPerRequest == 0 {
			res.SpansPerRequest, res.Measured = n, true
		}
		res.Language = lang
		say("%d spans per request, SDK %q", n, lang)
	}
	if o.Service != nil {
		svc := *o.Service
		svc.SpansPerRequest = res.SpansPerRequest
		o.Service = &svc
	}

	if res.Language == summary.LanguageGo {
		res.Plan, err = Plan(s, res.SpansPerRequest)
	} else {
		res.Plan, res.Grid = GridPlan(s), true
		say("the model is of the Go SDK's batch processor, and this service's SDK is %q: measuring a small grid around the defaults instead", res.Language)
	}
	if err != nil {
		_ = save()
		return dir, res, err
	}
	for _, c := range res.Plan {
		b := c.Settings.Batch
		say("candidate %s (%s): queue %d, batch %d, delay %v, exporter timeout %v", c.Name, c.From, b.QueueSize, b.MaxExportBatchSize, b.BatchTimeout, c.Settings.Exporter.Timeout)
	}
	_ = save()

	if err := o.search(ctx, dir, res, say); err != nil || !res.Choice.Qualified {
		_ = save()
		return dir, res, err
	}
	_ = save()
	if err := o.confirm(ctx, dir, res, say); err != nil {
		_ = save()
		return dir, res, err
	}
	return dir, res, save()
}

// search measures the plan's candidates against the baseline, judges them
// and chooses, as the recommender does.
func (o Options) search(ctx context.Context, dir string, res *Result, say func(string, ...any)) error {
	s := o.Spec
	vs := []profile.Variant{{Name: "none", Kind: profile.KindNone}}
	for _, c := range res.Plan { // the defaults first
		vs = append(vs, c.Variant())
	}
	say("measuring %d candidates against the baseline at %d requests/s", len(res.Plan), s.PeakRate)
	run, sum, err := o.measure(ctx, dir, "tune-search", vs, 3, s.Duration)
	res.SearchRun = run
	if err != nil {
		return err
	}
	res.Verdicts = Judge(sum, s.Budget)
	res.Choice, res.Relax = Choose(sum, res.Verdicts)
	for i := range res.Plan {
		if res.Choice.Qualified && res.Plan[i].Name == res.Choice.Variant {
			res.Chosen = &res.Plan[i]
		}
	}
	return nil
}

// confirm measures the chosen candidate again, longer: it must lose no
// span at all, whatever the budget, and meet every budget.
func (o Options) confirm(ctx context.Context, dir string, res *Result, say func(string, ...any)) error {
	s := o.Spec
	say("confirming %s: %d repetitions of %v", res.Chosen.Name, ConfirmReps, 2*s.Duration)
	run, sum, err := o.measure(ctx, dir, "tune-confirm", []profile.Variant{{Name: "none", Kind: profile.KindNone}, res.Chosen.Variant()}, ConfirmReps, 2*s.Duration)
	res.ConfirmRun = run
	if err != nil {
		return err
	}
	if cv := Judge(sum, s.Budget); len(cv) == 1 {
		res.Confirm = &cv[0]
		c := judgeConfirmation(cv[0], sum.Row(res.Chosen.Name, s.PeakRate), s.Budget.P99OverheadPct)
		res.Confirmation = &c
		res.Confirmed = c.Status == ConfirmedStatus
	}
	return nil
}

// measure runs variants at the peak rate with the spec's collector and
// burst, and returns the run directory and its summary.
func (o Options) measure(ctx context.Context, root, name string, vs []profile.Variant, reps int, d time.Duration) (string, *summary.Summary, error) {
	s := o.Spec
	p := &profile.Profile{
		Name:        name,
		Description: fmt.Sprintf("otelbench tune: %d requests/s", s.PeakRate),
		Rates:       []int{s.PeakRate},
		Duration:    profile.Duration(d),
		Warmup:      profile.Duration(time.Second),
		Repetitions: reps,
		Timeout:     profile.DefaultTimeout,
		MaxWorkers:  max(profile.DefaultMaxWorkers, 4*s.PeakRate/100),
		Seed:        o.Seed,
		Workload:    s.Workload,
		Collector:   profile.CollectorSink,
		Burst:       s.Burst,
		Budget:      profile.Budget{P99OverheadPct: s.Budget.P99OverheadPct},
		Variants:    vs,
	}
	if s.LatencyP99 > s.Latency && s.Latency > 0 {
		p.Sink.Latency = &profile.LatencyDist{P50: profile.Duration(s.Latency), P99: profile.Duration(s.LatencyP99)}
	} else {
		p.Sink.Delay = profile.Duration(s.Latency)
	}
	dir, err := runner.Run(ctx, runner.Options{Profile: p, TargetBin: o.TargetBin, Service: o.Service, ResultsRoot: root, Progress: o.Progress, Pin: o.Pin,
		// tune ranks settings; where the CPU goes is run's question.
		Pprof: runner.PprofOff})
	if err != nil {
		return dir, nil, err
	}
	l, err := results.Open(dir)
	if err != nil {
		return dir, nil, err
	}
	sum, err := summary.Build(l)
	return dir, sum, err
}

// measureSpans runs a short, lossless measurement and counts the spans of
// a traced request: the target's own count, or what arrived for a service;
// it also returns the SDK's language its spans name ("go" for the bundled
// target).
func (o Options) measureSpans(ctx context.Context, root string) (int, string, string, error) {
	big, bt := 1<<16, profile.Duration(200*time.Millisecond)
	v := profile.Variant{Name: "count", Kind: profile.KindBatch, QueueSize: &big, MaxExportBatchSize: &big, BatchTimeout: &bt}
	if o.Service != nil {
		svc := *o.Service
		svc.SpansPerRequest = 0 // measured by the cell
		o.Service = &svc
	}
	o.Spec.Burst, o.Spec.Latency, o.Spec.LatencyP99 = nil, 0, 0
	o.Spec.PeakRate = min(o.Spec.PeakRate, 100)
	dir, sum, err := o.measure(ctx, root, "tune-count", []profile.Variant{{Name: "none", Kind: profile.KindNone}, v}, 1, 2*time.Second)
	if err != nil {
		return 0, "", dir, err
	}
	lang := summary.LanguageGo
	if vi, ok := sum.Variant("count"); ok {
		lang = vi.Language
	}
	l, err := results.Open(dir)
	if err != nil {
		return 0, "", dir, err
	}
	for _, c := range l.Cells {
		if c.Variant != "count" {
			continue
		}
		reqs := c.Spans.TracedRequests
		if c.Status != results.StatusOK {
			return 0, "", dir, fmt.Errorf("the measurement failed: %s", c.Error)
		}
		if reqs == 0 {
			return 0, "", dir, fmt.Errorf("no traced request succeeded (%d requests, %d successes)", c.Load.Requests, c.Load.Successes)
		}
		n := c.Spans.PerRequestMeasured
		if n == 0 {
			n = int(math.Round(float64(c.Spans.Received) / float64(reqs)))
		}
		if n < 1 {
			return 0, "", dir, fmt.Errorf("%d spans arrived for %d traced requests: is the service exporting to OTEL_EXPORTER_OTLP_ENDPOINT and honouring traceparent?", c.Spans.Received, reqs)
		}
		return n, lang, dir, nil
	}
	return 0, "", dir, fmt.Errorf("no measurement in %s", dir)
}
