// Command otelbench measures what OpenTelemetry tracing costs an HTTP service
// and which span processor settings to use.
//
//	otelbench run -profile profiles/default.yaml   measure, write results/<run>/, print the report
//	otelbench report results/<run>                 print the report of a finished run
//	otelbench recommend results/<run>              the settings a finished run supports, with reasons
//	otelbench tune -rate 2000 -latency 20ms         model, measure and confirm settings for a load and budget
//	otelbench sink -listen 127.0.0.1:4317          run the counting OTLP/gRPC sink on its own
//	otelbench verify                               check that a service's tracing is wired correctly
//
// Exit codes: 0 success, 1 failure, 2 bad usage or bad input, 130 interrupted
// (what was measured until then is kept).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks bad usage or bad input: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// interruptedError marks a run stopped by a signal: exit code 130.
type interruptedError struct{ err error }

func (e interruptedError) Error() string { return e.err.Error() }
func (e interruptedError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "otelbench:", err)
	var u usageError
	var i interruptedError
	switch {
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &i):
		return exitInterrupted
	default:
		return exitFailure
	}
}

const usage = `usage: otelbench <command> [flags]

commands:
  run     measure a profile:        otelbench run -profile profiles/default.yaml
  report  report a finished run:    otelbench report results/<run>
  compare compare two runs:         otelbench compare [-fail-on 5%] results/A results/B
  recommend settings from a run:   otelbench recommend [-format text|go|env|json] results/<run>
  tune    find and confirm settings: otelbench tune -rate 2000 -latency 20ms [-budget-p99 10] [-cmd 'mysvc' -url ...]
  sink    run the OTLP/gRPC sink:   otelbench sink -listen 127.0.0.1:4317
  verify  check tracing wiring:     otelbench verify [-cmd 'mysvc' -url http://127.0.0.1:8080/items/{id}]
  attack  one shard of a cell's load: otelbench attack -url URL -rate R -duration D -start-at TIME -shard I -shards N -o DIR
  merge   shard folders into a run: otelbench merge -profile FILE [-results DIR] FOLDER…
  k8s     Kubernetes manifests:     otelbench k8s -profile FILE -shards N [-url URL -service-image IMAGE] -o DIR

"otelbench <command> -h" lists a command's flags.`

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usageError{errors.New("no command given")}
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, args[1:], stdout, stderr)
	case "report":
		return reportCmd(ctx, args[1:], stdout, stderr)
	case "sink":
		return sinkCmd(ctx, args[1:], stdout, stderr)
	case "verify":
		return verifyCmd(ctx, args[1:], stdout, stderr)
	case "compare":
		return compareCmd(ctx, args[1:], stdout, stderr)
	case "recommend":
		return recommendCmd(ctx, args[1:], stdout, stderr)
	case "tune":
		return tuneCmd(ctx, args[1:], stdout, stderr)
	case "attack":
		return attackCmd(ctx, args[1:], stdout, stderr)
	case "merge":
		return mergeCmd(ctx, args[1:], stdout, stderr)
	case "k8s":
		return k8sCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", args[0])}
	}
}
