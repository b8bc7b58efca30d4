package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// benchRun is a small run held in memory: two rates, two variants, two
// repetitions, its cells in the shuffled order a runner leaves them, one
// failed and one with no request.
func benchRun(t *testing.T) *results.Loaded {
	t.Helper()
	p, err := profile.Parse("bench.yaml", []byte(`name: bench
rates: [4000, 1000]
duration: 10s
repetitions: 2
variants:
  - name: none
    kind: none
  - name: batch-64
    kind: batch
    queue_size: 64
`))
	if err != nil {
		t.Fatal(err)
	}
	cell := func(variant string, rate, rep int, p50, p99 time.Duration, lost int64) results.Cell {
		requests := uint64(rate) * 10
		return results.Cell{
			Variant: variant, Rate: rate, Rep: rep, Status: results.StatusOK,
			Load:  results.Load{Requests: requests, Latency: results.Latency{P50: p50, P99: p99}},
			CPU:   results.CPU{Window: time.Duration(requests) * 252 * time.Microsecond, PeakRSS: 51234567 + int64(rep)},
			Spans: results.Spans{Lost: lost},
		}
	}
	failed := cell("batch-64", 1000, 2, 0, 0, 0)
	failed.Status, failed.Error = results.StatusFailed, "target crashed"
	empty := cell("none", 1000, 2, 0, 0, 0)
	empty.Load.Requests = 0
	return &results.Loaded{
		Path: "results/bench",
		Run: results.Run{
			Profile: p,
			Environment: results.Environment{OS: "linux", Arch: "amd64",
				CPUModel: "AMD EPYC 7B13 64-Core Processor"},
		},
		Cells: []results.Cell{
			cell("batch-64", 1000, 1, 330*time.Microsecond, 9*time.Millisecond, 12),
			cell("none", 4000, 2, 301*time.Microsecond, 2*time.Millisecond, 0),
			cell("batch-64", 4000, 1, 310*time.Microsecond, 8560*time.Microsecond, 0),
			failed,
			cell("none", 4000, 1, 300*time.Microsecond, 2100*time.Microsecond, 0),
			cell("none", 1000, 1, 290*time.Microsecond, 1900*time.Microsecond, 0),
			cell("batch-64", 4000, 2, 312*time.Microsecond, 8700*time.Microsecond, 3),
			empty,
		},
	}
}

func TestBenchGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Bench(&b, benchRun(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "bench.golden.txt", b.Bytes())
}

// TestBenchFormat checks the output against the rules of Go's benchmark
// format as golang.org/x/perf/benchfmt reads it: configuration lines are
// "key: value" with a key that starts lower case and has no space or upper
// case letter; result lines are a name that starts with "Benchmark" and an
// upper-case letter, an integer iteration count, then value–unit pairs
// whose units have no space.
func TestBenchFormat(t *testing.T) {
	var b bytes.Buffer
	if err := Bench(&b, benchRun(t)); err != nil {
		t.Fatal(err)
	}
	results := 0
	for i, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "Benchmark") {
			key, val, ok := strings.Cut(line, ": ")
			if !ok || key == "" || !unicode.IsLower(rune(key[0])) || strings.ContainsFunc(key, func(r rune) bool {
				return unicode.IsSpace(r) || unicode.IsUpper(r)
			}) || strings.TrimSpace(val) == "" {
				t.Errorf("line %d is neither a result nor a configuration line: %q", i+1, line)
			}
			continue
		}
		results++
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			t.Errorf("line %d: %d fields, want a name, a count and value–unit pairs: %q", i+1, len(f), line)
			continue
		}
		if r := []rune(f[0]); len(r) <= len("Benchmark") || !unicode.IsUpper(r[len("Benchmark")]) {
			t.Errorf("line %d: name %q lacks an upper-case letter after Benchmark", i+1, f[0])
		}
		if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
			t.Errorf("line %d: iteration count %q: %v", i+1, f[1], err)
		}
		for j := 2; j < len(f); j += 2 {
			if _, err := strconv.ParseInt(f[j], 10, 64); err != nil {
				t.Errorf("line %d: value %q is not an integer", i+1, f[j])
			}
		}
	}
	// Eight cells, one failed, one without requests.
	if results != 6 {
		t.Errorf("%d result lines, want 6 (one per successful cell with requests)", results)
	}
}

// TestBenchNoProfile checks that a run.json without profile or machine
// still gives result lines, without empty configuration lines (an empty
// value would delete the key in benchfmt).
func TestBenchNoProfile(t *testing.T) {
	l := benchRun(t)
	l.Run.Profile, l.Run.Environment = nil, results.Environment{}
	var b bytes.Buffer
	if err := Bench(&b, l); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "BenchmarkHTTP/variant=batch-64/rate=1000\t") {
		t.Errorf("output does not start with a result line:\n%s", b.String())
	}
}

// TestBenchWriteError checks that a failing writer is reported.
func TestBenchWriteError(t *testing.T) {
	if err := Bench(&failWriter{n: 10}, benchRun(t)); err == nil || !strings.Contains(err.Error(), "results/bench") {
		t.Errorf("Bench to a failing writer: %v, want an error naming the run", err)
	}
}
