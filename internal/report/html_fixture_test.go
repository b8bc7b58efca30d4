package report

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// htmlProfile is the synthetic run of the HTML report's tests: the
// baseline, the synchronous exporter, the batch processor with the SDK's
// defaults and with a small queue, at two rates with two repetitions.
const htmlProfile = `name: htmlfixture
rates: [500, 1000]
duration: 2s
warmup: 0s
repetitions: 2
sink:
  delay: 2ms
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
`

// htmlT0 is when the synthetic run started: fixed, so that the page is.
var htmlT0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// htmlShift is what each variant adds to every request's latency.
var htmlShift = map[string]time.Duration{
	"none": 0, "sync": 900 * time.Microsecond, "batch": 60 * time.Microsecond, "batch-q64": 40 * time.Microsecond,
}

// htmlCell is one synthetic cell; htmlRun fills in what it measured.
type htmlCell struct {
	variant   profile.Variant
	rate, rep int
	// seconds is how long the attack lasted; rate × seconds results.
	seconds float64
	// failed makes the cell a failed one, with no results.
	failed bool
	// errorsFrom..errorsTo (result indexes) answered 500.
	errorsFrom, errorsTo int
	// lossPct of the spans ended never reached the sink.
	lossPct int64
}

// htmlRun writes a synthetic run into a temporary directory and reads it
// back: every cell of htmlProfile (or yaml), with edit applied to each cell
// before it is written.
func htmlRun(t testing.TB, yaml string, edit func(c *htmlCell)) *results.Loaded {
	t.Helper()
	if yaml == "" {
		yaml = htmlProfile
	}
	p, err := profile.Parse("htmlfixture.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("parsing the fixture profile: %v", err)
	}
	dir := filepath.Join(t.TempDir(), htmlT0.Format(results.TimeFormat)+"-"+p.Name)
	run := results.Run{
		Schema: results.SchemaVersion, ID: filepath.Base(dir), Status: results.StatusComplete,
		Started: htmlT0, Finished: htmlT0.Add(time.Hour), Profile: p, Seed: 42,
		Environment: results.Environment{
			GoVersion: "go1.26.0", OS: "linux", Arch: "amd64", CPUModel: "Synthetic CPU @ 3.00GHz",
			NumCPU: 8, GOMAXPROCS: 8, Kernel: "6.1.0", Commit: "0123456789ab", TargetBin: "bin/otelbench-target", Recorded: htmlT0,
		},
		Sink: results.SinkInfo{Kind: "embedded", Endpoint: "http://127.0.0.1:4317", Delay: p.Sink.Delay.D()},
	}
	for _, v := range p.Variants {
		run.Variants = append(run.Variants, results.VariantSetup{Name: v.Name, Kind: v.Kind, Env: v.Env()})
	}
	index := 0
	for rep := 1; rep <= p.Repetitions; rep++ {
		for _, rate := range p.Rates {
			for _, v := range p.Variants {
				c := &htmlCell{variant: v, rate: rate, rep: rep, seconds: p.Duration.D().Seconds()}
				if edit != nil {
					edit(c)
				}
				name := results.CellDirName(index, v.Name, rate, rep)
				run.Cells = append(run.Cells, name)
				if err := writeHTMLCell(filepath.Join(dir, results.CellsDir, name), index, c, p); err != nil {
					t.Fatal(err)
				}
				index++
			}
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

// htmlLatency is the latency of result i of a cell: a spread body and a
// tail of one slow request in a hundred, growing with the rate.
func htmlLatency(c *htmlCell, i int) time.Duration {
	d := 700*time.Microsecond + time.Duration((i*7919)%1000)*time.Microsecond/2 + htmlShift[c.variant.Name]
	d += time.Duration(c.rep*13) * time.Microsecond
	if i%100 == 37 {
		d += time.Duration(c.rate/100) * time.Duration(1+i%7) * time.Millisecond / 4
	}
	return d
}

// writeHTMLCell writes a cell's results.gob and its cell.json, with the
// load figures vegeta computes from the results, as the runner does.
func writeHTMLCell(dir string, index int, c *htmlCell, p *profile.Profile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cell := results.Cell{
		Schema: results.SchemaVersion, Index: index, Rep: c.rep, Rate: c.rate, Variant: c.variant.Name, Kind: c.variant.Kind,
		Dir: filepath.Base(dir), Status: results.StatusOK, Started: htmlT0, Finished: htmlT0.Add(5 * time.Second),
	}
	if c.failed {
		cell.Status, cell.Error = results.StatusFailed, "starting target: exit status 1"
		return results.WriteJSON(filepath.Join(dir, results.CellFile), cell)
	}
	f, err := os.Create(filepath.Join(dir, results.ResultsGob))
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := vegeta.NewEncoder(w)
	start := htmlT0.Add(time.Duration(index) * 10 * time.Second)
	n := int(float64(c.rate) * c.seconds)
	var m vegeta.Metrics
	for i := range n {
		r := vegeta.Result{Attack: "measure", Seq: uint64(i), Code: http.StatusOK,
			Timestamp: start.Add(time.Duration(float64(i) * 1e9 / float64(c.rate))), Latency: htmlLatency(c, i), BytesIn: 2}
		if i >= c.errorsFrom && i < c.errorsTo {
			r.Code, r.Error = http.StatusInternalServerError, "500 Internal Server Error"
		}
		m.Add(&r)
		if err := enc.Encode(&r); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	m.Close()
	q := m.Latencies.Quantile
	cpuPerReq := map[string]time.Duration{"none": 20 * time.Microsecond, "sync": 45 * time.Microsecond,
		"batch": 26 * time.Microsecond, "batch-q64": 25 * time.Microsecond}[c.variant.Name]
	cell.Load = results.Load{
		RequestedRate: float64(c.rate), AchievedRate: m.Rate, Throughput: m.Throughput, Requests: m.Requests,
		Successes: uint64(float64(m.Requests) * m.Success), StatusCodes: m.StatusCodes, Errors: m.Errors,
		Duration: m.Duration, Wait: m.Wait,
		Latency: results.Latency{Mean: m.Latencies.Mean, Min: m.Latencies.Min, P50: q(0.5), P90: q(0.9), P99: q(0.99),
			P999: q(0.999), Max: m.Latencies.Max},
		TraceParent: c.variant.Kind != profile.KindNone,
	}
	cell.CPU = results.CPU{Window: cpuPerReq * time.Duration(n), PeakRSS: int64(20+3*len(c.variant.Name)+c.rep) << 20}
	if per := int64(c.variant.SpansPerRequest(p.Workload)); per > 0 {
		ended := per * int64(n)
		lost := ended * c.lossPct / 100
		cell.Spans = results.Spans{PerRequest: int(per), TargetRequests: int64(n), Ended: ended, ExportedOK: ended - lost, Dropped: lost, DropSource: "clean-shutdown", ShutdownClean: true,
			Received: ended - lost, Lost: lost, ServerSpans: int64(n) - lost/per, Matched: true, TracedRequests: int64(n),
			MissingTraces: lost / per, MissingSpans: lost}
		cell.OnEnd = results.Histogram{Bounds: []float64{1e-6, 2e-6, 4e-6, 8e-6}, Counts: []uint64{0, uint64(n), uint64(n), uint64(n)},
			Count: uint64(n), Sum: 1.5e-6 * float64(n)}
	}
	return results.WriteJSON(filepath.Join(dir, results.CellFile), cell)
}

// htmlDefaultEdit gives the default fixture a bit of everything the page
// shows: a failed cell, a burst of failed requests, lost spans.
func htmlDefaultEdit(c *htmlCell) {
	switch {
	case c.variant.Name == "sync" && c.rate == 1000 && c.rep == 2:
		c.failed = true
	case c.variant.Name == "batch-q64" && c.rate == 1000:
		c.lossPct = 3
		if c.rep == 2 {
			c.errorsFrom, c.errorsTo = 1200, 1260
		}
	}
}

// htmlReport builds the summary of l and renders its page.
func htmlReport(t testing.TB, l *results.Loaded) (*summary.Summary, []byte) {
	t.Helper()
	s, err := summary.Build(l)
	if err != nil {
		t.Fatalf("summary.Build: %v", err)
	}
	var b bytes.Buffer
	if err := HTML(&b, s, l); err != nil {
		t.Fatalf("HTML: %v", err)
	}
	return s, b.Bytes()
}
