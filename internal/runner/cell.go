package runner

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/targets"
)

// shutdownTimeout is how long a target may take to drain, flush and shut down.
func (r *Runner) shutdownTimeout() time.Duration {
	return max(15*time.Second, r.opts.Profile.Timeout.D()+5*time.Second)
}

// measure runs one cell. It never returns an error: whatever went wrong is
// recorded in the cell (status failed or interrupted) and the run goes on.
func (r *Runner) measure(ctx context.Context, c cellPlan) results.Cell {
	cell := r.measureCell(ctx, c)
	cell.Finished = time.Now().UTC()
	return cell
}

// measureCell does measure's work, but for Finished.
func (r *Runner) measureCell(ctx context.Context, c cellPlan) results.Cell {
	p := r.opts.Profile
	v := c.variant
	cell := results.Cell{
		Schema:  results.SchemaVersion,
		Index:   c.index,
		Rep:     c.rep,
		Rate:    c.rate,
		Variant: v.Name,
		Kind:    v.Kind,
		Dir:     c.dir,
		Status:  results.StatusOK,
		Started: time.Now().UTC(),
	}
	fail := func(err error) results.Cell {
		cell.Status = results.StatusFailed
		if ctx.Err() != nil {
			cell.Status = results.StatusInterrupted
		}
		cell.Error = err.Error()
		return cell
	}

	dir := filepath.Join(r.dir, results.CellsDir, c.dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	// Nothing of an earlier cell may count here.
	if err := r.recv.begin(ctx); err != nil {
		return fail(err)
	}

	metricsPath := filepath.Join(dir, results.MetricsFile)
	var (
		t      *targetProc
		svcURL string
		err    error
	)
	if svc := r.opts.Service; svc != nil {
		t, svcURL, err = startService(ctx, *svc, r.serviceEnv(v), filepath.Join(dir, results.TargetLog), r.opts.StartTimeout)
	} else {
		t, err = startTarget(ctx, r.opts.TargetBin, r.targetArgs(v, metricsPath), envList(r.targetEnv(v)),
			filepath.Join(dir, results.TargetLog), r.opts.StartTimeout)
	}
	if err != nil {
		return fail(fmt.Errorf("starting target: %w", err))
	}
	cell.Target.PID = t.cmd.Process.Pid
	if pin := r.opts.Pin; pin != nil {
		if err := pinProcess(t.cmd.Process.Pid, pin.Target); err != nil {
			return fail(err)
		}
	}
	cell.Target.Ready = t.ready
	stopped := false
	defer func() {
		if !stopped {
			t.kill()
		}
	}()
	if r.opts.Service == nil {
		if err := t.waitHealthy(ctx, r.opts.StartTimeout); err != nil {
			return fail(err)
		}
	}

	// Every request of the cell, warm-up included, carries its own trace id,
	// except for sampled variants: a sampled parent would override the
	// ratio sampler (ParentBased), so those requests start root traces.
	var ids *traceIDs
	if v.Kind != profile.KindSampled && v.Kind != profile.KindNone {
		t := newTraceIDs()
		ids = &t
	}
	var next atomic.Uint64
	ld := load{
		addr:       t.addr,
		rate:       c.rate,
		timeout:    p.Timeout.D(),
		maxWorkers: p.MaxWorkers,
		ids:        ids,
		next:       &next,
		url:        svcURL,
	}
	var okItems []uint64
	keep := func(res *vegeta.Result) {
		if ids != nil && res.Code >= 200 && res.Code < 300 {
			if n, err := ld.item(res.URL); err == nil {
				okItems = append(okItems, n)
			}
		}
	}

	if w := p.Warmup.D(); w > 0 {
		ld.duration = w
		ld.run(ctx, "warmup", func(res *vegeta.Result) {
			cell.Load.WarmupRequests++
			keep(res)
		})
	}

	gobFile, err := os.Create(filepath.Join(dir, results.ResultsGob))
	if err != nil {
		return fail(err)
	}
	bw := bufio.NewWriterSize(gobFile, 256*1024)
	enc := vegeta.NewEncoder(bw)
	var m vegeta.Metrics
	var successes uint64
	var encErr error

	cpu0, cpuErr := processCPU(t.cmd.Process.Pid)
	self0 := selfCPU()
	ld.duration = p.Duration.D()
	ld.burst = p.Burst
	// The sink's fault windows are relative to the start of the measured
	// attack; the timeline buckets the results from the same instant.
	attackStart := time.Now()
	r.recv.startTimeline(attackStart)
	tl := newTimeline(attackStart)
	ld.run(ctx, "measure", func(res *vegeta.Result) {
		tl.add(res)
		if r.live != nil {
			r.live.results.Add(1)
		}
		m.Add(res)
		if res.Code >= 200 && res.Code < 400 { // vegeta's own definition of success
			successes++
		}
		keep(res)
		if encErr == nil {
			encErr = enc.Encode(res)
		}
	})
	r.recv.stopTimeline()
	cpu1, cpuErr1 := processCPU(t.cmd.Process.Pid)
	cell.Load.LoadGenCPU = selfCPU() - self0
	m.Close()
	if err := bw.Flush(); err != nil && encErr == nil {
		encErr = err
	}
	if err := gobFile.Close(); err != nil && encErr == nil {
		encErr = err
	}
	fillLoad(&cell.Load, &m, successes, c.rate, ids != nil)
	if cpuErr == nil && cpuErr1 == nil {
		cell.CPU.Window = cpu1 - cpu0
	}

	peak, rssErr := peakRSS(t.cmd.Process.Pid)
	// SIGTERM: the target drains, flushes and writes its final metrics.
	shutdown, stopErr := t.stop(r.shutdownTimeout() + 5*time.Second)
	stopped = true
	t.close()
	cell.Target.ShutdownTime = shutdown
	cell.Target.ExitCode = t.cmd.ProcessState.ExitCode()
	if t.waitErr != nil {
		cell.Target.ExitErr = t.waitErr.Error()
	}
	cell.CPU.User, cell.CPU.Sys = t.rusage()
	if rssErr == nil {
		cell.CPU.PeakRSS = peak
	}

	snap, recvErr := r.recv.end(ctx)
	var tm targetMetrics
	var metricsErr error
	if r.opts.Service == nil {
		tm, metricsErr = readTargetMetrics(metricsPath)
	}
	if snap.Traces == nil {
		ids = nil // the receiver cannot tell traces apart: no matching
	}
	if r.opts.Service != nil {
		cell.Spans = accountExternal(v, r.opts.Service.SpansPerRequest, snap, ids, okItems)
	} else {
		cell.Spans = accountSpans(v, v.SpansPerRequest(p.Workload), tm, snap, ids, okItems)
	}
	cell.OnEnd, cell.Export = tm.OnEnd, tm.Export
	cell.OnEndMax = time.Duration(tm.OnEndMax * float64(time.Second))
	cell.Timeline = tl.result(&snap)

	switch {
	case ctx.Err() != nil:
		cell.Status = results.StatusInterrupted
		cell.Error = "interrupted during the cell; its numbers are partial"
	case encErr != nil:
		return fail(fmt.Errorf("writing results: %w", encErr))
	case stopErr != nil:
		return fail(stopErr)
	case cell.Target.ExitCode == targets.ExitShutdownIncomplete && metricsErr == nil:
		// The collector was too slow or gone for the target to flush in
		// time: the cell stands, and its accounting shows what was lost.
		cell.Target.ShutdownIncomplete = true
	case cell.Target.ExitCode != 0:
		return fail(fmt.Errorf("target exited with %s during shutdown%s", t.cmd.ProcessState, t.stderrTail()))
	case metricsErr != nil:
		return fail(fmt.Errorf("reading the target's final metrics: %w", metricsErr))
	case recvErr != nil:
		return fail(recvErr)
	}
	return cell
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
