package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/otelbench/otelbench/internal/collector"
	"github.com/otelbench/otelbench/internal/micro"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/runner"
)

const targetBinName = "otelbench-target"

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "otelbench run -profile FILE [-results DIR] [-target BIN | -cmd COMMAND -url URL -spans N]", stderr)
	profilePath := fs.String("profile", "profiles/default.yaml", "the profile to measure")
	resultsRoot := fs.String("results", "results", "directory that receives the run directory")
	measured := addMeasuredFlags(fs)
	spans := fs.Int("spans", 0, "with -cmd: spans one traced request produces (its server span and its children)")
	quiet := fs.Bool("q", false, "no progress lines")
	otelcolBin := fs.String("otelcol", "", "collector binary for profiles with `collector: otelcol` (default: $OTELBENCH_OTELCOL, then collector/bin/otelcol)")
	pin := fs.String("pin", runner.PinAuto, "CPUs: auto (the target on the upper half of the CPUs, otelbench's load generator and sink on the rest, when there are two or more), off, or TARGET/LOADGEN lists such as 1/0")
	targetCache := fs.String("target-cache", runner.DefaultTargetCache, "directory that keeps the targets built for variants with an sdk_version")
	kube := fs.String("k8s", "", "a kubeconfig: run the manifests of -manifests (written by otelbench k8s for this profile) on that cluster, one cell at a time")
	manifests := fs.String("manifests", "", "with -k8s: the directory otelbench k8s wrote")
	shards := fs.Int("shards", 0, fmt.Sprintf("send each cell's measured attack from N `otelbench attack` processes and merge their results (1–%d; 0: the in-process attacker)", runner.MaxShards))
	pprofFlag := fs.String("pprof", "", "CPU profiles of each cell's measured attack: `off`, or with -cmd the URL of the service's net/http/pprof CPU profile (http://127.0.0.1:{port}/debug/pprof/profile); the bundled target is profiled unless off")
	microFile := fs.String("micro", "", "`file` of the micro benchmark (make micro) to keep in the run directory, for the report's \"Where the overhead goes\"")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("run: unexpected arguments %q", fs.Args())}
	}
	p, err := profile.Load(*profilePath)
	if err != nil {
		var perr *profile.Error
		switch {
		case errors.As(err, &perr): // each *profile.Error names the file
			return usageError{fmt.Errorf("run: -profile: %w", err)}
		case errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission):
			return usageError{fmt.Errorf("run: -profile %s: %w", *profilePath, unwrapPath(err))}
		}
		return err
	}
	if err := checkDir("-results", *resultsRoot); err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	if *kube != "" {
		return runK8s(ctx, p, *kube, *manifests, *resultsRoot, stdout, stderr)
	}
	opts := runner.Options{Profile: p, ResultsRoot: *resultsRoot, TargetCache: *targetCache, Pprof: *pprofFlag}
	if opts.Shards, opts.Self, err = shardsFlag(*shards); err != nil {
		return err
	}
	if opts.TargetBin, opts.Service, err = measured.resolve("run", *spans); err != nil {
		return err
	}
	if err := opts.CheckPprof(); err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	microData, err := readMicro(*microFile)
	if err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	if p.Collector == profile.CollectorOtelcol {
		if opts.Otelcol, err = findOtelcol(*otelcolBin); err != nil {
			return usageError{fmt.Errorf("run: %s: collector: otelcol: %w", p.Path, err)}
		}
	}
	if opts.Pin, err = runner.ParsePinning(*pin); err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	if opts.Pin != nil {
		if err := runner.PinSelf(opts.Pin.LoadGen); err != nil {
			return err
		}
	}
	if !*quiet {
		opts.Progress = stderr
		opts.Live = isTerminal(stderr)
		fmt.Fprintf(stderr, "otelbench: measuring %s: %d cells (%d rates × %d variants × %d repetitions)\n",
			p.Path, len(p.Rates)*len(p.Variants)*p.Repetitions, len(p.Rates), len(p.Variants), p.Repetitions)
	}
	dir, runErr := runner.Run(ctx, opts)
	if dir == "" {
		// Before the run directory: a release that cannot be built is a
		// profile error, at the variant's sdk_version.
		var perr *profile.Error
		if errors.As(runErr, &perr) {
			return usageError{fmt.Errorf("run: -profile: %w", runErr)}
		}
		return runErr
	}
	if microData != nil {
		if err := results.WriteFileAtomic(filepath.Join(dir, results.MicroFile), microData); err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("keeping -micro %s: %w", *microFile, err))
		}
	}
	if err := writeReports(dir, stdout); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintf(stderr, "otelbench: results in %s\n", dir)
	if errors.Is(runErr, runner.ErrInterrupted) {
		return interruptedError{fmt.Errorf("%w; the cells measured so far are in %s", runErr, dir)}
	}
	return runErr
}

// readMicro reads the -micro file, nil when none is given: it must be
// the micro benchmark's output (package micro), checked now so that a run
// does not end on a bad file.
func readMicro(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-micro: %w", err)
	}
	if _, err := micro.Parse(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("-micro %s: %w", path, err)
	}
	return data, nil
}

// findTarget locates the target binary: the flag, then next to this
// executable, then $PATH.
func findTarget(flagValue string) (string, error) {
	if flagValue != "" {
		if err := checkExecutable("-target", flagValue); err != nil {
			return "", err
		}
		return filepath.Abs(flagValue)
	}
	if self, err := os.Executable(); err == nil {
		cand := filepath.Join(filepath.Dir(self), targetBinName)
		if checkExecutable("", cand) == nil {
			return cand, nil
		}
	}
	if p, err := exec.LookPath(targetBinName); err == nil {
		return filepath.Abs(p)
	}
	return "", fmt.Errorf("cannot find %s next to otelbench or in $PATH: build it with `make build` or pass -target", targetBinName)
}

// findOtelcol locates the collector binary: the flag, then
// $OTELBENCH_OTELCOL, then collector/bin/otelcol beside the directory of
// this executable (bin/), then under the working directory.
func findOtelcol(flagValue string) (string, error) {
	cands := []string{flagValue}
	if flagValue == "" {
		cands = []string{os.Getenv(collector.EnvBinary)}
		if self, err := os.Executable(); err == nil {
			cands = append(cands, collector.DefaultBinary(filepath.Dir(filepath.Dir(self))))
		}
		cands = append(cands, collector.RepoBinary)
	}
	for i, c := range cands {
		if c == "" {
			continue
		}
		// The flag and the variable name one binary, which must be there;
		// the other candidates are places to look.
		named := ""
		switch {
		case flagValue != "":
			named = "-otelcol"
		case i == 0:
			named = "$" + collector.EnvBinary
		}
		err := checkExecutable(named, c)
		if err == nil {
			return filepath.Abs(c)
		}
		if named != "" {
			return "", err
		}
	}
	return "", errors.New("no collector binary: build one with `make collector`, or pass -otelcol")
}

// isTerminal reports whether w is a character device (a terminal), where a
// redrawn status line makes sense; elsewhere progress is plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
