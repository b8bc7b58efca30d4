package runner

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// liveStatus redraws one status line on a terminal while a cell runs: which
// cell, how long the run has taken and is likely to take, and the rate of
// results arriving now. It only reads an atomic counter that the attack
// loop increments, so it adds nothing measurable to the load generator.
type liveStatus struct {
	w       io.Writer
	total   int
	start   time.Time
	results atomic.Uint64

	mu        sync.Mutex
	done      int
	cell      string
	cellStart time.Time
	stop      chan struct{}
	wg        sync.WaitGroup
}

func newLiveStatus(w io.Writer, total int, start time.Time) *liveStatus {
	return &liveStatus{w: w, total: total, start: start}
}

// begin starts redrawing for a cell until end is called.
func (l *liveStatus) begin(done int, cell string) {
	l.mu.Lock()
	l.done, l.cell, l.cellStart = done, cell, time.Now()
	l.mu.Unlock()
	l.results.Store(0)
	l.stop = make(chan struct{})
	l.wg.Add(1)
	go l.loop(l.stop)
}

// end stops redrawing and clears the line, so the plain per-cell line that
// follows starts clean.
func (l *liveStatus) end() {
	if l.stop == nil {
		return
	}
	close(l.stop)
	l.wg.Wait()
	l.stop = nil
	fmt.Fprint(l.w, "\r\033[K")
}

func (l *liveStatus) loop(stop <-chan struct{}) {
	defer l.wg.Done()
	const every = 500 * time.Millisecond
	t := time.NewTicker(every)
	defer t.Stop()
	var last uint64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			n := l.results.Load()
			rate := float64(n-last) / every.Seconds()
			last = n
			l.mu.Lock()
			elapsed := time.Since(l.start)
			eta := "?"
			if l.done > 0 {
				// The finished cells' mean time for every cell left,
				// less what the current one has already taken.
				perCell := float64(l.cellStart.Sub(l.start)) / float64(l.done)
				left := time.Duration(perCell*float64(l.total-l.done)) - time.Since(l.cellStart)
				eta = max(left, 0).Round(time.Second).String()
			}
			fmt.Fprintf(l.w, "\r\033[K[cell %d/%d] %s  %s elapsed, ~%s left  live %.0f req/s",
				l.done+1, l.total, l.cell, elapsed.Round(time.Second), eta, rate)
			l.mu.Unlock()
		}
	}
}
