// Command otelbench-target is the HTTP service otelbench measures. It serves
// GET /process/{item_id}, /healthz and /metrics in one variant (none, sync or
// batch), writes one JSON "ready" line to stdout once it listens, and on
// SIGTERM or SIGINT drains, flushes its spans and writes its final metrics.
//
// The flags -mistake, -downstream and -handoff-routes exist for
// `otelbench verify`: they build in a classic wiring mistake, make /process
// call a downstream URL, and add the goroutine hand-off routes. All are off
// by default, and the benchmark never passes them.
//
// The standard OTEL_* variables configure the SDK as on any service. With
// OTEL_GO_X_OBSERVABILITY=true a traced variant also exposes the SDK's own
// experimental metrics (queue_full drops among them) beside its own, on
// /metrics and in the final metrics file, and says so in the ready line
// ("observability": true). The final metrics account for every span ended:
// exported, failed (by gRPC code), dropped or lost at shutdown.
//
// Exit status: 0 after a clean shutdown, 1 if running or shutting down
// failed (for example a shutdown step timed out), 2 for bad flags.
//
// Everything but flag parsing and signals lives in package targets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/otelbench/otelbench/targets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	// After the first signal, restore the default handling so that a second
	// one kills a shutdown that hangs.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, runs the target until ctx is done and returns the exit
// status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	var perr parseError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &perr):
		return 2 // the flag package has already printed it, with the usage
	case err != nil:
		fmt.Fprintf(stderr, "otelbench-target: %v\n", err)
		return 2
	}
	if err := targets.Run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "otelbench-target: %v\n", err)
		if onlyIncomplete(err) {
			return targets.ExitShutdownIncomplete
		}
		return 1
	}
	return 0
}

// onlyIncomplete reports whether err is the target's shutdown running out
// of time and nothing else: an IncompleteError, not joined to another.
func onlyIncomplete(err error) bool {
	ie, ok := err.(*targets.IncompleteError)
	return ok && len(ie.Steps) > 0
}

// parseError is an error the flag package has already reported.
type parseError struct{ error }

// parseFlags turns args into a targets.Config. Usage goes to stderr.
func parseFlags(args []string, stderr io.Writer) (targets.Config, error) {
	var cfg targets.Config
	fs := flag.NewFlagSet("otelbench-target", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", targets.DefaultListen, "TCP `address` to listen on (port 0: any free port)")
	variant := fs.String("variant", string(targets.VariantNone), fmt.Sprintf("instrumentation, one of %v", targets.Variants))
	fs.DurationVar(&cfg.CPU, "cpu", 0, "CPU busy time per /process request (e.g. 50us)")
	fs.DurationVar(&cfg.Sleep, "sleep", 0, "sleep per /process request, after the CPU work")
	fs.IntVar(&cfg.ExtraSpans, "extra-spans", 0, "extra process_item_step child spans per /process request")
	fs.BoolVar(&cfg.Blocking, "blocking", false, "batch variant: block OnEnd when the queue is full instead of dropping")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", targets.DefaultShutdownTimeout, "bound on the whole graceful shutdown")
	fs.StringVar(&cfg.FinalMetricsPath, "final-metrics", "", "`file` to write the final metrics to (Prometheus text) at shutdown")
	fs.BoolVar(&cfg.Profile, "pprof", false, "serve a CPU profile at "+targets.ProfilePath+" (net/http/pprof)")
	// For `otelbench verify` only; the benchmark never passes these.
	mistake := fs.String("mistake", string(targets.MistakeNone), fmt.Sprintf("for otelbench verify: build in one classic wiring mistake, one of %v", targets.Mistakes))
	fs.StringVar(&cfg.Downstream, "downstream", "", "for otelbench verify: `URL` that each /process request GETs through otelhttp.Transport")
	fs.BoolVar(&cfg.Handoff, "handoff-routes", false, "for otelbench verify: add GET /handoff/good/{item_id} and GET /handoff/bad/{item_id}")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, parseError{err}
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	v, err := targets.ParseVariant(*variant)
	if err != nil {
		return cfg, err
	}
	cfg.Variant = v
	m, err := targets.ParseMistake(*mistake)
	if err != nil {
		return cfg, err
	}
	cfg.Mistake = m
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}
