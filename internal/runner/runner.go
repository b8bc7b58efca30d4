package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/otelbench/otelbench/internal/collector"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// ErrInterrupted is returned (wrapped) when the context ended the run early.
// The cells measured until then are on disk.
var ErrInterrupted = errors.New("run interrupted")

// ErrCellsFailed is returned (wrapped) when the run completed but some cells
// failed (their target did not start or crashed); the others were measured.
var ErrCellsFailed = errors.New("cells failed")

// Options configures a run.
type Options struct {
	// Profile is what to measure.
	Profile *profile.Profile
	// TargetBin is the path of the otelbench-target binary.
	TargetBin string
	// ResultsRoot is the directory that receives the run directory ("results").
	ResultsRoot string
	// Progress, if set, receives one line per cell as the run goes.
	Progress io.Writer
	// Pin, if set, places each target on Pin.Target and records the
	// pinning; the caller pins its own process with PinSelf first.
	Pin *Pinning
	// Live, with Progress set to a terminal, also redraws a status line
	// during each cell (cell n of m, elapsed, remaining, live rate).
	Live bool
	// StartTimeout bounds a target's start until its ready line and /healthz
	// (default 15s).
	StartTimeout time.Duration
	// Service, when set, is the user's own service, measured instead of
	// the bundled target (TargetBin is then unused).
	Service *Service
	// Otelcol is the collector binary for profiles that say
	// `collector: otelcol` (see collector.DefaultBinary).
	Otelcol string
	// TargetCache keeps the targets built against a variant's sdk_version
	// (DefaultTargetCache when empty; see package targetbuild).
	TargetCache string
	// Shards, when above 0, sends each cell's measured attack from that
	// many `Self attack` processes instead of the in-process attacker, and
	// merges their results (shards.go); at most MaxShards.
	Shards int
	// Self is the otelbench executable the shards run.
	Self string
	// Pprof says how cells are profiled (pprof.go): "" profiles the
	// bundled target at its own route and a user's service not at all,
	// PprofOff profiles nothing, and a URL (with {port} for the
	// service's port) is a user's service's net/http/pprof CPU profile.
	Pprof string
}

// Runner measures one profile.
type Runner struct {
	opts  Options
	recv  receiver
	dir   string
	run   results.Run
	setup map[string]results.VariantSetup
	live  *liveStatus // nil unless redrawing a terminal status line
	// targets are each variant's target binary (build.go).
	targets map[string]builtTarget
}

// Run measures opts.Profile and returns the run directory. The directory is
// returned whenever it was created, also with an error. When ctx ends early
// the error wraps ErrInterrupted and the measured cells are kept.
func Run(ctx context.Context, opts Options) (string, error) {
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 15 * time.Second
	}
	p := opts.Profile
	if err := opts.checkShards(); err != nil {
		return "", err
	}
	if err := opts.CheckPprof(); err != nil {
		return "", err
	}
	if opts.Service != nil {
		if err := opts.Service.Validate(); err != nil {
			return "", err
		}
	} else if _, err := os.Stat(opts.TargetBin); err != nil {
		return "", fmt.Errorf("target binary: %w", err)
	}
	// The sink checks its faults when it starts, but the run directory
	// exists by then: a run that cannot start must leave none behind.
	faults := sinkFaults(p.Sink)
	if err := faults.Validate(); err != nil {
		return "", err
	}
	// Every version set is built before the first cell, and before the
	// run directory exists: a release that cannot be built is bad input.
	targets, err := buildTargets(ctx, opts)
	if err != nil {
		return "", err
	}
	dir, err := results.Create(opts.ResultsRoot, p.Name, time.Now())
	if err != nil {
		return "", err
	}
	// Held until Run returns, or the process dies: then results.Open
	// tells the run, whose run.json still says running, as dead.
	lock, err := results.LockRun(dir)
	if err != nil {
		return dir, err
	}
	defer lock.Release()
	recv, info, err := startReceiver(ctx, p, faults, opts.Otelcol, dir)
	if err != nil {
		return dir, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		_ = recv.close(cctx)
	}()
	r := &Runner{opts: opts, recv: recv, dir: dir, setup: map[string]results.VariantSetup{}, targets: targets}
	seed := uint64(p.Seed)
	if seed == 0 {
		seed = rand.Uint64()>>1 | 1 // positive, so a profile can repeat it
	}
	cells := plan(p, seed)
	if err := r.recordStart(ctx, cells, seed, info); err != nil {
		return dir, err
	}
	failed, err := r.measureAll(ctx, cells)
	if err != nil {
		return dir, err
	}
	r.run.Finished = time.Now().UTC()
	r.run.Status = results.StatusComplete
	if ctx.Err() != nil {
		r.run.Status = results.StatusInterrupted
	}
	if err := r.writeRun(); err != nil {
		return dir, err
	}
	if ctx.Err() != nil {
		return dir, fmt.Errorf("%w: %v", ErrInterrupted, context.Cause(ctx))
	}
	if failed > 0 {
		return dir, fmt.Errorf("%w: %d of %d cells; the report says why", ErrCellsFailed, failed, len(cells))
	}
	return dir, nil
}

// recordStart writes run.json before the first cell: the profile and the
// seed, the environment, the receiver, each variant's setup and the cells
// planned.
func (r *Runner) recordStart(ctx context.Context, cells []cellPlan, seed uint64, info results.SinkInfo) error {
	opts, p := r.opts, r.opts.Profile
	r.run = results.Run{
		Schema:      results.SchemaVersion,
		ID:          filepath.Base(r.dir),
		Status:      results.StatusRunning,
		Seed:        seed,
		Pinning:     opts.Pin,
		Started:     time.Now().UTC(),
		Profile:     p,
		Environment: fingerprint(ctx, opts.TargetBin),
		Sink:        info,
	}
	if svc := opts.Service; svc != nil {
		r.run.Service = &results.ServiceInfo{Command: svc.Command, URL: svc.URL, SpansGiven: svc.SpansPerRequest, Env: svc.Env}
	}
	for _, v := range p.Variants {
		vs := results.VariantSetup{Name: v.Name, Kind: v.Kind, Env: svcenv.Own(r.targetEnv(v)), Args: r.targetArgs(v, "<cell>/"+results.MetricsFile)}
		if svc := opts.Service; svc != nil {
			vs.Env, vs.Args = svcenv.Own(r.serviceEnv(v, 0)), []string{"/bin/sh", "-c", "exec " + svc.Command}
		} else if bt, ok := r.targets[v.Name]; ok {
			vs.Modules = bt.modules
			if bt.bin != opts.TargetBin {
				vs.TargetBin = bt.bin
			}
		}
		r.setup[v.Name] = vs
		r.run.Variants = append(r.run.Variants, vs)
	}
	for _, c := range cells {
		r.run.Cells = append(r.run.Cells, c.dir)
	}
	return r.writeRun()
}

// measureAll measures the cells in order until ctx ends, writing each
// cell.json as soon as the cell is measured, and returns how many failed.
// Its error is one of writing a cell.json.
func (r *Runner) measureAll(ctx context.Context, cells []cellPlan) (failed int, err error) {
	opts := r.opts
	start := time.Now()
	if opts.Live && opts.Progress != nil {
		r.live = newLiveStatus(opts.Progress, len(cells), start)
	}
	for i, c := range cells {
		if ctx.Err() != nil {
			break
		}
		if r.live != nil {
			r.live.begin(i, fmt.Sprintf("rate=%d variant=%s rep=%d", c.rate, c.variant.Name, c.rep))
		}
		cell := r.measure(ctx, c)
		if r.live != nil {
			r.live.end()
		}
		if err := results.WriteJSON(filepath.Join(r.dir, results.CellsDir, c.dir, results.CellFile), cell); err != nil {
			return failed, err
		}
		r.recordEffective(cell)
		if cell.Status == results.StatusFailed {
			failed++
		}
		if opts.Progress != nil {
			progressLine(opts.Progress, i+1, len(cells), time.Since(start), cell)
		}
	}
	return failed, nil
}

func (r *Runner) writeRun() error {
	return results.WriteJSON(filepath.Join(r.dir, results.RunFile), r.run)
}

// recordEffective keeps the first ready line of each variant in run.json: the
// settings the SDK actually used.
func (r *Runner) recordEffective(c results.Cell) {
	if len(c.Target.Ready) == 0 {
		return
	}
	for i := range r.run.Variants {
		if r.run.Variants[i].Name == c.Variant && r.run.Variants[i].Effective == nil {
			r.run.Variants[i].Effective = c.Target.Ready
			_ = r.writeRun()
		}
	}
}

// startReceiver starts what the profile's targets export to and describes
// it for run.json.
func startReceiver(ctx context.Context, p *profile.Profile, faults sink.Faults, otelcolBin, dir string) (receiver, results.SinkInfo, error) {
	if p.Collector == profile.CollectorOtelcol {
		if otelcolBin == "" {
			return nil, results.SinkInfo{}, errors.New("the profile says collector: otelcol but no collector binary was given; run `make collector`")
		}
		if _, err := os.Stat(otelcolBin); err != nil {
			return nil, results.SinkInfo{}, fmt.Errorf("the profile says collector: otelcol, but %w; run `make collector` (or set %s)", err, collector.EnvBinary)
		}
		c, err := collector.Start(ctx, collector.Options{Binary: otelcolBin, Dir: filepath.Join(dir, "otelcol")})
		if err != nil {
			return nil, results.SinkInfo{}, fmt.Errorf("starting the collector: %w", err)
		}
		f, err := startFront(c.OTLPAddr(), c.HTTPAddr())
		if err != nil {
			_ = c.Stop(ctx)
			return nil, results.SinkInfo{}, fmt.Errorf("starting the collector's front port: %w", err)
		}
		return &otelcol{c: c, front: f}, results.SinkInfo{Kind: "otelcol", Endpoint: c.Endpoint()}, nil
	}
	s, err := sink.Start(ctx, sink.Options{Faults: faults})
	if err != nil {
		return nil, results.SinkInfo{}, fmt.Errorf("starting the embedded sink: %w", err)
	}
	return embedded{s}, results.SinkInfo{Kind: "embedded", Endpoint: s.Endpoint(), Delay: p.Sink.Delay.D(), Faults: faults.Active()}, nil
}
