package main

// System tests: the real otelbench and otelbench-target binaries, real
// processes, real gRPC to the embedded sink and real HTTP over loopback.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

var binDir string // holds otelbench and otelbench-target, built once

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "otelbench-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	build := exec.Command("go", "build", "-o", dir+"/", "./cmd/otelbench", "./cmd/otelbench-target")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building binaries: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func otelbenchBin() string { return filepath.Join(binDir, "otelbench") }
func targetBin() string    { return filepath.Join(binDir, "otelbench-target") }

// runOtelbench runs the binary to completion, bounded by timeout.
func runOtelbench(t *testing.T, timeout time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, otelbenchBin(), args...)
	cmd.Dir = filepath.Join("..", "..")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running otelbench: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("otelbench %v did not finish within %v\nstderr:\n%s", args, timeout, errb.String())
	}
	return out.String(), errb.String(), code
}

// onlyRun returns the single run directory under root.
func onlyRun(t *testing.T, root string) string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("want one run directory under %s, found %d", root, len(entries))
	}
	return filepath.Join(root, entries[0].Name())
}

// targetsLeft lists live processes whose executable is our target binary.
func targetsLeft(t *testing.T) []string {
	t.Helper()
	var left []string
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, p := range procs {
		exe, err := os.Readlink(p)
		if err != nil {
			continue
		}
		exe = strings.TrimSuffix(exe, " (deleted)")
		if exe == targetBin() {
			stat, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
			if bytes.Contains(stat, []byte(") Z ")) {
				continue // a zombie someone else has yet to reap: not running
			}
			left = append(left, filepath.Base(filepath.Dir(p)))
		}
	}
	return left
}

// assertNoTargets waits briefly for exiting targets and fails if any remain.
func assertNoTargets(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := targetsLeft(t)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("target processes left behind: pids %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSmokeEndToEnd runs the shipped smoke profile through the real binaries
// and checks the results directory, the report and the span accounting.
func TestSmokeEndToEnd(t *testing.T) {
	root := t.TempDir()
	stdout, stderr, code := runOtelbench(t, 3*time.Minute,
		"run", "-profile", "profiles/smoke.yaml", "-results", root, "-target", targetBin())
	if code != 0 {
		t.Fatalf("exit code %d\nstderr:\n%s", code, stderr)
	}
	assertNoTargets(t)
	dir := onlyRun(t, root)

	// The printed report has its sections and a row per variant.
	for _, want := range []string{"200 requests/s", "none (baseline)", "sync", "batch-q16", "sampled-10",
		"How to read the tables", "Recommendation"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Whatever the budget verdict (it depends on this machine's noise),
	// the report opens with settings: its first lines after the title
	// hold the answer with the OTEL_BSP_* variables.
	head := strings.Join(strings.SplitN(stdout, "\n", 20)[:min(19, strings.Count(stdout, "\n"))], "\n")
	if !strings.Contains(head, "Answer") || !strings.Contains(head, "OTEL_BSP_MAX_QUEUE_SIZE=") {
		t.Errorf("the report does not open with the settings:\n%s", head)
	}
	if !strings.Contains(stderr, "[5/5 ") {
		t.Errorf("no progress line for the last cell in stderr:\n%s", stderr)
	}

	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Status != results.StatusComplete || len(l.Cells) != 5 || len(l.Unfinished) != 0 {
		t.Fatalf("run status %s, %d cells, %d unfinished", l.Run.Status, len(l.Cells), len(l.Unfinished))
	}
	if l.Run.Environment.GoVersion == "" || l.Run.Environment.NumCPU == 0 || l.Run.Environment.CPUModel == "" {
		t.Errorf("environment fingerprint incomplete: %+v", l.Run.Environment)
	}
	for _, v := range l.Run.Variants {
		if v.Kind != "none" && !strings.HasPrefix(v.Env["OTEL_EXPORTER_OTLP_ENDPOINT"], "http://127.0.0.1:") {
			t.Errorf("variant %s: endpoint %q is not a loopback URL", v.Name, v.Env["OTEL_EXPORTER_OTLP_ENDPOINT"])
		}
		if len(v.Effective) == 0 {
			t.Errorf("variant %s: no effective settings recorded", v.Name)
		}
	}
	for _, c := range l.Cells {
		checkCell(t, l, c)
	}

	var s savedSummary
	if err := results.ReadJSON(filepath.Join(dir, results.SummaryFile), &s); err != nil {
		t.Fatal(err)
	}
	if s.Schema != summary.SchemaVersion || len(s.Rates) != 1 || len(s.Rates[0].Rows) != 5 {
		t.Fatalf("summary.json: schema %d, %d rates", s.Schema, len(s.Rates))
	}
	md, err := os.ReadFile(filepath.Join(dir, results.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("| variant | rate ach/req |")) || !bytes.Contains(md, []byte("## Recommendation")) {
		t.Errorf("report.md lacks its tables or recommendation:\n%s", md)
	}

	// The report subcommand reproduces the same summary from disk.
	out, _, code := runOtelbench(t, time.Minute, "report", "-format", "json", dir)
	if code != 0 {
		t.Fatalf("otelbench report: exit %d", code)
	}
	var again savedSummary
	if err := json.Unmarshal([]byte(out), &again); err != nil {
		t.Fatal(err)
	}
	if again.Recommendation.Choice.Variant != s.Recommendation.Choice.Variant || again.Rates[0].Rows[2].Latency != s.Rates[0].Rows[2].Latency {
		t.Errorf("otelbench report disagrees with summary.json")
	}
	// recommend gives the same OTEL_BSP_* values as summary.json.
	out, _, code = runOtelbench(t, time.Minute, "recommend", "-format", "json", dir)
	if code != 0 {
		t.Fatalf("otelbench recommend: exit %d", code)
	}
	var rec advise.Advice
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	for k, v := range s.Recommendation.Env {
		if rec.Env[k] != v {
			t.Errorf("recommend says %s=%q, summary.json %q", k, rec.Env[k], v)
		}
	}
	if len(rec.Env) != len(s.Recommendation.Env) || rec.Env["OTEL_BSP_MAX_QUEUE_SIZE"] == "" {
		t.Errorf("recommend's variables %v, summary.json's %v", rec.Env, s.Recommendation.Env)
	}
}

// savedSummary is what the tests read of summary.json: the summary's
// fields and the recommendation.
type savedSummary struct {
	summary.Summary
	Recommendation advise.Advice `json:"recommendation"`
}

// checkCell checks one cell's files and that its span accounting adds up.
func checkCell(t *testing.T, l *results.Loaded, c results.Cell) {
	t.Helper()
	if c.Status != results.StatusOK {
		t.Errorf("cell %s: status %s: %s", c.Dir, c.Status, c.Error)
		return
	}
	// The raw results are vegeta's own format, one per measured request.
	f, err := os.Open(l.CellPath(c, results.ResultsGob))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := vegeta.NewDecoder(f)
	var n uint64
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("cell %s: results.gob: %v", c.Dir, err)
			}
			break
		}
		n++
	}
	if n != c.Load.Requests || n == 0 {
		t.Errorf("cell %s: results.gob holds %d results, cell.json says %d requests", c.Dir, n, c.Load.Requests)
	}
	if _, err := os.Stat(l.CellPath(c, results.MetricsFile)); err != nil {
		t.Errorf("cell %s: %v", c.Dir, err)
	}
	if c.Target.ExitCode != 0 || c.CPU.Window <= 0 || c.CPU.PeakRSS <= 0 {
		t.Errorf("cell %s: exit %d, cpu %v, rss %d", c.Dir, c.Target.ExitCode, c.CPU.Window, c.CPU.PeakRSS)
	}

	s := c.Spans
	if s.Lost != s.Ended-s.Received {
		t.Errorf("cell %s: lost %d != ended %d − received %d", c.Dir, s.Lost, s.Ended, s.Received)
	}
	// Every span ended is accounted for: ended = exported + dropped +
	// failed + lost at shutdown, and what was dropped or lost is exactly
	// what the sink misses (failed exports may still have arrived).
	if sum := s.ExportedOK + s.Dropped + s.ExportFailed + s.LostAtShutdown; sum != s.Ended {
		t.Errorf("cell %s: ended %d ≠ exported %d + dropped %d + failed %d + lost at shutdown %d",
			c.Dir, s.Ended, s.ExportedOK, s.Dropped, s.ExportFailed, s.LostAtShutdown)
	}
	if s.ExportFailed == 0 && s.Lost != s.Dropped+s.LostAtShutdown {
		t.Errorf("cell %s: %d spans missing at the sink, but dropped %d + lost at shutdown %d", c.Dir, s.Lost, s.Dropped, s.LostAtShutdown)
	}
	// With no export failures and no retries, the exporter's count of
	// spans exported and the sink's count of spans received are one number.
	if s.ExportFailed == 0 && s.Duplicates == 0 && s.ExportedOK != s.Received {
		t.Errorf("cell %s: exporter says %d exported, sink received %d", c.Dir, s.ExportedOK, s.Received)
	}
	switch c.Kind {
	case "none":
		if s.Ended != 0 || s.Received != 0 || s.SinkRequests != 0 {
			t.Errorf("cell %s: the uninstrumented variant produced spans: %+v", c.Dir, s)
		}
	case "sampled":
		if s.Matched {
			t.Errorf("cell %s: sampled requests must not carry a traceparent", c.Dir)
		}
	default:
		if !s.Matched || s.StrayTraces != 0 {
			t.Errorf("cell %s: matched %v, stray traces %d", c.Dir, s.Matched, s.StrayTraces)
		}
		if s.MissingSpans != s.Lost {
			t.Errorf("cell %s: trace matching finds %d missing spans, ended − received is %d", c.Dir, s.MissingSpans, s.Lost)
		}
		// Every request is sampled (the traceparent says so): each ends PerRequest spans.
		if s.Ended != s.TargetRequests*int64(s.PerRequest) {
			t.Errorf("cell %s: %d requests should end %d spans, ended %d", c.Dir, s.TargetRequests, s.TargetRequests*int64(s.PerRequest), s.Ended)
		}
	}
}

// TestBadProfileExitsTwo checks that bad input names the file, line and key,
// exits 2 and writes nothing.
func TestBadProfileExitsTwo(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nrates: [100]\nduration: 1s\nvariants:\n  - name: none\n    kind: none\n  - name: b\n    kind: batch\n    qeue_size: 64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	_, stderr, code := runOtelbench(t, time.Minute, "run", "-profile", bad, "-results", root, "-target", targetBin())
	if code != 2 {
		t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{bad, "line 9", `"qeue_size"`, `"queue_size"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a results directory was created for a bad profile")
	}

	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"bench"}},
		{"unknown flag", []string{"run", "-profil", "x"}},
		{"missing profile file", []string{"run", "-profile", filepath.Join(dir, "nope.yaml")}},
		{"report of a directory that is not a run", []string{"report", dir}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, stderr, code := runOtelbench(t, time.Minute, tt.args...); code != 2 {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
		})
	}
}

const shortProfile = `name: short
rates: [300]
duration: %s
warmup: 200ms
repetitions: %d
timeout: 5s
workload:
  cpu: 10us
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
  - name: sync
    kind: sync
`

// TestInterruptKeepsResults sends SIGINT in the middle of a run: otelbench
// exits 130, leaves no target behind, and keeps the cells measured so far
// with a report of them.
func TestInterruptKeepsResults(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(prof, []byte(fmt.Sprintf(shortProfile, "2s", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, otelbenchBin(), "run", "-profile", prof, "-results", root, "-target", targetBin())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first finished cell, then interrupt during the next one.
	deadline := time.Now().Add(time.Minute)
	for {
		done, _ := filepath.Glob(filepath.Join(root, "*", "cells", "*", results.CellFile))
		if len(done) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no cell finished within a minute; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond) // inside the next cell's attack
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want code 130; stderr:\n%s", err, stderr.String())
	}
	assertNoTargets(t)

	l, err := results.Open(onlyRun(t, root))
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Status != results.StatusInterrupted {
		t.Errorf("run status %s, want interrupted", l.Run.Status)
	}
	ok := 0
	for _, c := range l.Cells {
		if c.Status == results.StatusOK {
			ok++
		}
	}
	if ok < 1 || len(l.Unfinished) == 0 {
		t.Errorf("%d cells ok, %d unfinished: want the measured cells kept and the rest marked unfinished", ok, len(l.Unfinished))
	}
	md, err := os.ReadFile(filepath.Join(l.Path, results.ReportFile))
	if err != nil {
		t.Fatalf("no report of the partial run: %v", err)
	}
	if !bytes.Contains(md, []byte("interrupted")) {
		t.Errorf("report.md does not say the run was interrupted")
	}
}

// TestFailingTargetIsReported makes the sync variant's target crash at start:
// its cells are reported as failed, the other variants are measured, and
// otelbench exits 1.
func TestFailingTargetIsReported(t *testing.T) {
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "target.sh")
	script := "#!/bin/sh\ncase \"$*\" in *'-variant sync'*) echo 'simulated crash' >&2; exit 3;; esac\nexec " + targetBin() + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	prof := filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(prof, []byte(fmt.Sprintf(shortProfile, "1s", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	stdout, stderr, code := runOtelbench(t, 2*time.Minute, "run", "-profile", prof, "-results", root, "-target", wrapper)
	if code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	l, err := results.Open(onlyRun(t, root))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range l.Cells {
		switch {
		case c.Variant == "sync" && (c.Status != results.StatusFailed || !strings.Contains(c.Error, "simulated crash")):
			t.Errorf("sync cell: status %s, error %q; want failed with the target's stderr", c.Status, c.Error)
		case c.Variant != "sync" && c.Status != results.StatusOK:
			t.Errorf("%s cell: status %s: %s", c.Variant, c.Status, c.Error)
		}
	}
	if !strings.Contains(stdout, "failed") {
		t.Errorf("the report does not mention the failed cell:\n%s", stdout)
	}
}

// TestTuneEndToEnd tunes the bundled target for a small load against a
// collector answering in 20 ms: the model proposes candidates, they are
// measured, one is chosen, and its confirmation run must show zero loss and
// the budgets met. Each request sleeps 5 ms, like a service waiting on I/O,
// so that the p99 budget is about tracing and not the machine's jitter.
func TestTuneEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("a 2-minute end-to-end run")
	}
	root := t.TempDir()
	start := time.Now()
	stdout, stderr, code := runOtelbench(t, 3*time.Minute, "tune", "-rate", "300", "-latency", "20ms",
		"-sleep", "5ms", "-budget-p99", "50", "-duration", "3s", "-seed", "7", "-format", "json", "-results", root)
	if code != 0 {
		t.Fatalf("tune exited %d after %v\nstdout:\n%s\nstderr:\n%s", code, time.Since(start), stdout, stderr)
	}
	var res struct {
		SpansPerRequest int  `json:"spans_per_request"`
		Measured        bool `json:"spans_measured"`
		Plan            []struct {
			Name string `json:"name"`
		} `json:"plan"`
		Chosen *struct {
			Name     string `json:"name"`
			Settings struct {
				Processor string `json:"processor"`
				Queue     int    `json:"max_queue_size"`
			} `json:"settings"`
		} `json:"chosen"`
		Confirmed bool `json:"confirmed"`
		Confirm   *struct {
			LossPct float64 `json:"loss_pct"`
		} `json:"confirm"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("tune -format json: %v\n%s", err, stdout)
	}
	if res.SpansPerRequest != 2 || !res.Measured {
		t.Errorf("spans per request %d (measured %v), want 2 measured", res.SpansPerRequest, res.Measured)
	}
	if len(res.Plan) < 2 || res.Chosen == nil || !res.Confirmed || res.Confirm == nil || res.Confirm.LossPct != 0 {
		t.Errorf("tune result: %+v", res)
	}
	if len(res.Plan) > 0 && res.Plan[0].Name != "defaults" {
		t.Errorf("the first candidate is %q, want the SDK's defaults", res.Plan[0].Name)
	}
	if res.Chosen == nil || res.Chosen.Settings.Processor != "batch" || res.Chosen.Settings.Queue <= 0 {
		t.Errorf("chosen %+v: want a batch processor, never sync", res.Chosen)
	}
	t.Logf("tune took %v", time.Since(start))
	assertNoTargets(t)
}
