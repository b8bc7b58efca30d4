package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"

	"github.com/otelbench/otelbench/internal/results"
)

// benchName is the name every line of bench.txt starts with: benchstat
// needs the "Benchmark" prefix followed by an upper-case letter.
const benchName = "BenchmarkHTTP"

// benchUnits are the measurements of a bench.txt line. Units follow Go's
// benchmark format: no spaces, and a "ns" or "B" token that benchstat scales
// ("p50-ns" is shown as p50-sec, "peak-rss-B" with binary prefixes).
var benchUnits = []struct {
	unit  string
	value func(c results.Cell) int64
}{
	{"p50-ns", func(c results.Cell) int64 { return int64(c.Load.Latency.P50) }},
	{"p99-ns", func(c results.Cell) int64 { return int64(c.Load.Latency.P99) }},
	{"cpu-ns/req", func(c results.Cell) int64 {
		n := int64(c.Load.Requests)
		return (int64(c.CPU.Window) + n/2) / n
	}},
	{"peak-rss-B", func(c results.Cell) int64 { return c.CPU.PeakRSS }},
	{"lost-spans", func(c results.Cell) int64 { return c.Spans.Lost }},
}

// Bench writes the successful cells of a run in Go's benchmark format
// (bench.txt), one line per cell, so that benchstat compares two runs as it
// compares two "go test -bench" outputs:
//
//	goos: linux
//	goarch: amd64
//	cpu: <CPU model>
//	pkg: otelbench/<profile>
//	BenchmarkHTTP/variant=batch/rate=4000 	 12000	    310000 p50-ns	…
//
// The iteration count is the number of requests of the measured attack; the
// repetitions of a rate and variant share a name, which benchstat treats as
// repeated runs of one benchmark. Lines are ordered by rate, variant (both as
// in the profile) and repetition. Cells that failed, or sent no request,
// are left out.
func Bench(w io.Writer, l *results.Loaded) error {
	cells := benchCells(l)
	bw := bufio.NewWriter(w)
	env := l.Run.Environment
	for _, kv := range [][2]string{{"goos", env.OS}, {"goarch", env.Arch}, {"cpu", env.CPUModel}} {
		// An empty value would delete the key in benchfmt: leave it out.
		if kv[1] != "" {
			fmt.Fprintf(bw, "%s: %s\n", kv[0], kv[1])
		}
	}
	if p := l.Run.Profile; p != nil {
		fmt.Fprintf(bw, "pkg: otelbench/%s\n", p.Name)
	}
	width := 0
	for _, c := range cells {
		width = max(width, len(benchLineName(c)))
	}
	for _, c := range cells {
		fmt.Fprintf(bw, "%-*s\t%8d", width, benchLineName(c), c.Load.Requests)
		for _, u := range benchUnits {
			fmt.Fprintf(bw, "\t%10d %s", u.value(c), u.unit)
		}
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the benchmark lines of %s: %w", l.Path, err)
	}
	return nil
}

// benchLineName names a cell's line. The rate comes last: benchfmt reads a
// trailing "-N" as GOMAXPROCS, and a variant name may end in one ("batch-64").
func benchLineName(c results.Cell) string {
	return fmt.Sprintf("%s/variant=%s/rate=%d", benchName, c.Variant, c.Rate)
}

// benchCells returns the successful cells of l that sent requests, ordered
// by the profile's rates, then its variants, then repetition. Cells of a
// rate or variant the profile does not list come after theirs, by value.
func benchCells(l *results.Loaded) []results.Cell {
	rateRank, variantRank := map[int]int{}, map[string]int{}
	if p := l.Run.Profile; p != nil {
		for i, r := range p.Rates {
			rateRank[r] = i
		}
		for i, v := range p.Variants {
			variantRank[v.Name] = i
		}
	}
	rank := func(m map[int]int, k int) int {
		if i, ok := m[k]; ok {
			return i
		}
		return len(m)
	}
	var cells []results.Cell
	for _, c := range l.Cells {
		if c.Status == results.StatusOK && c.Load.Requests > 0 {
			cells = append(cells, c)
		}
	}
	sort.SliceStable(cells, func(i, j int) bool {
		a, b := cells[i], cells[j]
		if ra, rb := rank(rateRank, a.Rate), rank(rateRank, b.Rate); ra != rb {
			return ra < rb
		}
		if a.Rate != b.Rate {
			return a.Rate < b.Rate
		}
		va, okA := variantRank[a.Variant]
		vb, okB := variantRank[b.Variant]
		switch {
		case okA && okB && va != vb:
			return va < vb
		case okA != okB:
			return okA
		case a.Variant != b.Variant:
			return a.Variant < b.Variant
		}
		return a.Rep < b.Rep
	})
	return cells
}
