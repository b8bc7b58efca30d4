package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/compare/comparetest"
	"github.com/otelbench/otelbench/internal/golden"
	"github.com/otelbench/otelbench/internal/results"
)

// recommendRun writes a synthetic run of comparetest's default profile
// (none, batch and sync at 1000/s and 3000/s) whose cells also record a
// mean export of 5 ms, as the target's export histogram would, and returns
// its directory.
func recommendRun(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	l := comparetest.Write(t, parent, comparetest.Run{ID: "run", Seed: 1})
	for _, c := range l.Cells {
		if c.Kind == "none" {
			continue
		}
		c.Export = results.Histogram{Count: 200, Sum: 200 * 0.005}
		c.OnEndMax = 40 * time.Microsecond
		if err := results.WriteJSON(l.CellPath(c, results.CellFile), c); err != nil {
			t.Fatal(err)
		}
	}
	return l.Path
}

// TestRecommendCommand checks each format against its golden file
// (testdata/recommend.golden.<format>.txt), and the exit codes of bad usage.
func TestRecommendCommand(t *testing.T) {
	t.Parallel()
	dir := recommendRun(t)
	for _, format := range []string{"text", "go", "env", "json", "otelconf"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{"recommend", "-format", format, dir}, &stdout, &stderr); err != nil {
				t.Fatalf("recommend -format %s: %v\n%s", format, err, stderr.String())
			}
			goldenFile(t, filepath.Join("testdata", "recommend.golden."+format+".txt"), stdout.Bytes())
		})
	}
	// The default format is text.
	var def, text bytes.Buffer
	if err := run(t.Context(), []string{"recommend", dir}, &def, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"recommend", "-format", "text", dir}, &text, io.Discard); err != nil {
		t.Fatal(err)
	}
	if def.String() != text.String() {
		t.Error("the default format is not text")
	}
}

func TestRecommendUsage(t *testing.T) {
	t.Parallel()
	dir := recommendRun(t)
	notRun := t.TempDir()
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring of stderr
	}{
		// Help is not an error.
		{name: "help", args: []string{"-h"}, code: exitOK},
		// No run directory, or two.
		{name: "no run", args: nil, code: exitUsage, stderr: "recommend: want one run directory, got 0 arguments"},
		{name: "two runs", args: []string{dir, dir}, code: exitUsage, stderr: "got 2 arguments"},
		// An unknown format, named with the valid ones.
		{name: "unknown format", args: []string{"-format", "yaml", dir}, code: exitUsage, stderr: `unknown format "yaml" (want text, go, env, json or otelconf)`},
		// An otelconf endpoint that is not a URL.
		{name: "bad endpoint", args: []string{"-format", "otelconf", "-endpoint", "localhost:4317", dir}, code: exitUsage, stderr: "recommend:"},
		// A directory that is not a run, or not there.
		{name: "not a run", args: []string{notRun}, code: exitUsage, stderr: "is not a run directory: no run.json"},
		{name: "missing", args: []string{filepath.Join(notRun, "nope")}, code: exitUsage, stderr: "is not a run directory"},
		// An unknown flag.
		{name: "unknown flag", args: []string{"-fast", dir}, code: exitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"recommend"}, tc.args...), &stdout, &stderr)
			if got := exitCode(err, &stderr); got != tc.code {
				t.Errorf("exit code %d, want %d (err %v)", got, tc.code, err)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			if tc.code != exitOK && stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

// goldenFile compares got with the file at path, rewriting it under -update.
func goldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, path, got, *update)
}

// TestRecommendNothingMeasured: a run with no measured cell has no
// settings to print; recommend says so and exits 1, in every format.
func TestRecommendNothingMeasured(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	l := comparetest.Write(t, parent, comparetest.Run{ID: "empty", Seed: 1, Tweak: func(c *comparetest.Cell) { c.Unfinished = true }})
	for _, format := range []string{"text", "go", "env", "json", "otelconf"} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{"recommend", "-format", format, l.Path}, &stdout, &stderr)
		if got := exitCode(err, &stderr); got != exitFailure {
			t.Errorf("%s: exit code %d, want %d (err %v)", format, got, exitFailure, err)
		}
		if strings.Contains(stdout.String(), "OTEL_BSP_") {
			t.Errorf("%s: settings printed for a run with nothing measured:\n%s", format, stdout.String())
		}
		if !strings.Contains(stderr.String(), "nothing instrumented was measured") {
			t.Errorf("%s: stderr %q does not say why", format, stderr.String())
		}
	}
}
