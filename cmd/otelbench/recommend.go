package main

import (
	"context"
	"fmt"
	"io"

	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// recommendCmd prints the span processor and exporter settings a finished
// run supports, with the reasons: as text (everything), Go, OTEL_* lines or
// JSON (schema on summary.Advice).
func recommendCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("recommend", "otelbench recommend [-format text|go|env|json] results/<run>", stderr)
	format := fs.String("format", "text", "output format: text (reasons, Go, OTEL_* lines and JSON), go, env or json")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	switch *format {
	case "text", "go", "env", "json":
	default:
		return usageError{fmt.Errorf("recommend: unknown format %q (want text, go, env or json)", *format)}
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("recommend: want one run directory, got %d arguments", fs.NArg())}
	}
	dir := fs.Arg(0)
	l, err := results.Open(dir)
	if err != nil {
		return usageError{fmt.Errorf("recommend: %w", err)}
	}
	if l.Run.Profile == nil {
		return usageError{fmt.Errorf("recommend: %s: run.json has no profile", dir)}
	}
	s, err := summary.Build(l)
	if err != nil {
		return err
	}
	a := summary.Advise(s, l.Run.Profile)
	switch *format {
	case "go":
		_, err = io.WriteString(stdout, report.AdviceGo(a))
	case "env":
		_, err = io.WriteString(stdout, report.AdviceEnv(a))
	case "json":
		err = report.AdviceJSON(stdout, a)
	default:
		err = report.AdviceText(stdout, a)
	}
	return err
}
