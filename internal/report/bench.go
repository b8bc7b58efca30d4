package report

import (
	"bufio"
	"fmt"
	"io"
	"math"

	"github.com/otelbench/otelbench/internal/summary"
)

// benchName is the name every line of bench.txt starts with: benchstat
// needs the "Benchmark" prefix followed by an upper-case letter.
const benchName = "BenchmarkHTTP"

// benchUnits are the measurements of a bench.txt line. Units follow Go's
// benchmark format: no spaces, and a "ns" or "B" token that benchstat scales
// ("p50-ns" is shown as p50-sec, "peak-rss-B" with binary prefixes).
var benchUnits = []struct {
	unit  string
	value func(v summary.RepValues, i int) float64
}{
	{"p50-ns", func(v summary.RepValues, i int) float64 { return v.P50[i] }},
	{"p99-ns", func(v summary.RepValues, i int) float64 { return v.P99[i] }},
	{"cpu-ns/req", func(v summary.RepValues, i int) float64 { return v.CPUPerReq[i] }},
	{"peak-rss-B", func(v summary.RepValues, i int) float64 { return v.PeakRSS[i] }},
	{"lost-spans", func(v summary.RepValues, i int) float64 { return v.Lost[i] }},
}

// Bench writes the measured repetitions of a run in Go's benchmark format
// (bench.txt), one line per repetition, so that benchstat compares two runs
// as it compares two "go test -bench" outputs:
//
//	goos: linux
//	goarch: amd64
//	cpu: <CPU model>
//	pkg: otelbench/<profile>
//	BenchmarkHTTP/variant=batch/rate=4000 	 12000	    310000 p50-ns	…
//
// The iteration count is the number of requests of the measured attack; the
// repetitions of a rate and variant share a name, which benchstat treats as
// repeated runs of one benchmark. Lines are ordered by rate (lowest first),
// variant (as in the profile) and repetition. Repetitions that failed or
// whose results could not be read are left out.
func Bench(w io.Writer, s *summary.Summary) error {
	bw := bufio.NewWriter(w)
	env := s.Environment
	for _, kv := range [][2]string{{"goos", env.OS}, {"goarch", env.Arch}, {"cpu", env.CPUModel}} {
		// An empty value would delete the key in benchfmt: leave it out.
		if kv[1] != "" {
			fmt.Fprintf(bw, "%s: %s\n", kv[0], kv[1])
		}
	}
	fmt.Fprintf(bw, "pkg: otelbench/%s\n", s.Profile)
	width := 0
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			width = max(width, len(benchLineName(r.Variant, rs.Rate)))
		}
	}
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			v := r.PerRep
			for i := range v.Requests {
				if v.Requests[i] <= 0 {
					continue
				}
				fmt.Fprintf(bw, "%-*s\t%8d", width, benchLineName(r.Variant, rs.Rate), int64(v.Requests[i]))
				for _, u := range benchUnits {
					fmt.Fprintf(bw, "\t%10d %s", int64(math.Round(u.value(v, i))), u.unit)
				}
				fmt.Fprintln(bw)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the benchmark lines of %s: %w", s.RunID, err)
	}
	return nil
}

// benchLineName names a line. The rate comes last: benchfmt reads a
// trailing "-N" as GOMAXPROCS, and a variant name may end in one ("batch-64").
func benchLineName(variant string, rate int) string {
	return fmt.Sprintf("%s/variant=%s/rate=%d", benchName, variant, rate)
}
