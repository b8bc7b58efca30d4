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

	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

func reportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "otelbench report [-format text|md|html|json] [-write] results/<run>", stderr)
	format := fs.String("format", "text", "output format: text, md, html or json")
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
	s, err := summary.Build(l)
	if err != nil {
		return err
	}
	if *write {
		if err := saveReports(dir, s, l); err != nil {
			return err
		}
	}
	switch *format {
	case "text":
		return report.Text(stdout, s)
	case "md":
		return report.Markdown(stdout, s)
	case "html":
		return report.HTML(stdout, s, l)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	default:
		return usageError{fmt.Errorf("report: unknown format %q (want text, md, html or json)", *format)}
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

// writeReports builds the summary of a run directory, saves summary.json,
// report.md and report.html there and prints the text report.
func writeReports(dir string, stdout io.Writer) error {
	l, err := results.Open(dir)
	if err != nil {
		return err
	}
	s, err := summary.Build(l)
	if err != nil {
		return err
	}
	if err := saveReports(dir, s, l); err != nil {
		return err
	}
	return report.Text(stdout, s)
}

// saveReports writes summary.json, report.md and report.html (whose charts
// also read the cells' raw results from l) into the run directory.
func saveReports(dir string, s *summary.Summary, l *results.Loaded) error {
	if err := results.WriteJSON(filepath.Join(dir, results.SummaryFile), s); err != nil {
		return err
	}
	var md bytes.Buffer
	if err := report.Markdown(&md, s); err != nil {
		return err
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, results.ReportFile), md.Bytes()); err != nil {
		return err
	}
	var bench bytes.Buffer // Go's benchmark format, for benchstat
	if err := report.Bench(&bench, l); err != nil {
		return err
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, results.BenchFile), bench.Bytes()); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := report.HTML(&page, s, l); err != nil {
		return err
	}
	return results.WriteFileAtomic(filepath.Join(dir, report.HTMLFile), page.Bytes())
}
