package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

func reportCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "otelbench report [-format text|md|json] [-write] results/<run>", stderr)
	format := fs.String("format", "text", "output format: text, md or json")
	write := fs.Bool("write", false, "also rewrite summary.json and report.md in the run directory")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("report: want one run directory, got %d arguments", fs.NArg())}
	}
	dir := fs.Arg(0)
	l, err := results.Open(dir)
	if err != nil {
		return usageError{err}
	}
	s, err := summary.Build(l)
	if err != nil {
		return err
	}
	if *write {
		if err := saveReports(dir, s); err != nil {
			return err
		}
	}
	switch *format {
	case "text":
		return report.Text(stdout, s)
	case "md":
		return report.Markdown(stdout, s)
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	default:
		return usageError{fmt.Errorf("report: unknown format %q (want text, md or json)", *format)}
	}
}

// writeReports builds the summary of a run directory, saves summary.json and
// report.md there and prints the text report.
func writeReports(dir string, stdout io.Writer) error {
	l, err := results.Open(dir)
	if err != nil {
		return err
	}
	s, err := summary.Build(l)
	if err != nil {
		return err
	}
	if err := saveReports(dir, s); err != nil {
		return err
	}
	return report.Text(stdout, s)
}

func saveReports(dir string, s *summary.Summary) error {
	if err := results.WriteJSON(filepath.Join(dir, results.SummaryFile), s); err != nil {
		return err
	}
	var md bytes.Buffer
	if err := report.Markdown(&md, s); err != nil {
		return err
	}
	return results.WriteFileAtomic(filepath.Join(dir, results.ReportFile), md.Bytes())
}
