// Package micro reads the micro benchmark of the target's handler
// (BenchmarkMicro in package targets, run by `make micro`) from Go's
// benchmark format: one line per run of each set-up (bare, noop,
// sdk-discard, sdk-otlp), with ns/op, cpu-ns/op, profiled-ns/op,
// sink-ns/op and one <component>-ns/op per component of package pprofmap.
// It is pure: the summary puts the figures beside the end-to-end ones.
package micro

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/stats"
)

// Benchmark is the name of the micro benchmark in package targets.
const Benchmark = "BenchmarkMicro"

// The set-ups of the benchmark (see targets/micro_test.go).
const (
	SetupBare       = "bare"
	SetupNoop       = "noop"
	SetupSDKDiscard = "sdk-discard"
	SetupSDKOTLP    = "sdk-otlp"
)

// Units of its figures.
const (
	UnitWall     = "ns/op"
	UnitCPU      = "cpu-ns/op"
	UnitProfiled = "profiled-ns/op"
	UnitSink     = "sink-ns/op"
	// ComponentSuffix ends the unit of a component's figure
	// ("sdk.start-ns/op").
	ComponentSuffix = "-ns/op"
)

// Result is one micro benchmark file.
type Result struct {
	// CPU and ExtraSpans are the workload it measured, from the
	// benchmark's name (cpu=20us/extra=1).
	CPU        time.Duration
	ExtraSpans int
	// Setups are in the order the file first names them.
	Setups []Setup
}

// Setup is every run of one set-up.
type Setup struct {
	Name string
	// Runs counts its lines (-count).
	Runs int
	// Values holds each unit's value in every run.
	Values map[string][]float64
}

// Median is the median over runs of unit; false when no run has it.
func (s Setup) Median(unit string) (float64, bool) {
	xs := s.Values[unit]
	if len(xs) == 0 {
		return 0, false
	}
	return stats.Median(xs), true
}

// Setup returns the set-up named name.
func (r *Result) Setup(name string) (Setup, bool) {
	for _, s := range r.Setups {
		if s.Name == name {
			return s, true
		}
	}
	return Setup{}, false
}

// Parse reads benchmark output, keeping the lines of Benchmark and
// ignoring the rest (goos:, PASS, the runtime's messages). A file with no
// such line, lines of two workloads, or a malformed line is an error
// naming its line.
func Parse(r io.Reader) (*Result, error) {
	res := &Result{}
	workload := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for ln := 1; sc.Scan(); ln++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], Benchmark+"/") {
			continue
		}
		wl, setup, err := splitName(f[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", ln, err)
		}
		if workload == "" {
			workload = wl
			if res.CPU, res.ExtraSpans, err = parseWorkload(wl); err != nil {
				return nil, fmt.Errorf("line %d: %w", ln, err)
			}
		} else if wl != workload {
			return nil, fmt.Errorf("line %d: workload %s after %s: one file, one workload", ln, wl, workload)
		}
		if len(f) < 4 || len(f)%2 != 0 {
			return nil, fmt.Errorf("line %d: want a name, iterations and value-unit pairs, got %q", ln, sc.Text())
		}
		i := slices.IndexFunc(res.Setups, func(s Setup) bool { return s.Name == setup })
		if i < 0 {
			res.Setups = append(res.Setups, Setup{Name: setup, Values: map[string][]float64{}})
			i = len(res.Setups) - 1
		}
		s := &res.Setups[i]
		s.Runs++
		for j := 2; j < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: value %q of %s: %w", ln, f[j], f[j+1], err)
			}
			s.Values[f[j+1]] = append(s.Values[f[j+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res.Setups) == 0 {
		return nil, fmt.Errorf("no %s line", Benchmark)
	}
	return res, nil
}

// splitName splits "BenchmarkMicro/cpu=20us/extra=1/bare-2" into its
// workload and set-up, without the GOMAXPROCS suffix.
func splitName(name string) (workload, setup string, err error) {
	parts := strings.Split(strings.TrimPrefix(name, Benchmark+"/"), "/")
	if len(parts) != 3 {
		return "", "", fmt.Errorf("benchmark %q: want %s/cpu=…/extra=…/SETUP", name, Benchmark)
	}
	setup = parts[2]
	if i := strings.LastIndexByte(setup, '-'); i > 0 {
		if _, err := strconv.Atoi(setup[i+1:]); err == nil {
			setup = setup[:i]
		}
	}
	return parts[0] + "/" + parts[1], setup, nil
}

// parseWorkload reads "cpu=20us/extra=1".
func parseWorkload(wl string) (time.Duration, int, error) {
	cpuPart, extraPart, _ := strings.Cut(wl, "/")
	us, ok1 := strings.CutPrefix(cpuPart, "cpu=")
	us, ok2 := strings.CutSuffix(us, "us")
	extra, ok3 := strings.CutPrefix(extraPart, "extra=")
	n, err1 := strconv.Atoi(us)
	e, err2 := strconv.Atoi(extra)
	if !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("workload %q: want cpu=<µs>us/extra=<spans>", wl)
	}
	return time.Duration(n) * time.Microsecond, e, nil
}
