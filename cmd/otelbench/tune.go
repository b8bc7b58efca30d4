package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/runner"
	"github.com/otelbench/otelbench/internal/tune"
)

// errNotTuned is returned (exit 1) when no candidate met the budgets or the
// confirmation run did not hold.
var errNotTuned = errors.New("tune: no settings met the budgets")

// tuneFlags are tune's flags.
type tuneFlags struct {
	rate, spans, extra, seed                       *int
	ratio, burstFactor, budgetLoss, budgetP99, mem *float64
	latency, latencyP99, burstLen, burstAt, dur    *time.Duration
	cpu, sleep                                     *time.Duration
	endpoint, resultsRoot, format, pin             *string
	quiet                                          *bool
	measured                                       measuredFlags
}

// newTuneFlags declares tune's flags on fs.
func newTuneFlags(fs *flag.FlagSet) *tuneFlags {
	return &tuneFlags{
		rate:        fs.Int("rate", 0, "peak requests per second to tune for (required)"),
		spans:       fs.Int("spans", 0, "spans one request ends; 0 measures it first"),
		ratio:       fs.Float64("sample-ratio", 1, "parent-based trace-ID ratio already in use (1: every trace)"),
		latency:     fs.Duration("latency", 0, "the collector's latency per export (p50)"),
		latencyP99:  fs.Duration("latency-p99", 0, "the collector's p99 latency per export (makes the sink lognormal)"),
		endpoint:    fs.String("endpoint", "", "measure the collector's latency against this OTLP/gRPC endpoint URL (loopback), e.g. http://127.0.0.1:4317"),
		burstFactor: fs.Float64("burst-factor", 0, "a load spike of this many times -rate ..."),
		burstLen:    fs.Duration("burst-length", time.Second, "... lasting this long ..."),
		burstAt:     fs.Duration("burst-at", time.Second, "... starting this far into each measurement"),
		budgetLoss:  fs.Float64("budget-loss", 0, "spans that may be lost, percent (the confirmation must still lose none)"),
		budgetP99:   fs.Float64("budget-p99", 10, "p99 latency overhead allowed against the baseline, percent"),
		mem:         fs.Float64("budget-mem", 0, "peak RSS the settings may add, MiB (0: no budget)"),
		dur:         fs.Duration("duration", 4*time.Second, "measured attack per candidate (the confirmation: twice, 3 repetitions)"),
		cpu:         fs.Duration("cpu", 20*time.Microsecond, "bundled target: CPU work per request"),
		sleep:       fs.Duration("sleep", 0, "bundled target: time each request waits (I/O)"),
		extra:       fs.Int("extra-spans", 0, "bundled target: child spans beyond the two every request has"),
		measured:    addMeasuredFlags(fs),
		resultsRoot: fs.String("results", "results", "directory that receives the tune directory"),
		format:      fs.String("format", "text", "output: text or json"),
		seed:        fs.Int("seed", 0, "fix the variants' order in every run"),
		quiet:       fs.Bool("q", false, "no progress lines"),
		pin:         fs.String("pin", runner.PinAuto, "CPUs, as for run: auto, off, or TARGET/LOADGEN lists such as 1/0"),
	}
}

// spec checks the flags and returns the spec they state.
func (f *tuneFlags) spec(args []string) (tune.Spec, error) {
	if len(args) > 0 {
		return tune.Spec{}, usageError{fmt.Errorf("tune: unexpected arguments %q", args)}
	}
	if *f.format != "text" && *f.format != "json" {
		return tune.Spec{}, usageError{fmt.Errorf("tune: -format %q: want text or json", *f.format)}
	}
	if *f.rate == 0 {
		return tune.Spec{}, usageError{errors.New("tune: -rate is required: the peak requests per second to tune for")}
	}
	spec := tune.Spec{
		PeakRate: *f.rate, SpansPerRequest: *f.spans, SampleRatio: *f.ratio,
		Latency: *f.latency, LatencyP99: *f.latencyP99,
		Budget:   tune.Budget{LossPct: *f.budgetLoss, P99OverheadPct: *f.budgetP99, MemoryMiB: *f.mem},
		Duration: *f.dur,
		Workload: profile.Workload{CPU: profile.Duration(*f.cpu), Sleep: profile.Duration(*f.sleep), ExtraSpans: *f.extra},
	}
	if *f.burstFactor != 0 {
		spec.Burst = &profile.Burst{Factor: *f.burstFactor, Length: profile.Duration(*f.burstLen), At: profile.Duration(*f.burstAt)}
	}
	if *f.endpoint != "" && (*f.latency != 0 || *f.latencyP99 != 0) {
		return tune.Spec{}, usageError{errors.New("tune: -endpoint measures the latency; give it or -latency, not both")}
	}
	if err := spec.Validate(); err != nil {
		return tune.Spec{}, usageError{fmt.Errorf("tune: %w", err)}
	}
	if err := checkDir("-results", *f.resultsRoot); err != nil {
		return tune.Spec{}, usageError{fmt.Errorf("tune: %w", err)}
	}
	return spec, nil
}

func tuneCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tune", "otelbench tune -rate N [-spans N] [-latency D | -endpoint URL] [-budget-p99 PCT] [-budget-loss PCT] [-budget-mem MIB] [-cmd COMMAND -url URL]", stderr)
	f := newTuneFlags(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	spec, err := f.spec(fs.Args())
	if err != nil {
		return err
	}
	o := tune.Options{Spec: spec, ResultsRoot: *f.resultsRoot, Seed: *f.seed}
	if o.Pin, err = runner.ParsePinning(*f.pin); err != nil {
		return usageError{fmt.Errorf("tune: %w", err)}
	}
	if o.Pin != nil {
		if err := runner.PinSelf(o.Pin.LoadGen); err != nil {
			return err
		}
	}
	if !*f.quiet {
		o.Progress = stderr
	}
	// A service's spans per request are measured first when -spans is 0.
	if o.TargetBin, o.Service, err = f.measured.resolve("tune", max(*f.spans, 1)); err != nil {
		return err
	}
	if *f.endpoint != "" {
		if err := measureEndpoint(ctx, *f.endpoint, &o, stderr, *f.quiet); err != nil {
			return err
		}
	}
	dir, res, err := tune.Run(ctx, o)
	if res != nil {
		if werr := writeTune(stdout, dir, res, *f.format); werr != nil {
			return werr
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return interruptedError{fmt.Errorf("tune interrupted; what was measured is in %s", dir)}
		}
		return err
	}
	if !res.Confirmed {
		return errNotTuned
	}
	return nil
}

// measureEndpoint times the collector at endpoint and states its latency
// in o's spec.
func measureEndpoint(ctx context.Context, endpoint string, o *tune.Options, stderr io.Writer, quiet bool) error {
	if err := loopbackURL(endpoint); err != nil {
		return usageError{fmt.Errorf("tune: -endpoint: %w", err)}
	}
	l, err := tune.MeasureLatency(ctx, endpoint, 30, 512)
	if err != nil {
		return err
	}
	o.Spec.Latency, o.Spec.LatencyP99 = l.P50, l.P99
	if !quiet {
		fmt.Fprintf(stderr, "otelbench tune: %s answers a batch of %d spans in %v (p50), %v (p99 of %d)\n", endpoint, l.Spans, l.P50, l.P99, l.Exports)
	}
	return nil
}

// writeTune prints a tune result as text or JSON (tune.json's layout).
func writeTune(w io.Writer, dir string, res *tune.Result, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return report.Tune(w, dir, res)
}

// loopbackURL checks that raw is an http URL on a loopback host.
func loopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" || u.Port() == "" {
		return fmt.Errorf("%q: want http://HOST:PORT (the exporter needs the URL form)", raw)
	}
	if !runner.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q: only loopback endpoints", raw)
	}
	return nil
}
