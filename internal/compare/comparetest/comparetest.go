// Package comparetest writes synthetic run directories (run.json, and for
// every cell results.gob and cell.json) for the tests of otelbench compare
// and of the renderers of a comparison. Every figure is derived from a seed,
// so a run is the same on every machine.
package comparetest

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// DefaultProfile is the profile of a Run that names none: the baseline, the
// batch processor and the synchronous exporter at two rates, with five
// repetitions, the fewest that can make a difference significant at 0.05.
const DefaultProfile = `name: cmp
rates: [1000, 3000]
duration: 1s
warmup: 0s
repetitions: 5
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
  - name: sync
    kind: sync
`

// Requests is how many results each cell's results.gob holds.
const Requests = 200

// T0 is when every synthetic run started.
var T0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// DefaultEnvironment is the machine of a Run that names none.
func DefaultEnvironment() results.Environment {
	return results.Environment{
		GoVersion: "go1.26.0", OS: "linux", Arch: "amd64", CPUModel: "Synthetic CPU",
		NumCPU: 8, GOMAXPROCS: 8, Commit: "0123456789ab", TargetBin: "bin/otelbench-target", Recorded: T0,
	}
}

// Run is a synthetic run before it is written.
type Run struct {
	// ID names the run and its directory.
	ID string
	// Profile is the profile's YAML; DefaultProfile when empty.
	Profile string
	// Environment is the machine; DefaultEnvironment when its CPU model is empty.
	Environment results.Environment
	// Seed draws the noise between repetitions: runs with different seeds
	// differ by a fraction of a percent, as two measurements of one thing do.
	Seed uint64
	// Tweak, when set, changes each cell after its defaults are filled in.
	Tweak func(c *Cell)
}

// Cell is what one synthetic cell measured.
type Cell struct {
	Variant profile.Variant
	Rate    int
	Rep     int
	// Scale multiplies the latency of every request; Tail multiplies, on
	// top, that of the slowest 5%, which moves the p99 and not the p50.
	Scale, Tail float64
	// CPUPerRequest is the target's CPU time per request.
	CPUPerRequest time.Duration
	PeakRSS       int64
	// Lost is how many of the cell's spans never reached the sink.
	Lost int64
	// Status is the cell's outcome; Unfinished leaves it without cell.json.
	Status     results.Status
	Unfinished bool
}

// overhead is what each variant of DefaultProfile adds to every latency and
// to the CPU per request; other variants add nothing.
var overhead = map[string]struct{ latency, cpu time.Duration }{
	"batch": {100 * time.Microsecond, 4 * time.Microsecond},
	"sync":  {500 * time.Microsecond, 20 * time.Microsecond},
}

// latency is request i's latency in a cell whose noise factor is noise:
// uniform over [1ms, 2ms), plus the variant's overhead, scaled.
func (c *Cell) latency(i int, noise float64) time.Duration {
	d := time.Millisecond + time.Duration(i)*time.Millisecond/Requests + overhead[c.Variant.Name].latency
	f := c.Scale * noise
	if i >= Requests*95/100 {
		f *= c.Tail
	}
	return time.Duration(float64(d) * f)
}

// Write writes the run into parent/<ID> and reads it back.
func Write(t testing.TB, parent string, r Run) *results.Loaded {
	t.Helper()
	yaml := r.Profile
	if yaml == "" {
		yaml = DefaultProfile
	}
	p, err := profile.Parse(r.ID+".yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("parsing the profile of %s: %v", r.ID, err)
	}
	env := r.Environment
	if env.CPUModel == "" {
		env = DefaultEnvironment()
	}
	dir := filepath.Join(parent, r.ID)
	if err := os.MkdirAll(filepath.Join(dir, results.CellsDir), 0o755); err != nil {
		t.Fatal(err)
	}
	run := results.Run{
		Schema: results.SchemaVersion, ID: r.ID, Status: results.StatusComplete,
		Started: T0, Finished: T0.Add(time.Hour), Profile: p, Seed: r.Seed,
		Environment: env,
		Sink:        results.SinkInfo{Kind: "embedded", Endpoint: "127.0.0.1:4317"},
	}
	for _, v := range p.Variants {
		run.Variants = append(run.Variants, results.VariantSetup{Name: v.Name, Kind: v.Kind, Env: v.Env()})
	}
	rng := rand.New(rand.NewPCG(r.Seed, 0x5eed))
	for rep := 1; rep <= p.Repetitions; rep++ {
		for _, rate := range p.Rates {
			for _, v := range p.Variants {
				c := &Cell{
					Variant: v, Rate: rate, Rep: rep, Scale: 1, Tail: 1,
					CPUPerRequest: 10*time.Microsecond + overhead[v.Name].cpu,
					PeakRSS:       int64(20+rep) << 20,
					Status:        results.StatusOK,
				}
				if r.Tweak != nil {
					r.Tweak(c)
				}
				// ±0.5% of noise on latency, and apart on CPU, for every cell.
				noise := [2]float64{1 + (rng.Float64()-0.5)/100, 1 + (rng.Float64()-0.5)/100}
				index := len(run.Cells)
				name := results.CellDirName(index, v.Name, rate, rep)
				run.Cells = append(run.Cells, name)
				if err := writeCell(filepath.Join(dir, results.CellsDir, name), index, p, c, noise); err != nil {
					t.Fatalf("writing cell %s of %s: %v", name, r.ID, err)
				}
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

// writeCell writes a cell's results.gob and cell.json, its load figures
// computed by vegeta from the results as the runner does.
func writeCell(dir string, index int, p *profile.Profile, c *Cell, noise [2]float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, results.ResultsGob))
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	enc := vegeta.NewEncoder(bw)
	start := T0.Add(time.Duration(index) * 10 * time.Second)
	var m vegeta.Metrics
	for i := range Requests {
		res := vegeta.Result{
			Attack: "measure", Seq: uint64(i), Code: 200, BytesIn: 2,
			Timestamp: start.Add(time.Duration(float64(i) * 1e9 / float64(c.Rate))),
			Latency:   c.latency(i, noise[0]),
		}
		m.Add(&res)
		if err := enc.Encode(&res); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	m.Close()
	if c.Unfinished {
		return nil
	}
	per := int64(c.Variant.SpansPerRequest(p.Workload))
	ended, served := per*Requests, int64(0)
	if per > 0 {
		served = Requests
	}
	q := m.Latencies.Quantile
	cpu := time.Duration(float64(c.CPUPerRequest*Requests) * noise[1])
	cell := results.Cell{
		Schema: results.SchemaVersion, Index: index, Rep: c.Rep, Rate: c.Rate,
		Variant: c.Variant.Name, Kind: c.Variant.Kind, Dir: filepath.Base(dir), Status: c.Status,
		Started: start, Finished: start.Add(5 * time.Second),
		Load: results.Load{
			RequestedRate: float64(c.Rate), AchievedRate: m.Rate, Throughput: m.Throughput,
			Requests: m.Requests, Successes: m.Requests, StatusCodes: m.StatusCodes,
			Duration: m.Duration, Wait: m.Wait,
			Latency: results.Latency{
				Mean: m.Latencies.Mean, Min: m.Latencies.Min, P50: q(0.5), P90: q(0.9),
				P99: q(0.99), P999: q(0.999), Max: m.Latencies.Max,
			},
		},
		CPU: results.CPU{Window: cpu, User: cpu, PeakRSS: c.PeakRSS},
		Spans: results.Spans{
			PerRequest: int(per), TargetRequests: Requests, Ended: ended, ExportedOK: ended - c.Lost, Dropped: c.Lost, DropSource: "clean-shutdown", ShutdownClean: true,
			Received: ended - c.Lost, Lost: c.Lost, ServerSpans: served,
		},
	}
	if c.Status == results.StatusFailed {
		cell.Error = "target crashed"
	}
	return results.WriteJSON(filepath.Join(dir, results.CellFile), cell)
}
