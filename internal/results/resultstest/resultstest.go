// Package resultstest writes synthetic run directories (run.json, and for
// every cell results.gob and cell.json) for the tests of the packages that
// read runs back: summary, predict, advise, rules and report. Every figure
// is fixed, so that the overheads a test expects can be worked out by hand:
// the baseline's latencies are uniform, each variant adds a known shift to
// every request (Shift) and uses a known CPU per request (CPUPerRequest).
package resultstest

import (
	"bufio"
	"cmp"
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

// DefaultProfile is the profile of the synthetic runs that name none: the
// baseline, the synchronous exporter, the batch processor with the SDK's
// defaults and with a small queue, and 10% sampling, at two rates with two
// repetitions.
const DefaultProfile = `name: fixture
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

// T0 is when every synthetic run started: fixed, so that every output is.
var T0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// Defaults of the synthetic cells.
const (
	// N is how many results each cell's results.gob holds.
	N = 500
	// Step is the latency between consecutive results of a cell.
	Step = 2 * time.Microsecond
	// Warmup is how many warm-up requests each target also served: they
	// count in the span accounting, not in the load figures.
	Warmup = 100
)

// Shift is how much each variant of DefaultProfile adds to the baseline's
// latency of every request, at its first rate and at every other.
var Shift = map[string][2]time.Duration{
	"none":       {0, 0},
	"sync":       {time.Millisecond, 2 * time.Millisecond},
	"batch":      {150 * time.Microsecond, 250 * time.Microsecond},
	"batch-q64":  {100 * time.Microsecond, 200 * time.Microsecond},
	"sampled-10": {50 * time.Microsecond, 60 * time.Microsecond},
}

// CPUPerRequest is each variant's CPU time per request. Variants of other
// names get the baseline's.
var CPUPerRequest = map[string]time.Duration{
	"none":       10 * time.Microsecond,
	"sync":       30 * time.Microsecond,
	"batch":      14 * time.Microsecond,
	"batch-q64":  12 * time.Microsecond,
	"sampled-10": 11 * time.Microsecond,
}

// BaseLatency is the baseline's latency of result i of repetition rep:
// 1ms + 2i µs in repetition 1 and 2ms + 2i µs in repetition 2, so that the
// two repetitions together are uniform over [1ms, 3ms) in 2µs steps.
func BaseLatency(rep, i int) time.Duration {
	return time.Duration(rep)*time.Millisecond + time.Duration(i)*Step
}

// Cell is what one synthetic cell measured. New fills in the defaults;
// tests change what they are about before Write.
type Cell struct {
	Index     int
	Variant   profile.Variant
	Rate, Rep int
	// N is how many results results.gob holds.
	N int
	// Latency is the latency of result i.
	Latency func(i int) time.Duration
	// Code is the status code of result i.
	Code func(i int) uint16
	// SendRate spaces the results' timestamps, so it is (nearly) the rate
	// vegeta computes: n/(n−1) of it.
	SendRate float64
	CPU      time.Duration // CPU.Window
	PeakRSS  int64
	Spans    results.Spans
	OnEnd    results.Histogram
	// Export is the target's histogram of ExportSpans durations; OnEndMax
	// its longest OnEnd.
	Export   results.Histogram
	OnEndMax time.Duration
	// Alloc is the heap allocation of the measured attack; nil for none.
	Alloc *results.Alloc
	// Other is the CPU time other work used on the 2-CPU machine during
	// the attack; 0 means a twentieth of the attack.
	Other time.Duration
	// Wire is the bytes on the wire per span received at the sink; 0
	// records none.
	Wire int64
	// Timeline is the cell's timeline as the runner records it; nil for
	// none. Its request buckets are not read back by the summary, which
	// bins results.gob itself; its Start and Arrivals are.
	Timeline *results.Timeline
	Status   results.Status
	Err      string
	// Unfinished leaves the cell planned but without cell.json, as an
	// interrupted run does.
	Unfinished bool
	// NoGob writes no results.gob; Garbage writes one that is not gob.
	NoGob, Garbage bool
}

// Dir is the cell's directory name, as the runner names it.
func (c *Cell) Dir() string {
	return results.CellDirName(c.Index, c.Variant.Name, c.Rate, c.Rep)
}

// Start is when the cell's measured attack began.
func (c *Cell) Start() time.Time { return T0.Add(time.Duration(c.Index) * 10 * time.Second) }

// Fixture is a synthetic run before it is written.
type Fixture struct {
	Profile *profile.Profile
	Status  results.Status
	Cells   []*Cell
	// NoPlan leaves the planned cells out of run.json, so that Open finds
	// the cells by listing their directories.
	NoPlan bool
	// Ready holds the ready line each variant's target reported, by
	// variant name (run.json's "effective"); none when empty.
	Ready map[string]string
	// Modules holds the module versions each variant's target was built
	// with, by variant name (run.json's "modules"); none when empty.
	Modules map[string]map[string]string
}

// New parses yaml (DefaultProfile when empty) and plans its cells,
// repetitions outermost as the runner does (without its rotation of the
// variant order), each with the default measurements.
func New(t testing.TB, yaml string) *Fixture {
	t.Helper()
	if yaml == "" {
		yaml = DefaultProfile
	}
	p, err := profile.Parse("fixture.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("parsing the fixture profile: %v", err)
	}
	f := &Fixture{Profile: p, Status: results.StatusComplete}
	for rep := 1; rep <= p.Repetitions; rep++ {
		for ri, rate := range p.Rates {
			for _, v := range p.Variants {
				f.Cells = append(f.Cells, defaultCell(p, len(f.Cells), v, rate, ri, rep))
			}
		}
	}
	return f
}

// defaultCell is a cell that measured as planned: every request succeeded
// at the requested rate and, for instrumented variants, every span arrived.
func defaultCell(p *profile.Profile, index int, v profile.Variant, rate, ri, rep int) *Cell {
	shift := Shift[v.Name][min(ri, 1)]
	cpu, ok := CPUPerRequest[v.Name]
	if !ok {
		cpu = CPUPerRequest["none"]
	}
	c := &Cell{
		Index:    index,
		Variant:  v,
		Rate:     rate,
		Rep:      rep,
		N:        N,
		Latency:  func(i int) time.Duration { return BaseLatency(rep, i) + shift },
		Code:     func(int) uint16 { return http.StatusOK },
		SendRate: float64(rate),
		CPU:      cpu * N,
		PeakRSS:  (20 + int64(index%5)) << 20,
		Status:   results.StatusOK,
	}
	served := int64(N + Warmup)
	per := int64(v.SpansPerRequest(p.Workload))
	c.Spans = results.Spans{PerRequest: int(per), TargetRequests: served}
	switch v.Kind {
	case profile.KindSync:
		c.Spans.DropSource, c.Spans.ShutdownClean = string(results.DropNone), true
	case profile.KindBatch, profile.KindSampled:
		c.Spans.DropSource, c.Spans.ShutdownClean = string(results.DropCleanShutdown), true
	}
	switch v.Kind {
	case profile.KindSync, profile.KindBatch:
		c.Spans.Ended = per * served
		c.Spans.ExportedOK = per * served
		c.Spans.Received = per * served
		c.Spans.ServerSpans = served
		c.Spans.SinkRequests = 10
		c.Spans.Matched = true
		c.Spans.TracedRequests = served
	case profile.KindSampled:
		kept := served / 10
		if r := v.SampleRatio; r != nil {
			kept = int64(float64(served) * *r)
		}
		c.Spans.Ended = per * kept
		c.Spans.ExportedOK = per * kept
		c.Spans.Received = per * kept
		c.Spans.ServerSpans = kept
		c.Spans.SinkRequests = 2
	}
	if v.Kind.Exports() {
		// Every request spent between 1µs and 2µs in OnEnd.
		c.OnEnd = results.Histogram{
			Bounds: []float64{1e-6, 2e-6, 4e-6, 8e-6},
			Counts: []uint64{0, uint64(served), uint64(served), uint64(served)},
			Count:  uint64(served),
			Sum:    1.5e-6 * float64(served),
		}
	}
	return c
}

// Cell returns the cell of variant at rate in repetition rep.
func (f *Fixture) Cell(t testing.TB, variant string, rate, rep int) *Cell {
	t.Helper()
	for _, c := range f.Cells {
		if c.Variant.Name == variant && c.Rate == rate && c.Rep == rep {
			return c
		}
	}
	t.Fatalf("the fixture has no cell %s at %d/s in rep %d", variant, rate, rep)
	return nil
}

// Each applies fn to every cell of variant (at every rate when rate is 0).
func (f *Fixture) Each(variant string, rate int, fn func(c *Cell)) {
	for _, c := range f.Cells {
		if c.Variant.Name == variant && (rate == 0 || c.Rate == rate) {
			fn(c)
		}
	}
}

// Write writes the run into a new temporary directory and reads it back.
func (f *Fixture) Write(t testing.TB) *results.Loaded {
	t.Helper()
	dir := filepath.Join(t.TempDir(), T0.Format(results.TimeFormat)+"-"+f.Profile.Name)
	if err := os.MkdirAll(filepath.Join(dir, results.CellsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	run := results.Run{
		Schema:   results.SchemaVersion,
		ID:       filepath.Base(dir),
		Status:   f.Status,
		Started:  T0,
		Finished: T0.Add(time.Hour),
		Profile:  f.Profile,
		Environment: results.Environment{
			GoVersion: "go1.26.0", OS: "linux", Arch: "amd64", CPUModel: "Synthetic CPU",
			NumCPU: 8, GOMAXPROCS: 8, Commit: "0123456789ab", TargetBin: "bin/target", Recorded: T0,
		},
		Sink: results.SinkInfo{Kind: "embedded", Endpoint: "http://127.0.0.1:4317"},
	}
	for _, v := range f.Profile.Variants {
		vs := results.VariantSetup{Name: v.Name, Kind: v.Kind, Env: v.Env()}
		if r, ok := f.Ready[v.Name]; ok {
			vs.Effective = []byte(r)
		}
		vs.Modules = f.Modules[v.Name]
		run.Variants = append(run.Variants, vs)
	}
	for _, c := range f.Cells {
		if !f.NoPlan {
			run.Cells = append(run.Cells, c.Dir())
		}
		if err := writeCell(filepath.Join(dir, results.CellsDir, c.Dir()), c); err != nil {
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

// writeCell writes a cell's results.gob and cell.json into dir, with the
// load figures computed by vegeta from the results, as the runner does.
func writeCell(dir string, c *Cell) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m, successes, err := writeResults(dir, c)
	if err != nil || c.Unfinished {
		return err
	}
	return results.WriteJSON(filepath.Join(dir, results.CellFile), cellOf(c, m, successes))
}

// writeResults writes the cell's results.gob (or none, or garbage, as the
// cell asks) and returns vegeta's metrics of its results.
func writeResults(dir string, c *Cell) (*vegeta.Metrics, uint64, error) {
	start := c.Start()
	var m vegeta.Metrics
	var successes uint64
	var gob *bufio.Writer
	var enc vegeta.Encoder
	switch {
	case c.Garbage:
		if err := os.WriteFile(filepath.Join(dir, results.ResultsGob), []byte("this is not a gob stream\n"), 0o644); err != nil {
			return nil, 0, err
		}
	case !c.NoGob:
		f, err := os.Create(filepath.Join(dir, results.ResultsGob))
		if err != nil {
			return nil, 0, err
		}
		defer f.Close()
		gob = bufio.NewWriter(f)
		enc = vegeta.NewEncoder(gob)
	}
	for i := range c.N {
		r := vegeta.Result{
			Attack:    "measure",
			Seq:       uint64(i),
			Code:      c.Code(i),
			Timestamp: start.Add(time.Duration(float64(i) * 1e9 / c.SendRate)),
			Latency:   c.Latency(i),
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
				return nil, 0, err
			}
		}
	}
	if gob != nil {
		if err := gob.Flush(); err != nil {
			return nil, 0, err
		}
	}
	m.Close()
	return &m, successes, nil
}

// receiptOf is what the embedded sink saw of c: the bundled Go target's
// gRPC exports, when any span arrived.
func receiptOf(c *Cell) *results.Receipt {
	if c.Spans.Received == 0 {
		return nil
	}
	rc := &results.Receipt{
		Protocols: []string{"grpc"}, Calls: c.Spans.SinkRequests, Conns: map[string]int64{"grpc": 1},
		Resources: []results.Resource{{ServiceName: "otelbench-target", SDKLanguage: "go", SDKName: "opentelemetry", SDKVersion: "1.47.0", Spans: c.Spans.Received}},
	}
	if c.Wire > 0 {
		rc.WireBytes, rc.WireSpans = c.Wire*c.Spans.Received, c.Spans.Received
	}
	return rc
}

// cellOf is the cell.json of c, whose results vegeta measured as m.
func cellOf(c *Cell, m *vegeta.Metrics, successes uint64) results.Cell {
	start := c.Start()
	q := m.Latencies.Quantile
	return results.Cell{
		Schema:   results.SchemaVersion,
		Index:    c.Index,
		Rep:      c.Rep,
		Rate:     c.Rate,
		Variant:  c.Variant.Name,
		Kind:     c.Variant.Kind,
		Dir:      c.Dir(),
		Status:   c.Status,
		Error:    c.Err,
		Started:  start,
		Finished: start.Add(5 * time.Second),
		Target:   results.Target{PID: 1000 + c.Index, ShutdownTime: 20 * time.Millisecond},
		Load: results.Load{
			RequestedRate: float64(c.Rate),
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
			WarmupRequests: Warmup,
			TraceParent:    c.Spans.Matched,
			// otelbench's own cost: a tenth of the attack on one CPU, a
			// warm-up that settled in eight 250 ms windows, and 2 µs of sink
			// CPU per span received; the rest of the machine (2 CPUs) busy
			// for a twentieth of the attack unless c.Other says otherwise.
			OtherCPU: cmp.Or(c.Other, m.Duration/20), OtherCPUKnown: true, MachineCPUs: 2, OtherWindow: m.Duration,
			LoadGenCPU:    m.Duration / 10,
			LoadGenCPUs:   1,
			Warmup:        2 * time.Second,
			WarmupSettled: true,
			WarmupWindows: []time.Duration{9 * time.Millisecond, 8 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
			SinkCPU:       time.Duration(c.Spans.Received) * 2 * time.Microsecond,
			SinkSpans:     c.Spans.Received,
		},
		Receipt:  receiptOf(c),
		CPU:      results.CPU{Window: c.CPU, User: 2 * c.CPU, Sys: c.CPU / 2, PeakRSS: c.PeakRSS},
		Spans:    c.Spans,
		OnEnd:    c.OnEnd,
		Export:   c.Export,
		OnEndMax: c.OnEndMax,
		Alloc:    c.Alloc,
		Timeline: c.Timeline,
	}
}
