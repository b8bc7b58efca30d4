package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/runner"
	"github.com/otelbench/otelbench/internal/tune"
)

// errNotTuned is returned (exit 1) when no candidate met the budgets or the
// confirmation run did not hold.
var errNotTuned = errors.New("tune: no settings met the budgets")

func tuneCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tune", "otelbench tune -rate N [-spans N] [-latency D | -endpoint URL] [-budget-p99 PCT] [-budget-loss PCT] [-budget-mem MIB] [-cmd COMMAND -url URL]", stderr)
	rate := fs.Int("rate", 0, "peak requests per second to tune for (required)")
	spans := fs.Int("spans", 0, "spans one request ends; 0 measures it first")
	ratio := fs.Float64("sample-ratio", 1, "parent-based trace-ID ratio already in use (1: every trace)")
	latency := fs.Duration("latency", 0, "the collector's latency per export (p50)")
	latencyP99 := fs.Duration("latency-p99", 0, "the collector's p99 latency per export (makes the sink lognormal)")
	endpoint := fs.String("endpoint", "", "measure the collector's latency against this OTLP/gRPC endpoint URL (loopback), e.g. http://127.0.0.1:4317")
	burstFactor := fs.Float64("burst-factor", 0, "a load spike of this many times -rate ...")
	burstLen := fs.Duration("burst-length", time.Second, "... lasting this long ...")
	burstAt := fs.Duration("burst-at", time.Second, "... starting this far into each measurement")
	budgetLoss := fs.Float64("budget-loss", 0, "spans that may be lost, percent (the confirmation must still lose none)")
	budgetP99 := fs.Float64("budget-p99", 10, "p99 latency overhead allowed against the baseline, percent")
	budgetMem := fs.Float64("budget-mem", 0, "peak RSS the settings may add, MiB (0: no budget)")
	duration := fs.Duration("duration", 4*time.Second, "measured attack per candidate (the confirmation: twice, 3 repetitions)")
	cpu := fs.Duration("cpu", 20*time.Microsecond, "bundled target: CPU work per request")
	sleep := fs.Duration("sleep", 0, "bundled target: time each request waits (I/O)")
	extra := fs.Int("extra-spans", 0, "bundled target: child spans beyond the two every request has")
	measured := addMeasuredFlags(fs)
	resultsRoot := fs.String("results", "results", "directory that receives the tune directory")
	format := fs.String("format", "text", "output: text or json")
	seed := fs.Int("seed", 0, "fix the variants' order in every run")
	quiet := fs.Bool("q", false, "no progress lines")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("tune: unexpected arguments %q", fs.Args())}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Errorf("tune: -format %q: want text or json", *format)}
	}
	if *rate == 0 {
		return usageError{errors.New("tune: -rate is required: the peak requests per second to tune for")}
	}
	spec := tune.Spec{
		PeakRate: *rate, SpansPerRequest: *spans, SampleRatio: *ratio,
		Latency: *latency, LatencyP99: *latencyP99,
		Budget:   tune.Budget{LossPct: *budgetLoss, P99OverheadPct: *budgetP99, MemoryMiB: *budgetMem},
		Duration: *duration,
		Workload: profile.Workload{CPU: profile.Duration(*cpu), Sleep: profile.Duration(*sleep), ExtraSpans: *extra},
	}
	if *burstFactor != 0 {
		spec.Burst = &profile.Burst{Factor: *burstFactor, Length: profile.Duration(*burstLen), At: profile.Duration(*burstAt)}
	}
	if *endpoint != "" && (*latency != 0 || *latencyP99 != 0) {
		return usageError{errors.New("tune: -endpoint measures the latency; give it or -latency, not both")}
	}
	if err := spec.Validate(); err != nil {
		return usageError{fmt.Errorf("tune: %w", err)}
	}
	o := tune.Options{Spec: spec, ResultsRoot: *resultsRoot, Seed: *seed}
	if !*quiet {
		o.Progress = stderr
	}
	// A service's spans per request are measured first when -spans is 0.
	var err error
	if o.TargetBin, o.Service, err = measured.resolve("tune", max(*spans, 1)); err != nil {
		return err
	}
	if *endpoint != "" {
		if err := loopbackURL(*endpoint); err != nil {
			return usageError{fmt.Errorf("tune: -endpoint: %w", err)}
		}
		l, err := tune.MeasureLatency(ctx, *endpoint, 30, 512)
		if err != nil {
			return err
		}
		o.Spec.Latency, o.Spec.LatencyP99 = l.P50, l.P99
		if !*quiet {
			fmt.Fprintf(stderr, "otelbench tune: %s answers a batch of %d spans in %v (p50), %v (p99 of %d)\n", *endpoint, l.Spans, l.P50, l.P99, l.Exports)
		}
	}
	dir, res, err := tune.Run(ctx, o)
	if res != nil {
		if *format == "json" {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if werr := enc.Encode(res); werr != nil {
				return werr
			}
		} else {
			writeTune(stdout, dir, res)
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

// writeTune prints a tune result for a person.
func writeTune(w io.Writer, dir string, r *tune.Result) {
	fmt.Fprintf(w, "otelbench tune: %d requests/s, %d spans per request", r.Spec.PeakRate, r.SpansPerRequest)
	if r.Measured {
		fmt.Fprintf(w, " (measured)")
	}
	fmt.Fprintf(w, ", collector %v per export", r.Spec.Latency)
	if r.Spec.LatencyP99 > r.Spec.Latency {
		fmt.Fprintf(w, " (p99 %v)", r.Spec.LatencyP99)
	}
	fmt.Fprintf(w, "; results in %s\n\n", dir)
	fmt.Fprintln(w, "Candidates (from the model):")
	for _, c := range r.Plan {
		fmt.Fprintf(w, "  %-16s queue %d, batch %d, delay %v, export timeout %v: %s\n", c.Name, c.Settings.QueueSize,
			c.Settings.MaxExportBatchSize, c.Settings.BatchTimeout, c.Settings.ExportTimeout, c.Why)
	}
	if len(r.Verdicts) > 0 {
		fmt.Fprintf(w, "\nMeasured (%s):\n", r.SearchRun)
		for _, v := range r.Verdicts {
			state := "meets the budgets"
			if !v.Passed() {
				state = strings.Join(append(append([]string{}, v.Fails...), v.Unreliable...), "; ")
			}
			fmt.Fprintf(w, "  %-16s loss %.2f%%, p99 %+.1f%%, memory %+.1f MiB: %s\n", v.Name, v.LossPct, v.P99OverheadPct, v.MemoryMiB, state)
		}
	}
	if r.Chosen == nil {
		fmt.Fprintln(w, "\nNo candidate met the budgets. To get a recommendation:")
		for _, x := range r.Relax {
			fmt.Fprintf(w, "  - %s\n", x)
		}
		return
	}
	fmt.Fprintf(w, "\nChosen: %s.\n", r.Chosen.Name)
	if c := r.Confirm; c != nil {
		verdict := "confirmed: no span lost and every budget met"
		if !r.Confirmed {
			verdict = "NOT confirmed: " + strings.Join(append(append([]string{}, c.Fails...), c.Unreliable...), "; ")
			if c.LossPct > 0 && len(c.Fails) == 0 {
				verdict = fmt.Sprintf("NOT confirmed: %.3f%% of spans lost", c.LossPct)
			}
		}
		fmt.Fprintf(w, "Confirmation (%s): loss %.2f%%, p99 %+.1f%%, memory %+.1f MiB: %s.\n", r.ConfirmRun, c.LossPct, c.P99OverheadPct, c.MemoryMiB, verdict)
	}
	fmt.Fprintln(w, "\nNever sync (every request waits for every export), never a zero batch timeout (the worker spins a core) or a zero queue (an unbuffered channel): the candidates above are all batch processors sized by the model.")
	if v := r.Variant; v != nil {
		fmt.Fprintf(w, "\nAs Go:\n%s\nAs standard environment variables:\n", indent(report.SettingsGo(*v)))
		for _, l := range report.SettingsEnv(*v) {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
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
