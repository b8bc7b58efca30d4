package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestVerifyUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int // exit code
	}{
		// Help is not an error.
		{name: "help", args: []string{"-h"}, want: exitOK},
		// An unknown flag is bad usage.
		{name: "unknown flag", args: []string{"-fast"}, want: exitUsage},
		// A stray argument is bad usage.
		{name: "positional", args: []string{"mysvc"}, want: exitUsage},
		// A command without its URL, and the other way round.
		{name: "cmd without url", args: []string{"-cmd", "./svc"}, want: exitUsage},
		{name: "url without cmd", args: []string{"-target", os.Args[0], "-url", "http://127.0.0.1:1/"}, want: exitUsage},
		// The bundled target and a command exclude each other.
		{name: "target and cmd", args: []string{"-target", os.Args[0], "-cmd", "./svc", "-url", "http://127.0.0.1:1/"}, want: exitUsage},
		// Unknown names.
		{name: "unknown mistake", args: []string{"-target", os.Args[0], "-mistake", "typo"}, want: exitUsage},
		{name: "unknown check", args: []string{"-target", os.Args[0], "-checks", "speed"}, want: exitUsage},
		// Values out of range.
		{name: "ratio", args: []string{"-target", os.Args[0], "-ratio", "2"}, want: exitUsage},
		{name: "requests", args: []string{"-target", os.Args[0], "-requests", "0"}, want: exitUsage},
		// A target binary that is not there.
		{name: "no target", args: []string{"-target", "/nonexistent/otelbench-target"}, want: exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"verify"}, tc.args...), &stdout, &stderr)
			if got := exitCode(err, io.Discard); got != tc.want {
				t.Errorf("exit code %d, want %d (err %v)\nstderr: %s", got, tc.want, err, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

func TestVerifyHelpDocumentsFlags(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(t.Context(), []string{"verify", "-h"}, io.Discard, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-cmd", "-url", "-downstream-env", "-mistake", "-exclude", "-ratio", "-checks",
		"OTEL_EXPORTER_OTLP_ENDPOINT", "process group", "Exit status"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("verify -h lacks %q", want)
		}
	}
}

func TestWriteVerifyReport(t *testing.T) {
	r := verify.Report{
		Service: "bundled target /bin/otelbench-target (-variant batch -mistake no-filter)",
		Checks: []verify.Check{
			{Name: verify.CheckParenting, Status: verify.StatusPass, Summary: "500 requests: one server span each"},
			{Name: verify.CheckExcluded, Status: verify.StatusFail, Summary: "/healthz, /metrics: 6 requests made 6 spans",
				Evidence: []string{"6 spans for excluded paths, e.g.:", `  GET /healthz (trace 4900c62d8f9743651f945a35556b06fc): "GET /healthz"`}},
			{Name: verify.CheckHandoff, Status: verify.StatusWarn, Summary: "1 orphan roots"},
			{Name: verify.CheckDownstream, Status: verify.StatusNA, Summary: "give -downstream-env NAME"},
		},
		Elapsed: 6900 * time.Millisecond,
	}
	var b bytes.Buffer
	writeVerifyReport(&b, r)
	golden := filepath.Join("testdata", "verify.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("report differs from %s (-update to accept):\n got:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

// TestVerifyEndToEnd runs the real otelbench verify on the real target:
// the correct build passes every check, a broken one fails the right check
// with exit code 1 and names a trace id.
func TestVerifyEndToEnd(t *testing.T) {
	start := time.Now()
	stdout, stderr, code := runOtelbench(t, 2*time.Minute, "verify", "-target", targetBin())
	// Measured, not asserted: the issue asks for under 30 s.
	t.Logf("otelbench verify on the correct target: %v\n%s", time.Since(start), stdout)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "8 passed, 0 failed") {
		t.Errorf("stdout lacks the all-pass count:\n%s", stdout)
	}
	assertNoTargets(t)

	stdout, stderr, code = runOtelbench(t, 2*time.Minute, "verify", "-target", targetBin(), "-mistake", "raw-path-names", "-checks", "naming,attributes")
	if code != exitFailure {
		t.Fatalf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`(?m)^FAIL  naming .*500 distinct server span names`).MatchString(stdout) ||
		!regexp.MustCompile(`trace [0-9a-f]{32}, span [0-9a-f]{16}`).MatchString(stdout) {
		t.Errorf("stdout lacks the failed naming check with its evidence:\n%s", stdout)
	}
	if !strings.Contains(stdout, "pass  attributes") || !strings.Contains(stderr, "1 check(s) failed: naming") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	assertNoTargets(t)
}

func TestErrChecksFailedIsFailure(t *testing.T) {
	err := error(errChecksFailed{names: []string{"naming"}})
	if code := exitCode(err, io.Discard); code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	var u usageError
	if errors.As(err, &u) {
		t.Error("a failed check is not bad usage")
	}
}
