package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/otelbench/otelbench/internal/compare"
	"github.com/otelbench/otelbench/internal/report"
	"github.com/otelbench/otelbench/internal/results"
)

const compareSynopsis = "otelbench compare [-format text|md|html] [-fail-on 5%] [-force] results/A results/B"

// compareRenderers are the output formats of compare.
var compareRenderers = map[string]func(io.Writer, *compare.Comparison, *compare.Verdict) error{
	"text": report.CompareText,
	"md":   report.CompareMarkdown,
	"html": report.CompareHTML,
}

// compareCmd sets run B against run A. It refuses runs whose profiles or
// machines differ unless -force, and with -fail-on fails when B regressed.
func compareCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", compareSynopsis, stderr)
	format := fs.String("format", "text", "output format: text, md or html")
	var failOn percentFlag
	fs.Var(&failOn, "fail-on", "exit 1 when B is significantly worse than A (p50, p99 or CPU per request) by more than `percent`, such as 5% or 5")
	force := fs.Bool("force", false, "compare runs whose profiles or machines differ, showing the differences as warnings")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("compare: want two run directories (A, then B), got %d arguments", fs.NArg())}
	}
	render, ok := compareRenderers[*format]
	if !ok {
		return usageError{fmt.Errorf("compare: unknown format %q (want text, md or html)", *format)}
	}
	var runs [2]*results.Loaded
	for i, dir := range fs.Args() {
		l, err := openRun(fmt.Sprintf("compare: run %c", 'A'+i), dir)
		if err != nil {
			return err
		}
		runs[i] = l
	}
	c, err := compare.New(runs[0], runs[1])
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := c.Comparable(); err != nil && !*force {
		return usageError{fmt.Errorf("compare: %w\n(-force compares them anyway)", err)}
	}
	var verdict *compare.Verdict
	if failOn.set {
		v := c.Check(failOn.pct)
		verdict = &v
	}
	if err := render(stdout, c, verdict); err != nil {
		return fmt.Errorf("compare: writing the comparison: %w", err)
	}
	if verdict != nil && verdict.Failed() {
		var items []string
		for _, r := range verdict.Regressions {
			items = append(items, r.String())
		}
		return fmt.Errorf("compare: %d significant regression(s) beyond %s: %s",
			len(items), failOn.String(), strings.Join(items, "; "))
	}
	return nil
}

// percentFlag is a threshold in percent, given as "5%" or "5".
type percentFlag struct {
	pct float64
	set bool
}

// String returns the threshold as "5%", or "" when it is not set.
func (p *percentFlag) String() string {
	if !p.set {
		return ""
	}
	return strconv.FormatFloat(p.pct, 'f', -1, 64) + "%"
}

// Set parses a threshold.
func (p *percentFlag) Set(s string) error {
	v, err := parsePercent(s)
	if err != nil {
		return err
	}
	p.pct, p.set = v, true
	return nil
}

// parsePercent parses a non-negative percentage, with or without its sign:
// "5%", "5", "2.5%".
func parsePercent(s string) (float64, error) {
	num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if num == "" {
		return 0, fmt.Errorf("percentage %q: want a number such as 5%% or 5", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) {
			err = ne.Err
		}
		return 0, fmt.Errorf("percentage %q: %w (want a number such as 5%% or 5)", s, err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("percentage %q: want a finite number of at least 0", s)
	}
	return v, nil
}
