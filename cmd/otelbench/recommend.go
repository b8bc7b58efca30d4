package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/report"
)

// errNothingMeasured is recommend's exit 1 on a run with nothing to
// recommend from.
var errNothingMeasured = errors.New("recommend: nothing instrumented was measured in this run: no settings to recommend")

// recommendCmd prints the span processor and exporter settings a finished
// run supports, with the reasons: as text (everything), Go, OTEL_* lines,
// JSON (schema on advise.Advice) or an OpenTelemetry declarative
// configuration file. It is the same answer as the run's report and
// summary.json give.
func recommendCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("recommend", "otelbench recommend [-format text|go|env|json|otelconf] [-endpoint URL] results/<run>", stderr)
	format := fs.String("format", "text", "output format: text (reasons, Go, OTEL_* lines and JSON), go, env, json or otelconf (a file for OTEL_CONFIG_FILE)")
	endpoint := fs.String("endpoint", "", "the OTLP endpoint the otelconf file exports to (default http://localhost:4317)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	switch *format {
	case "text", "go", "env", "json", "otelconf":
	default:
		return usageError{fmt.Errorf("recommend: unknown format %q (want text, go, env, json or otelconf)", *format)}
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("recommend: want one run directory, got %d arguments", fs.NArg())}
	}
	dir := fs.Arg(0)
	l, err := openRun("recommend", dir)
	if err != nil {
		return err
	}
	if l.Run.Profile == nil {
		return usageError{fmt.Errorf("recommend: %s: run.json has no profile", dir)}
	}
	an, err := analysis.Of(l)
	if err != nil {
		return err
	}
	a := an.Advice
	if !a.Measured && *format != "text" && *format != "json" {
		return errNothingMeasured
	}
	switch *format {
	case "go":
		_, err = io.WriteString(stdout, report.AdviceGo(a))
	case "env":
		_, err = io.WriteString(stdout, report.AdviceEnv(a))
	case "json":
		err = report.AdviceJSON(stdout, a)
	case "otelconf":
		if err = report.AdviceOtelConf(stdout, a, *endpoint); err != nil {
			err = usageError{fmt.Errorf("recommend: %w", err)}
		}
	default:
		err = report.AdviceText(stdout, a)
	}
	if err == nil && !a.Measured {
		return errNothingMeasured
	}
	return err
}
