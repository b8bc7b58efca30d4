package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/results"
)

func reportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "otelbench report [-format text|md|html|json|noise] [-write] results/<run>", stderr)
	format := fs.String("format", "text", "output format: text, md, html, json or noise (the spread between repetitions and the A/A pairs)")
	write := fs.Bool("write", false, "also rewrite summary.json, report.md and report.html in the run directory")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("report: want one run directory, got %d arguments", fs.NArg())}
	}
	dir := fs.Arg(0)
	l, err := openRun("report", dir)
	if err != nil {
		return err
	}
	a, err := analysis.Of(l)
	if err != nil {
		return err
	}
	if *write {
		if err := saveReports(dir, a); err != nil {
			return err
		}
	}
	switch *format {
	case "text":
		return report.Text(stdout, a)
	case "md":
		return report.Markdown(stdout, a)
	case "html":
		return report.HTML(stdout, a)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	case "noise":
		return report.NoiseText(stdout, a.Summary)
	default:
		return usageError{fmt.Errorf("report: unknown format %q (want text, md, html, json or noise)", *format)}
	}
}

// openRun opens the run directory dir for verb, such as "report". A
// directory that is no run (results.InvalidRunError), or that cannot be
// read for want of permission, is bad input.
func openRun(verb, dir string) (*results.Loaded, error) {
	l, err := results.Open(dir)
	if err == nil {
		return l, nil
	}
	err = fmt.Errorf("%s: %w", verb, err)
	var invalid *results.InvalidRunError
	if errors.As(err, &invalid) || errors.Is(err, os.ErrPermission) {
		return nil, usageError{err}
	}
	return nil, err
}

// writeReports builds the analysis of a run directory, saves summary.json,
// report.md, report.html and bench.txt there and prints the text report,
// which opens with the answer.
func writeReports(dir string, stdout io.Writer) error {
	l, err := results.Open(dir)
	if err != nil {
		return err
	}
	a, err := analysis.Of(l)
	if err != nil {
		return err
	}
	if err := saveReports(dir, a); err != nil {
		return err
	}
	return report.Text(stdout, a)
}

// saveReports writes summary.json (the analysis: summary, model checks,
// rules and recommendation), report.md, bench.txt and report.html into the
// run directory.
func saveReports(dir string, a *analysis.Analysis) error {
	if err := results.WriteJSON(filepath.Join(dir, results.SummaryFile), a); err != nil {
		return err
	}
	files := []struct {
		name   string
		render func(io.Writer) error
	}{
		{results.ReportFile, func(w io.Writer) error { return report.Markdown(w, a) }},
		{results.BenchFile, func(w io.Writer) error { return report.Bench(w, a.Summary) }}, // Go's benchmark format, for benchstat
		{report.HTMLFile, func(w io.Writer) error { return report.HTML(w, a) }},
	}
	for _, f := range files {
		var b bytes.Buffer
		if err := f.render(&b); err != nil {
			return err
		}
		if err := results.WriteFileAtomic(filepath.Join(dir, f.name), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
