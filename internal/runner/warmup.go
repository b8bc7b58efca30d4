package runner

import (
	"context"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// The warm-up watches the target's CPU per request over successive windows
// and ends once it has settled: a fresh process of a JIT runtime (Node.js,
// the JVM) spends its first seconds compiling, and Go's GC pacer and heap
// take a moment to find their size, so a measured attack that starts too
// early measures the start, not the service.
const (
	// WarmupWindow is how long each window of the warm-up lasts.
	WarmupWindow = 250 * time.Millisecond
	// WarmupBlock is how many windows are averaged before they are
	// compared: the last WarmupBlock windows against the WarmupBlock
	// before them.
	WarmupBlock = 2
	// WarmupTolerance: the warm-up has settled when the CPU per request of
	// the last block is no more than this share below the block before:
	// it no longer falls.
	WarmupTolerance = 0.05
	// DefaultWarmupMax caps the warm-up when the profile sets no
	// warmup_max: past it the attack starts anyway, and the cell says the
	// target had not settled.
	DefaultWarmupMax = 10 * time.Second
)

// settling decides when the CPU per request of a warm-up has settled.
type settling struct {
	windows []float64 // CPU per request of each window, in order
}

// add records one window's CPU per request (a window without requests is
// not added) and says whether the warm-up has settled: the mean of the
// last WarmupBlock windows is at least (1 − WarmupTolerance) times the mean
// of the WarmupBlock before them. It needs two blocks.
func (s *settling) add(cpuPerRequest float64) bool {
	s.windows = append(s.windows, cpuPerRequest)
	n := len(s.windows)
	if n < 2*WarmupBlock {
		return false
	}
	early, late := mean(s.windows[n-2*WarmupBlock:n-WarmupBlock]), mean(s.windows[n-WarmupBlock:])
	return late >= (1-WarmupTolerance)*early
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// warmupResult is what a warm-up did: how long it took, whether the target
// settled before the cap, and each window's CPU per request.
type warmupResult struct {
	Duration time.Duration
	Settled  bool
	Windows  []time.Duration
}

// warmup attacks with ld for at least min and at most max, watching the
// target pid's CPU per request in WarmupWindow windows, and stops once it
// has settled (settling) after min. each gets every result. A target whose
// CPU cannot be read is warmed up for min.
func warmup(ctx context.Context, ld load, pid int, minimum, maximum time.Duration, each func(*vegeta.Result)) warmupResult {
	maximum = max(maximum, minimum)
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var requests atomic.Int64
	var res warmupResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		res = watch(actx, cancel, pid, minimum, &requests)
	}()
	start := time.Now()
	ld.duration = maximum
	ld.run(actx, "warmup", func(r *vegeta.Result) {
		requests.Add(1)
		each(r)
	})
	cancel()
	<-done
	res.Duration = time.Since(start)
	return res
}

// watch samples the target's CPU every WarmupWindow and cancels the
// attack once it has settled after minimum.
func watch(ctx context.Context, stop context.CancelFunc, pid int, minimum time.Duration, requests *atomic.Int64) warmupResult {
	var res warmupResult
	var s settling
	start := time.Now()
	cpu0, err := groupCPU(pid)
	if err != nil {
		select {
		case <-ctx.Done():
		case <-time.After(minimum):
			stop()
		}
		return res
	}
	tick := time.NewTicker(WarmupWindow)
	defer tick.Stop()
	n0 := requests.Load()
	for {
		select {
		case <-ctx.Done():
			return res
		case <-tick.C:
		}
		cpu1, err := groupCPU(pid)
		n1 := requests.Load()
		if err != nil {
			continue
		}
		if n := n1 - n0; n > 0 {
			per := float64(cpu1-cpu0) / float64(n)
			res.Windows = append(res.Windows, time.Duration(per))
			if s.add(per) && time.Since(start) >= minimum {
				res.Settled = true
				stop()
				return res
			}
		}
		cpu0, n0 = cpu1, n1
	}
}
