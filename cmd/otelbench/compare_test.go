package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/compare/comparetest"
	"github.com/otelbench/otelbench/internal/results"
)

// compareRuns writes the synthetic runs the compare tests use into one
// directory and returns it:
//
//	a          the default profile, seed 1
//	same       the same, seed 2: only noise apart from a
//	slower     as same, with batch at 1000/s 20% slower in its slowest 5%
//	           of requests: a clear, significant p99 regression over 5+5
//	rates      a profile with another list of rates
//	machine    the same profile on a machine with twice the CPUs
//	release    as same, batch built against otel v1.46.0 (sdk_version)
//	release-slower  as slower, batch built against otel v1.46.0
func compareRuns(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	env := comparetest.DefaultEnvironment()
	env.NumCPU, env.GOMAXPROCS = 16, 16
	for _, r := range []comparetest.Run{
		{ID: "a", Seed: 1},
		{ID: "same", Seed: 2},
		{ID: "slower", Seed: 2, Tweak: func(c *comparetest.Cell) {
			if c.Variant.Name == "batch" && c.Rate == 1000 {
				c.Tail = 1.2
			}
		}},
		{ID: "rates", Seed: 2, Profile: strings.Replace(comparetest.DefaultProfile, "[1000, 3000]", "[1000, 2000]", 1)},
		{ID: "machine", Seed: 2, Environment: env},
		{ID: "release", Seed: 2, Profile: olderBatch},
		{ID: "release-slower", Seed: 2, Profile: olderBatch, Tweak: func(c *comparetest.Cell) {
			if c.Variant.Name == "batch" && c.Rate == 1000 {
				c.Tail = 1.2
			}
		}},
	} {
		comparetest.Write(t, dir, r)
	}
	return dir
}

// olderBatch is comparetest's profile with batch built against an older
// SDK release.
var olderBatch = strings.Replace(comparetest.DefaultProfile, "    kind: batch\n", "    kind: batch\n    sdk_version: v1.46.0\n", 1)

func TestCompareCommand(t *testing.T) {
	t.Parallel()
	dir := compareRuns(t)
	path := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings of stdout
		stderr []string // substrings of stderr
	}{{
		// Two runs of one profile on one machine: the comparison, exit 0.
		name:   "comparable",
		args:   []string{path("a"), path("same")},
		stdout: []string{"otelbench compare: a → same", "1000 requests/s", "3000 requests/s", "~ (p="},
	}, {
		// A 20% p99 regression without -fail-on: shown, exit 0.
		name:   "regression without -fail-on",
		args:   []string{path("a"), path("slower")},
		stdout: []string{"(p=0.008)"},
	}, {
		// The regression exceeds 5%: exit 1, the regression named.
		name:   "regression beyond 5%",
		args:   []string{"-fail-on", "5%", path("a"), path("slower")},
		code:   exitFailure,
		stdout: []string{"Regressions beyond 5%", "p99 of batch at 1000/s: +"},
		stderr: []string{"compare: 1 significant regression(s) beyond 5%: p99 of batch at 1000/s: +"},
	}, {
		// The same threshold without its percent sign.
		name: "threshold without %",
		args: []string{"-fail-on=5", path("a"), path("slower")},
		code: exitFailure,
	}, {
		// Within 50%: exit 0, and the report says so.
		name:   "regression within 50%",
		args:   []string{"-fail-on", "50%", path("a"), path("slower")},
		stdout: []string{"No significant regression of B against A beyond 50%."},
	}, {
		// B faster than A is not a regression.
		name: "improvement",
		args: []string{"-fail-on", "5%", path("slower"), path("a")},
	}, {
		// Other rates: refused with exit 2, the difference named.
		name:   "profiles differ",
		args:   []string{path("a"), path("rates")},
		code:   exitUsage,
		stderr: []string{"not comparable", "profile.rates: A [1000,3000], B [1000,2000]", "-force"},
	}, {
		// Only the SDK release differs: comparable, and said.
		name:   "release differs",
		args:   []string{"-fail-on", "5%", path("release"), path("same")},
		stdout: []string{"The runs differ only in the OpenTelemetry releases", "batch: sdk_version v1.46.0 → the module's own", "No significant regression"},
	}, {
		// An upgrade that regresses fails the gate, not the comparison.
		name:   "upgrade regresses",
		args:   []string{"-fail-on", "5%", path("a"), path("release-slower")},
		code:   exitFailure,
		stdout: []string{"batch: sdk_version the module's own → v1.46.0", "p99 of batch at 1000/s: +"},
	}, {
		// Another machine: refused, each difference named.
		name:   "machines differ",
		args:   []string{"-fail-on", "5%", path("a"), path("machine")},
		code:   exitUsage,
		stderr: []string{"environment.num_cpu: A 8, B 16", "environment.gomaxprocs: A 8, B 16"},
	}, {
		// -force compares anyway, the differences as warnings on top.
		name: "forced",
		args: []string{"-force", path("a"), path("rates")},
		stdout: []string{"⚠ the runs differ (compared anyway): profile.rates: A [1000,3000], B [1000,2000]",
			"2000 requests/s", "only in B", "only in A"},
	}, {
		// Markdown.
		name:   "markdown",
		args:   []string{"-format", "md", path("a"), path("same")},
		stdout: []string{"# otelbench compare: a → same", "| variant | metric | A | B | B vs A |"},
	}, {
		// HTML.
		name:   "html",
		args:   []string{"-format", "html", path("a"), path("same")},
		stdout: []string{"<!DOCTYPE html>", "<th>B vs A</th>"},
	}, {
		// An unknown format is bad usage.
		name:   "unknown format",
		args:   []string{"-format", "pdf", path("a"), path("same")},
		code:   exitUsage,
		stderr: []string{`unknown format "pdf"`},
	}, {
		// One run is not enough.
		name:   "one run",
		args:   []string{path("a")},
		code:   exitUsage,
		stderr: []string{"want two run directories (A, then B), got 1 arguments"},
	}, {
		// A directory that is no run is bad input, named.
		name:   "not a run",
		args:   []string{path("a"), dir},
		code:   exitUsage,
		stderr: []string{"run B: " + dir + " is not a run directory"},
	}, {
		// A threshold that is no percentage is bad usage.
		name:   "bad threshold",
		args:   []string{"-fail-on", "five", path("a"), path("same")},
		code:   exitUsage,
		stderr: []string{`invalid value "five" for flag -fail-on: percentage "five"`},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"compare"}, tc.args...), &stdout, &stderr)
			if code := exitCode(err, &stderr); code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", code, tc.code, stderr.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

func TestParsePercent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want float64
		err  string // substring of the error; "" for none
	}{
		// With its sign.
		{"percent", "5%", 5, ""},
		// Without it.
		{"bare number", "5", 5, ""},
		// A fraction of a percent.
		{"fraction", "2.5%", 2.5, ""},
		// Zero: any significant regression fails.
		{"zero", "0%", 0, ""},
		// Spaces around the number or the sign are forgiven.
		{"spaces", " 10 % ", 10, ""},
		// Nothing but the sign.
		{"sign only", "%", 0, `percentage "%": want a number`},
		// Empty.
		{"empty", "", 0, `percentage "": want a number`},
		// Not a number.
		{"word", "five", 0, `percentage "five": invalid syntax`},
		// Two signs.
		{"two signs", "5%%", 0, `percentage "5%%": invalid syntax`},
		// A fraction rather than a percentage is still a number: 0.05%.
		{"ratio", "0.05", 0.05, ""},
		// Negative: an improvement threshold makes no sense.
		{"negative", "-5%", 0, "at least 0"},
		// Not finite.
		{"infinite", "Inf", 0, "finite"},
		{"nan", "NaN%", 0, "finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parsePercent(tc.in)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("parsePercent(%q): %v", tc.in, err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("parsePercent(%q) error %v, want one containing %q", tc.in, err, tc.err)
			case got != tc.want:
				t.Errorf("parsePercent(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestReportWritesBench checks that "otelbench report -write" leaves
// bench.txt in the run directory: one line per successful cell.
func TestReportWritesBench(t *testing.T) {
	t.Parallel()
	l := comparetest.Write(t, t.TempDir(), comparetest.Run{ID: "run", Seed: 1})
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"report", "-write", l.Path}, &stdout, &stderr); err != nil {
		t.Fatalf("report -write: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(l.Path, results.BenchFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "BenchmarkHTTP/variant=") {
			lines++
		}
	}
	if want := len(l.Cells); lines != want {
		t.Errorf("bench.txt has %d result lines, want %d:\n%s", lines, want, data)
	}
}
