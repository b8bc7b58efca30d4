package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
	"github.com/otelbench/otelbench/targets"
)

// shutdownTimeout is how long a target may take to drain, flush and shut down.
func (r *Runner) shutdownTimeout() time.Duration {
	return max(15*time.Second, r.opts.Profile.Timeout.D()+5*time.Second)
}

// errInterrupted is a cell's error when the run's context ended during it.
var errInterrupted = errors.New("interrupted during the cell; its numbers are partial")

// cellRun is one cell's state, carried from step to step of measure.
type cellRun struct {
	plan        cellPlan
	cell        results.Cell
	dir         string // the cell's directory
	metricsPath string // where the target writes its final metrics

	t      *targetProc
	svcURL string // the user's service's URL template; "" for the target

	ld      load
	ids     *traceIDs // nil when requests carry no traceparent
	okItems []uint64  // items of the successful requests, warm-up included
	served  int64     // successful requests, warm-up included, traced or not
	tl      *timeline

	// What went wrong in a step that still let the next ones run.
	encErr, stopErr error
}

// measure runs one cell in four steps: start the target, attack it, stop
// it, account for its spans. It never returns an error: whatever went
// wrong is recorded in the cell (status failed or interrupted) and the
// run goes on.
func (r *Runner) measure(ctx context.Context, c cellPlan) results.Cell {
	cr := &cellRun{
		plan: c,
		cell: results.Cell{
			Schema:  results.SchemaVersion,
			Index:   c.index,
			Rep:     c.rep,
			Rate:    c.rate,
			Variant: c.variant.Name,
			Kind:    c.variant.Kind,
			Dir:     c.dir,
			Status:  results.StatusOK,
			Started: time.Now().UTC(),
		},
		dir: filepath.Join(r.dir, results.CellsDir, c.dir),
	}
	cr.metricsPath = filepath.Join(cr.dir, results.MetricsFile)
	if err := r.runCell(ctx, cr); err != nil {
		cr.cell.Status = results.StatusFailed
		if ctx.Err() != nil {
			cr.cell.Status = results.StatusInterrupted
		}
		cr.cell.Error = err.Error()
	}
	cr.cell.Finished = time.Now().UTC()
	return cr.cell
}

// runCell runs the steps of a cell, stopping at the first that fails.
func (r *Runner) runCell(ctx context.Context, cr *cellRun) error {
	err := r.startCell(ctx, cr)
	if cr.t != nil {
		defer cr.t.Kill() // nothing to do once stopped
	}
	if err != nil {
		return err
	}
	if err := r.attack(ctx, cr); err != nil {
		return err
	}
	r.stopCell(cr)
	return r.account(ctx, cr)
}

// startCell prepares the cell's directory and the receiver, starts the
// target (or the user's service) and waits until it serves.
func (r *Runner) startCell(ctx context.Context, cr *cellRun) error {
	if err := os.MkdirAll(cr.dir, 0o755); err != nil {
		return err
	}
	// Nothing of an earlier cell may count here.
	if err := r.recv.begin(ctx); err != nil {
		return err
	}
	v, logPath := cr.plan.variant, filepath.Join(cr.dir, results.TargetLog)
	var t *targetProc
	var err error
	// The target starts on its CPUs, so that its runtime sizes itself
	// (GOMAXPROCS) to them.
	var cpus []int
	if pin := r.opts.Pin; pin != nil {
		cpus = pin.Target
	}
	if svc := r.opts.Service; svc != nil {
		t, cr.svcURL, err = startService(ctx, *svc, func(port int) map[string]string { return r.serviceEnv(v, port) }, logPath, r.opts.StartTimeout, cpus)
	} else {
		t, err = startTarget(ctx, r.targetBin(v), r.targetArgs(v, cr.metricsPath), envList(r.targetEnv(v)),
			logPath, r.opts.StartTimeout, cpus)
	}
	if err != nil {
		return fmt.Errorf("starting target: %w", err)
	}
	cr.t = t
	cr.cell.Target.PID = t.Pid()
	cr.cell.Target.Ready = t.ready
	if r.opts.Service == nil {
		return t.waitHealthy(ctx, r.opts.StartTimeout)
	}
	return nil
}

// prepareLoad sets up the cell's attacks. Every request of the cell,
// warm-up included, carries its own trace id, except for sampled variants:
// a sampled parent would override the ratio sampler (ParentBased), so those
// requests start root traces. Noop's requests carry one too, so that its
// otelhttp extracts what the traced variants' does, but nothing arrives to
// index.
func (r *Runner) prepareLoad(cr *cellRun) {
	p := r.opts.Profile
	var ix sink.TraceIndex
	if k := cr.plan.variant.Kind; k != profile.KindSampled && k != profile.KindNone {
		ids := newTraceIDs()
		cr.ids = &ids
		per := cr.plan.variant.SpansPerRequest(p.Workload)
		if svc := r.opts.Service; svc != nil {
			per = svc.SpansPerRequest
		}
		if k.Exports() {
			ix = ids.index(per)
		}
	}
	r.recv.expect(ix)
	cr.ld = load{
		addr:       cr.t.addr,
		rate:       cr.plan.rate,
		timeout:    p.Timeout.D(),
		maxWorkers: p.MaxWorkers,
		ids:        cr.ids,
		next:       new(atomic.Uint64),
		url:        cr.svcURL,
	}
}

// keep counts a successful request and remembers its item when it was
// traced, for matching.
func (cr *cellRun) keep(res *vegeta.Result) {
	if res.Code >= 200 && res.Code < 300 {
		cr.served++
	}
	if cr.ids != nil && res.Code >= 200 && res.Code < 300 {
		if n, err := cr.ld.item(res.URL); err == nil {
			cr.okItems = append(cr.okItems, n)
		}
	}
}

// attack runs the warm-up and the measured attack, writing every result of
// the latter to the cell's results file and timeline.
func (r *Runner) attack(ctx context.Context, cr *cellRun) error {
	p := r.opts.Profile
	r.prepareLoad(cr)
	var shards *shardSet // started before the warm-up (shards.go)
	if r.opts.Shards > 0 {
		var err error
		if shards, err = r.startShards(ctx, cr); err != nil {
			return err
		}
		defer shards.kill()
	}
	if w := p.Warmup.D(); w > 0 {
		wmax := p.WarmupMax.D()
		if wmax == 0 {
			wmax = max(DefaultWarmupMax, w)
		}
		wr := warmup(ctx, cr.ld, cr.t.Pid(), w, wmax, func(res *vegeta.Result) {
			cr.cell.Load.WarmupRequests++
			cr.keep(res)
		})
		l := &cr.cell.Load
		l.Warmup, l.WarmupSettled, l.WarmupWindows = wr.Duration, wr.Settled, wr.Windows
	}
	if shards != nil {
		return r.attackShards(ctx, cr, shards)
	}
	out, err := createResults(filepath.Join(cr.dir, results.ResultsGob))
	if err != nil {
		return err
	}
	var m vegeta.Metrics
	var successes uint64
	pid := cr.t.Pid()
	alloc0, alloc0OK := r.allocsAt(ctx, cr)
	cpu0, cpuErr := groupCPU(pid)
	self0 := selfCPU()
	busy0, _, busyErr := machineBusy()
	wall0 := time.Now()
	cr.ld.duration, cr.ld.burst = p.Duration.D(), p.Burst
	// The sink's fault windows and arrivals are relative to the start of the
	// measured attack; the timeline buckets the results from the same instant.
	attackStart := time.Now()
	r.recv.startTimeline(attackStart)
	cr.tl = newTimeline(attackStart)
	prof := r.startProfile(ctx, cr)
	cr.ld.run(ctx, "measure", func(res *vegeta.Result) {
		cr.tl.add(res)
		prof.observe(res)
		if r.live != nil {
			r.live.results.Add(1)
		}
		m.Add(res)
		if res.Code >= 200 && res.Code < 400 { // vegeta's own definition of success
			successes++
		}
		cr.keep(res)
		out.add(res)
	})
	r.recv.stopTimeline()
	cpu1, cpuErr1 := groupCPU(pid)
	busy1, ncpu, busyErr1 := machineBusy()
	wall := time.Since(wall0)
	alloc1, alloc1OK := r.allocsAt(ctx, cr)
	cr.cell.Alloc = allocDuring(alloc0, alloc1, alloc0OK && alloc1OK)
	cr.cell.Profile = prof.result()
	cr.cell.Load.LoadGenCPU = selfCPU() - self0
	cr.cell.Load.LoadGenCPUs = selfCPUs()
	m.Close()
	cr.encErr = out.close()
	fillLoad(&cr.cell.Load, &m, successes, cr.plan.rate, cr.ids != nil)
	if cpuErr == nil && cpuErr1 == nil {
		cr.cell.CPU.Window = cpu1 - cpu0
		if busyErr == nil && busyErr1 == nil {
			// What the machine did beside the target and otelbench, at
			// /proc/stat's 10 ms resolution per CPU: never below zero.
			other := max(busy1-busy0-cr.cell.CPU.Window-cr.cell.Load.LoadGenCPU, 0)
			cr.cell.Load.OtherCPU, cr.cell.Load.OtherCPUKnown = other, true
			cr.cell.Load.MachineCPUs, cr.cell.Load.OtherWindow = ncpu, wall
		}
	}
	return nil
}

// stopCell stops the target with SIGTERM (it drains, flushes and writes its
// final metrics) and records how it ended.
func (r *Runner) stopCell(cr *cellRun) {
	t, tc := cr.t, &cr.cell.Target
	peak, procs, rssErr := groupPeakRSS(t.Pid())
	tc.ShutdownTime, cr.stopErr = t.stop(r.shutdownTimeout() + 5*time.Second)
	tc.ExitCode = t.State().ExitCode()
	if err := t.Err(); err != nil {
		tc.ExitErr = err.Error()
	}
	// Many runtimes end by the signal itself (Node.js without a handler,
	// uvicorn after its graceful shutdown): for a user's service, dying
	// by the SIGTERM otelbench sent is how it exits, and the accounting
	// shows what it flushed before.
	if ws, ok := t.State().Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM &&
		r.opts.Service != nil && cr.stopErr == nil {
		tc.TerminatedBySIGTERM = true
		tc.ExitCode = 0
	}
	cr.cell.CPU.User, cr.cell.CPU.Sys = t.rusage()
	if rssErr == nil {
		cr.cell.CPU.PeakRSS, cr.cell.CPU.Processes = peak, procs
	}
}

// account reads what the target and the receiver counted, puts the cell's
// spans and timeline together and says whether the cell stands.
func (r *Runner) account(ctx context.Context, cr *cellRun) error {
	p, v := r.opts.Profile, cr.plan.variant
	snap, recvErr := r.recv.end(ctx)
	var tm targetMetrics
	var metricsErr error
	if r.opts.Service == nil {
		tm, metricsErr = readTargetMetrics(cr.metricsPath)
	}
	ids := cr.ids
	if snap.Traces == nil || !v.Kind.Exports() {
		// The receiver cannot tell traces apart, or the variant sends
		// nothing (noop carries traceparents only to extract them as
		// the traced variants do): no matching.
		ids = nil
	}
	c := &cr.cell
	if svc := r.opts.Service; svc != nil {
		c.Spans = accountExternal(v, svc.SpansPerRequest, snap, ids, cr.okItems, cr.served)
	} else {
		c.Spans = accountSpans(v, v.SpansPerRequest(p.Workload), tm, snap, ids, cr.okItems)
	}
	c.OnEnd, c.Export = tm.OnEnd, tm.Export
	c.OnEndMax = time.Duration(tm.OnEndMax * float64(time.Second))
	c.Timeline = cr.tl.result(&snap)
	_, embedded := r.recv.(embedded)
	c.Receipt = receiptOf(snap, embedded)
	c.Load.SinkCPU, c.Load.SinkSpans = snap.Transport.HandlerCPU, snap.Transport.HandlerSpans
	if err := cr.verdict(ctx, metricsErr, recvErr); err != nil {
		return err
	}
	if nd := noDelivery(v, p, cr.served, c.Spans, c.Receipt, cr.t.Tail()); nd != nil && recvErr == nil {
		c.NoDelivery = nd
		return noDeliveryError(cr.served, nd, r.recv.Endpoint(v.Protocol))
	}
	return nil
}

// verdict says whether the cell stands, in order of what matters most.
func (cr *cellRun) verdict(ctx context.Context, metricsErr, recvErr error) error {
	c := &cr.cell
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case cr.encErr != nil:
		return fmt.Errorf("writing results: %w", cr.encErr)
	case cr.stopErr != nil:
		return cr.stopErr
	case c.Target.ExitCode == targets.ExitShutdownIncomplete && metricsErr == nil:
		// The collector was too slow or gone for the target to flush in
		// time: the cell stands, and its accounting shows what was lost.
		c.Target.ShutdownIncomplete = true
	case c.Target.ExitCode != 0:
		return fmt.Errorf("target exited with %s during shutdown%s", cr.t.ExitStatus(), cr.t.stderrTail())
	case metricsErr != nil:
		return fmt.Errorf("reading the target's final metrics: %w", metricsErr)
	case recvErr != nil:
		return recvErr
	}
	return nil
}

// resultsFile is a cell's results file: every result of the measured
// attack, in vegeta's gob encoding.
type resultsFile struct {
	f   *os.File
	bw  *bufio.Writer
	enc vegeta.Encoder
	err error // the first error; later results are not written
}

// createResults creates the results file at path.
func createResults(path string) (*resultsFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256*1024)
	return &resultsFile{f: f, bw: bw, enc: vegeta.NewEncoder(bw)}, nil
}

// add writes one result.
func (rf *resultsFile) add(res *vegeta.Result) {
	if rf.err == nil {
		rf.err = rf.enc.Encode(res)
	}
}

// close flushes and closes the file, returning the first error.
func (rf *resultsFile) close() error {
	if err := rf.bw.Flush(); err != nil && rf.err == nil {
		rf.err = err
	}
	if err := rf.f.Close(); err != nil && rf.err == nil {
		rf.err = err
	}
	return rf.err
}

// fillLoad copies vegeta's figures for the measured attack.
func fillLoad(l *results.Load, m *vegeta.Metrics, successes uint64, rate int, traced bool) {
	l.RequestedRate = float64(rate)
	l.AchievedRate = m.Rate
	l.Throughput = m.Throughput
	l.Requests = m.Requests
	l.Successes = successes
	l.StatusCodes = m.StatusCodes
	l.Errors = m.Errors
	l.Duration = m.Duration
	l.Wait = m.Wait
	l.TraceParent = traced
	if m.Requests == 0 {
		return
	}
	q := m.Latencies.Quantile
	l.Latency = results.Latency{
		Mean: m.Latencies.Mean, Min: m.Latencies.Min,
		P50: q(0.50), P90: q(0.90), P99: q(0.99), P999: q(0.999),
		Max: m.Latencies.Max,
	}
}
