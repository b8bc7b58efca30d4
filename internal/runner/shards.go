package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/proc"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/shard"
)

// A sharded cell (Options.Shards) sends its measured attack from that many
// `otelbench attack` processes instead of the in-process attacker. They
// start before the warm-up, print a ready line and wait; the warm-up stays
// in process, since it watches the target's own CPU to end once it has
// settled, and only the runner knows when that is. Then each gets its
// start line (shard.Start: a common start ShardStartLead ahead and the
// cell's next item number), attacks its share, and exits. The runner
// merges their results into the cell's results.gob in timestamp order,
// from which every figure is computed as for one attacker, and keeps each
// shard's record in cell.json.
const (
	// MaxShards bounds Options.Shards on one machine.
	MaxShards = 64
	// ShardStartLead is how far ahead the runner sets a cell's common
	// start when it releases its shards: time to read the start line and
	// wake, no more, so the target does not idle after its warm-up.
	ShardStartLead = 20 * time.Millisecond
	// shardGrace is how long past the attack's duration plus the request
	// timeout a shard may take to write its results and exit.
	shardGrace = 10 * time.Second
)

// shardSet is a cell's attack processes, started and waiting.
type shardSet struct {
	procs  []*proc.Process
	stdins []*os.File // closed once the start line is written
	dirs   []string
}

// startShards starts the cell's attack processes and waits for each one's
// ready line. On an error none is left running.
func (r *Runner) startShards(ctx context.Context, cr *cellRun) (*shardSet, error) {
	set := &shardSet{}
	var cpus []int
	if pin := r.opts.Pin; pin != nil {
		cpus = pin.LoadGen
	}
	for i := range r.opts.Shards {
		dir := filepath.Join(cr.dir, results.ShardsDir, strconv.Itoa(i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			set.kill()
			return nil, err
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			set.kill()
			return nil, err
		}
		p, err := proc.Start(ctx, proc.Options{
			Path: r.opts.Self, Args: r.shardArgs(cr, i, dir),
			LogPath: filepath.Join(dir, results.ShardLog), ReadyLine: true, Stdin: pr, CPUs: cpus,
		})
		pr.Close() // the child has its own copy
		if err != nil {
			pw.Close()
			set.kill()
			return nil, fmt.Errorf("starting shard %d of %d: %w", i, r.opts.Shards, err)
		}
		set.procs, set.stdins, set.dirs = append(set.procs, p), append(set.stdins, pw), append(set.dirs, dir)
	}
	return set, nil
}

// shardArgs are the attack command's arguments for shard i of the cell.
func (r *Runner) shardArgs(cr *cellRun, i int, dir string) []string {
	p, n := r.opts.Profile, r.opts.Shards
	u := cr.svcURL
	if u == "" {
		u = "http://" + cr.t.addr + "/process/" + shard.IDPlaceholder
	}
	args := []string{"attack",
		"-url", u,
		"-rate", strconv.FormatFloat(float64(cr.plan.rate)/float64(n), 'g', -1, 64),
		"-duration", p.Duration.D().String(),
		"-start-at", "stdin",
		"-shard", strconv.Itoa(i), "-shards", strconv.Itoa(n),
		"-timeout", p.Timeout.D().String(),
		// The profile's cap is on the cell's concurrency: each shard gets its part.
		"-max-workers", strconv.Itoa(max(1, (p.MaxWorkers+n-1)/n)),
		"-o", dir,
		"-run", filepath.Base(r.dir), "-cell", cr.plan.dir,
	}
	if cr.ids != nil {
		args = append(args, "-trace-prefix", cr.ids.prefixHex())
	}
	if b := p.Burst; b != nil {
		args = append(args, "-burst-at", b.At.D().String(), "-burst-length", b.Length.D().String(),
			"-burst-factor", strconv.FormatFloat(b.Factor, 'g', -1, 64))
	}
	return args
}

// attackShards releases the started shards, waits for them, and merges
// their results into the cell: results.gob, the load figures over the
// merged results, the timeline, the items for matching and each shard's
// record. The target's CPU window and the sink's timeline open at the
// common start.
func (r *Runner) attackShards(ctx context.Context, cr *cellRun, set *shardSet) error {
	p := r.opts.Profile
	alloc0, alloc0OK := r.allocsAt(ctx, cr)
	start := shard.Start{At: time.Now().Add(ShardStartLead).UTC(), FirstItem: cr.ld.next.Load() + 1}
	for i, w := range set.stdins {
		err := shard.WriteStart(w, start)
		w.Close()
		if err != nil {
			return fmt.Errorf("releasing shard %d: %w", i, err)
		}
	}
	set.stdins = nil
	if d := time.Until(start.At); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
	pid := cr.t.Pid()
	cpu0, cpuErr := processCPU(pid)
	self0 := selfCPU()
	r.recv.startTimeline(start.At)
	cr.tl = newTimeline(start.At)
	waitErr := set.wait(ctx, p.Duration.D()+p.Timeout.D()+shardGrace)
	r.recv.stopTimeline()
	cpu1, cpuErr1 := processCPU(pid)
	alloc1, alloc1OK := r.allocsAt(ctx, cr)
	cr.cell.Alloc = allocDuring(alloc0, alloc1, alloc0OK && alloc1OK)
	self := selfCPU() - self0
	if cpuErr == nil && cpuErr1 == nil {
		cr.cell.CPU.Window = cpu1 - cpu0
	}
	if waitErr != nil {
		return waitErr
	}
	recs, err := set.records()
	if err != nil {
		return err
	}
	cr.cell.Shards = recs
	var m vegeta.Metrics
	var successes uint64
	n, err := mergeInto(filepath.Join(cr.dir, results.ResultsGob), set.gobs(), func(res *vegeta.Result) {
		cr.tl.add(res)
		m.Add(res)
		if res.Code >= 200 && res.Code < 400 { // vegeta's own definition of success
			successes++
		}
		cr.keep(res)
	})
	if r.live != nil {
		r.live.results.Add(uint64(n))
	}
	m.Close()
	if err != nil {
		cr.encErr = err
	}
	fillLoad(&cr.cell.Load, &m, successes, cr.plan.rate, cr.ids != nil)
	// The load generator is every shard and this process (the embedded
	// sink), on the same CPUs.
	l := &cr.cell.Load
	l.LoadGenCPU, l.LoadGenCPUs = self, selfCPUs()
	for _, rec := range recs {
		l.LoadGenCPU += rec.CPU
	}
	return nil
}

// mergeInto merges the gob files srcs into the file path.
func mergeInto(path string, srcs []string, each func(*vegeta.Result)) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	n, err := shard.Merge(f, srcs, each)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// wait waits for every shard to exit, at most timeout. When ctx ends
// first, the shards get SIGTERM (they stop and write what they have); a
// shard that fails or outlives timeout is an error, and then none is left
// running.
func (s *shardSet) wait(ctx context.Context, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var errs []error
	for i, p := range s.procs {
		select {
		case <-p.Exited():
		case <-ctx.Done():
			s.stop()
			return errInterrupted
		case <-timer.C:
			s.kill()
			return fmt.Errorf("shard %d of %d did not finish within %v", i, len(s.procs), timeout)
		}
		if err := p.Err(); err != nil {
			errs = append(errs, fmt.Errorf("shard %d of %d: %s%s", i, len(s.procs), p.ExitStatus(), tailOf(p)))
		}
	}
	return errors.Join(errs...)
}

// records reads every shard's record, in shard order.
func (s *shardSet) records() ([]results.Shard, error) {
	out := make([]results.Shard, 0, len(s.dirs))
	for _, d := range s.dirs {
		rec, err := shard.ReadRecord(d)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// gobs are the shards' results files.
func (s *shardSet) gobs() []string {
	out := make([]string, len(s.dirs))
	for i, d := range s.dirs {
		out[i] = filepath.Join(d, results.ResultsGob)
	}
	return out
}

// stop ends every shard in order (SIGTERM, then SIGKILL), in parallel.
func (s *shardSet) stop() {
	done := make(chan struct{}, len(s.procs))
	for _, p := range s.procs {
		go func() {
			_, _ = p.Stop(context.Background(), 5*time.Second)
			done <- struct{}{}
		}()
	}
	for range s.procs {
		<-done
	}
	s.closeStdins()
}

// kill ends every shard at once; nothing to do for those already gone.
func (s *shardSet) kill() {
	if s == nil {
		return
	}
	s.closeStdins()
	for _, p := range s.procs {
		_ = p.Kill()
	}
}

func (s *shardSet) closeStdins() {
	for _, w := range s.stdins {
		w.Close()
	}
	s.stdins = nil
}

// tailOf ends an error message with a process's last lines of output.
func tailOf(p *proc.Process) string {
	t := p.Tail()
	if len(t) == 0 {
		return ""
	}
	return "; its output ends with: " + fmt.Sprint(t)
}

// checkShards checks Options.Shards and Options.Self.
func (o Options) checkShards() error {
	switch {
	case o.Shards == 0:
		return nil
	case o.Shards < 0 || o.Shards > MaxShards:
		return fmt.Errorf("shards %d: must be from 1 to %d", o.Shards, MaxShards)
	case o.Self == "":
		return errors.New("shards: no otelbench executable to run them (Options.Self)")
	}
	if _, err := os.Stat(o.Self); err != nil {
		return fmt.Errorf("shards: the otelbench executable: %w", err)
	}
	return nil
}
