package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// allocPerRequest are the sample run's heap allocation per request (bytes,
// objects) by variant; the others allocate as the baseline.
var allocPerRequest = map[string][2]uint64{
	"none":       {1200, 14},
	"none-aa":    {1200, 14},
	"sync":       {5200, 60},
	"batch":      {4100, 45},
	"batch-q64":  {4000, 44},
	"sampled-10": {1800, 20},
}

// costs gives a sample cell its allocation, GC and wire figures, 2%
// apart between repetitions as its CPU is: GC cycles grow with the
// allocation (one per 100 KB) and take 10% of the CPU per 4 KB allocated.
func costs(c *resultstest.Cell) {
	a, ok := allocPerRequest[c.Variant.Name]
	if !ok {
		a = allocPerRequest["none"]
	}
	k := 1 + 0.02*float64(c.Rep-3)
	n := float64(c.N)
	bytes := k * float64(a[0]) * n
	c.Alloc = &results.Alloc{Bytes: uint64(bytes), Objects: uint64(k * float64(a[1]) * n), GC: &results.GC{
		Cycles: uint64(bytes / 100e3),
		CPU:    time.Duration(float64(c.CPU) * 0.1 * k * float64(a[0]) / 4096),
		GoCPU:  c.CPU,
	}}
	if c.Variant.Kind.Exports() {
		c.Wire = 160
	}
}

// floorProfile is a run with what the floor needs: noop, the SDK with
// nothing sampled, the fully sampled batch and two sampled ratios.
const floorProfile = `name: floor
rates: [1000]
duration: 1s
warmup: 0s
repetitions: 5
variants:
  - {name: none, kind: none}
  - {name: noop, kind: noop}
  - {name: sampled-0, kind: sampled, sample_ratio: 0}
  - {name: batch, kind: batch}
  - {name: sampled-10, kind: sampled, sample_ratio: 0.1}
  - {name: sampled-50, kind: sampled, sample_ratio: 0.5}
`

// floorCPU is the floor run's CPU per request in µs: noop 2 µs over none,
// the SDK 1 µs more, 1.5 µs per sampled span (2 spans per request), so
// 10% sampling is on the line and 50% far above it.
var floorCPU = map[string]float64{"none": 10, "noop": 12, "sampled-0": 13, "batch": 16, "sampled-10": 13.3, "sampled-50": 20}

// floorAnalysis is the floor run, its CPU 1% apart between repetitions.
func floorAnalysis(t *testing.T) *analysis.Analysis {
	f := resultstest.New(t, floorProfile)
	for _, c := range f.Cells {
		us := floorCPU[c.Variant.Name] * (1 + 0.01*float64(c.Rep-3))
		c.CPU = time.Duration(us*float64(time.Microsecond)) * time.Duration(c.N)
		costs(c)
	}
	return analyse(t, f)
}

// TestFloorReport checks what the floor section says of the floor run.
func TestFloorReport(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, floorAnalysis(t)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"## Floor and cost per sampled span",
		"instrumentation with no SDK (noop): +2.00µs",
		"floor, the cost at 0% (sampled-0): +3.00µs",
		"cost per sampled span (batch, 2.00 spans/req): +1.50µs",
		"| sampled-10 | 0.1 | 0.200 | +3.30µs",
		"| yes |",
		"| sampled-50 | 0.5 | 1.000 | +4.50µs",
		"| no |",
		"| noop | 1.17 KiB |",
		"– (sends nothing)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestCostsOfAService checks that a user's service's allocations and GC
// are n/a with why, never zero.
func TestCostsOfAService(t *testing.T) {
	f := resultstest.New(t, "")
	l := f.Write(t)
	a, err := analysis.Of(l)
	if err != nil {
		t.Fatal(err)
	}
	a.Summary.Service = &results.ServiceInfo{Command: "./svc"}
	var b bytes.Buffer
	if err := Markdown(&b, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| batch | "+naService+" |") {
		t.Errorf("the allocations of a service are not n/a with why:\n%s", b.String())
	}
}
