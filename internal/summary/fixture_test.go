package summary

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// fixtureProfile is the profile of the synthetic runs: the baseline, the
// synchronous exporter, the batch processor with the SDK's defaults and with
// a small queue, and 10% sampling, at two rates with two repetitions.
const fixtureProfile = `name: fixture
rates: [1000, 3000]
duration: 1s
warmup: 0s
repetitions: 2
budget:
  p99_overhead_pct: 10
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: batch
    kind: batch
  - name: batch-q64
    kind: batch
    queue_size: 64
  - name: sampled-10
    kind: sampled
    sample_ratio: 0.1
`

// t0 is when every synthetic run started: fixed, so that every output is.
var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// Defaults of the synthetic cells.
const (
	// fixtureN is how many results each cell's results.gob holds.
	fixtureN = 500
	// fixtureStep is the latency between consecutive results of a cell.
	fixtureStep = 2 * time.Microsecond
	// fixtureWarmup is how many warm-up requests each target also served:
	// they count in the span accounting, not in the load figures.
	fixtureWarmup = 100
)

// fixtureShift is how much each variant adds to the baseline's latency of
// every request, at 1000/s and at 3000/s. Shifting every latency by the same
// amount shifts every t-digest quantile by it too (its centroids depend on
// ranks, not values), so the overheads are known to within the float
// rounding of the centroid means: a nanosecond or two.
var fixtureShift = map[string][2]time.Duration{
	"none":       {0, 0},
	"sync":       {time.Millisecond, 2 * time.Millisecond},
	"batch":      {150 * time.Microsecond, 250 * time.Microsecond},
	"batch-q64":  {100 * time.Microsecond, 200 * time.Microsecond},
	"sampled-10": {50 * time.Microsecond, 60 * time.Microsecond},
}

// fixtureCPU is each variant's CPU time per request. Variants that a test
// adds get the baseline's.
var fixtureCPU = map[string]time.Duration{
	"none":       10 * time.Microsecond,
	"sync":       30 * time.Microsecond,
	"batch":      14 * time.Microsecond,
	"batch-q64":  12 * time.Microsecond,
	"sampled-10": 11 * time.Microsecond,
}

// baseLatency is the baseline's latency of result i of repetition rep:
// 1ms + 2i µs in repetition 1 and 2ms + 2i µs in repetition 2, so that the
// two repetitions together are uniform over [1ms, 3ms) in 2µs steps.
func baseLatency(rep, i int) time.Duration {
	return time.Duration(rep)*time.Millisecond + time.Duration(i)*fixtureStep
}

// cellSpec is what one synthetic cell measured. newFixture fills in the
// defaults; tests change what they are about before write.
type cellSpec struct {
	index     int
	variant   profile.Variant
	rate, rep int
	// n is how many results results.gob holds.
	n int
	// latency is the latency of result i.
	latency func(i int) time.Duration
	// code is the status code of result i.
	code func(i int) uint16
	// sendRate spaces the results' timestamps, so it is (nearly) the rate
	// vegeta computes: n/(n−1) of it.
	sendRate float64
	cpu      time.Duration // CPU.Window
	peakRSS  int64
	spans    results.Spans
	onEnd    results.Histogram
	status   results.Status
	err      string
	// unfinished leaves the cell planned but without cell.json, as an
	// interrupted run does.
	unfinished bool
	// noGob writes no results.gob.
	noGob bool
}

// dir is the cell's directory name, as the runner names it.
func (c *cellSpec) dir() string {
	return results.CellDirName(c.index, c.variant.Name, c.rate, c.rep)
}

// fixture is a synthetic run before it is written.
type fixture struct {
	profile *profile.Profile
	status  results.Status
	cells   []*cellSpec
	// noPlan leaves the planned cells out of run.json, so that Open finds
	// the cells by listing their directories.
	noPlan bool
}

// newFixture parses yaml (fixtureProfile when empty) and plans its cells,
// repetitions outermost as the runner does (without its rotation of the
// variant order), each with the default measurements.
func newFixture(t *testing.T, yaml string) *fixture {
	t.Helper()
	if yaml == "" {
		yaml = fixtureProfile
	}
	p, err := profile.Parse("fixture.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("parsing the fixture profile: %v", err)
	}
	f := &fixture{profile: p, status: results.StatusComplete}
	for rep := 1; rep <= p.Repetitions; rep++ {
		for ri, rate := range p.Rates {
			for _, v := range p.Variants {
				f.cells = append(f.cells, defaultCell(p, len(f.cells), v, rate, ri, rep))
			}
		}
	}
	return f
}

// defaultCell is a cell that measured as planned: every request succeeded
// at the requested rate and, for instrumented variants, every span arrived.
func defaultCell(p *profile.Profile, index int, v profile.Variant, rate, ri, rep int) *cellSpec {
	shift := fixtureShift[v.Name][min(ri, 1)]
	cpu, ok := fixtureCPU[v.Name]
	if !ok {
		cpu = fixtureCPU["none"]
	}
	c := &cellSpec{
		index:    index,
		variant:  v,
		rate:     rate,
		rep:      rep,
		n:        fixtureN,
		latency:  func(i int) time.Duration { return baseLatency(rep, i) + shift },
		code:     func(int) uint16 { return http.StatusOK },
		sendRate: float64(rate),
		cpu:      cpu * fixtureN,
		peakRSS:  (20 + int64(index%5)) << 20,
		status:   results.StatusOK,
	}
	served := int64(fixtureN + fixtureWarmup)
	per := int64(v.SpansPerRequest(p.Workload))
	c.spans = results.Spans{PerRequest: int(per), TargetRequests: served}
	switch v.Kind {
	case profile.KindSync, profile.KindBatch:
		c.spans.Ended = per * served
		c.spans.ExportedOK = per * served
		c.spans.Received = per * served
		c.spans.ServerSpans = served
		c.spans.SinkRequests = 10
		c.spans.Matched = true
		c.spans.TracedRequests = served
	case profile.KindSampled:
		kept := served / 10
		c.spans.Ended = per * kept
		c.spans.ExportedOK = per * kept
		c.spans.Received = per * kept
		c.spans.ServerSpans = kept
		c.spans.SinkRequests = 2
	}
	if v.Kind != profile.KindNone {
		// Every request spent between 1µs and 2µs in OnEnd.
		c.onEnd = results.Histogram{
			Bounds: []float64{1e-6, 2e-6, 4e-6, 8e-6},
			Counts: []uint64{0, uint64(served), uint64(served), uint64(served)},
			Count:  uint64(served),
			Sum:    1.5e-6 * float64(served),
		}
	}
	return c
}

// cell returns the cell of variant at rate in repetition rep.
func (f *fixture) cell(t *testing.T, variant string, rate, rep int) *cellSpec {
	t.Helper()
	for _, c := range f.cells {
		if c.variant.Name == variant && c.rate == rate && c.rep == rep {
			return c
		}
	}
	t.Fatalf("the fixture has no cell %s at %d/s in rep %d", variant, rate, rep)
	return nil
}

// each applies fn to every cell of variant (at every rate when rate is 0).
func (f *fixture) each(variant string, rate int, fn func(c *cellSpec)) {
	for _, c := range f.cells {
		if c.variant.Name == variant && (rate == 0 || c.rate == rate) {
			fn(c)
		}
	}
}

// write writes the run into a new temporary directory and reads it back.
func (f *fixture) write(t *testing.T) *results.Loaded {
	t.Helper()
	dir := filepath.Join(t.TempDir(), t0.Format(results.TimeFormat)+"-"+f.profile.Name)
	if err := os.MkdirAll(filepath.Join(dir, results.CellsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	run := results.Run{
		Schema:   results.SchemaVersion,
		ID:       filepath.Base(dir),
		Status:   f.status,
		Started:  t0,
		Finished: t0.Add(time.Hour),
		Profile:  f.profile,
		Environment: results.Environment{
			GoVersion: "go1.26.0", OS: "linux", Arch: "amd64", CPUModel: "Synthetic CPU",
			NumCPU: 8, GOMAXPROCS: 8, Commit: "0123456789ab", TargetBin: "bin/target", Recorded: t0,
		},
		Sink: results.SinkInfo{Kind: "embedded", Endpoint: "http://127.0.0.1:4317"},
	}
	for _, v := range f.profile.Variants {
		run.Variants = append(run.Variants, results.VariantSetup{Name: v.Name, Kind: v.Kind, Env: v.Env()})
	}
	for _, c := range f.cells {
		if !f.noPlan {
			run.Cells = append(run.Cells, c.dir())
		}
		if err := writeCell(filepath.Join(dir, results.CellsDir, c.dir()), c); err != nil {
			t.Fatal(err)
		}
	}
	if err := results.WriteJSON(filepath.Join(dir, results.RunFile), run); err != nil {
		t.Fatal(err)
	}
	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// build writes the run and builds its summary.
func (f *fixture) build(t *testing.T) *Summary {
	t.Helper()
	s, err := Build(f.write(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

// writeCell writes a cell's results.gob and cell.json into dir, with the
// load figures computed by vegeta from the results, as the runner does.
func writeCell(dir string, c *cellSpec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	start := t0.Add(time.Duration(c.index) * 10 * time.Second)
	var m vegeta.Metrics
	var successes uint64
	var gob *bufio.Writer
	var enc vegeta.Encoder
	if !c.noGob {
		f, err := os.Create(filepath.Join(dir, results.ResultsGob))
		if err != nil {
			return err
		}
		defer f.Close()
		gob = bufio.NewWriter(f)
		enc = vegeta.NewEncoder(gob)
	}
	for i := range c.n {
		r := vegeta.Result{
			Attack:    "measure",
			Seq:       uint64(i),
			Code:      c.code(i),
			Timestamp: start.Add(time.Duration(float64(i) * 1e9 / c.sendRate)),
			Latency:   c.latency(i),
			BytesIn:   2,
		}
		if r.Code < 200 || r.Code >= 400 {
			r.Error = fmt.Sprintf("%d %s", r.Code, http.StatusText(int(r.Code)))
		} else {
			successes++
		}
		m.Add(&r)
		if enc != nil {
			if err := enc.Encode(&r); err != nil {
				return err
			}
		}
	}
	if gob != nil {
		if err := gob.Flush(); err != nil {
			return err
		}
	}
	m.Close()
	if c.unfinished {
		return nil
	}
	q := m.Latencies.Quantile
	cell := results.Cell{
		Schema:   results.SchemaVersion,
		Index:    c.index,
		Rep:      c.rep,
		Rate:     c.rate,
		Variant:  c.variant.Name,
		Kind:     c.variant.Kind,
		Dir:      c.dir(),
		Status:   c.status,
		Error:    c.err,
		Started:  start,
		Finished: start.Add(5 * time.Second),
		Target:   results.Target{PID: 1000 + c.index, ShutdownTime: 20 * time.Millisecond},
		Load: results.Load{
			RequestedRate: float64(c.rate),
			AchievedRate:  m.Rate,
			Throughput:    m.Throughput,
			Requests:      m.Requests,
			Successes:     successes,
			StatusCodes:   m.StatusCodes,
			Errors:        m.Errors,
			Duration:      m.Duration,
			Wait:          m.Wait,
			Latency: results.Latency{
				Mean: m.Latencies.Mean, Min: m.Latencies.Min,
				P50: q(0.50), P90: q(0.90), P99: q(0.99), P999: q(0.999),
				Max: m.Latencies.Max,
			},
			WarmupRequests: fixtureWarmup,
			TraceParent:    c.spans.Matched,
		},
		CPU:   results.CPU{Window: c.cpu, User: 2 * c.cpu, Sys: c.cpu / 2, PeakRSS: c.peakRSS},
		Spans: c.spans,
		OnEnd: c.onEnd,
	}
	return results.WriteJSON(filepath.Join(dir, results.CellFile), cell)
}
