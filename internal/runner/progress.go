package runner

import (
	"fmt"
	"io"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// progressLine prints one plain line per finished cell: where the run is, how
// long it has taken and is likely to take, and the cell's headline numbers.
func progressLine(w io.Writer, done, total int, elapsed time.Duration, c results.Cell) {
	eta := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	head := fmt.Sprintf("[%d/%d %s elapsed, ~%s left] rate=%d variant=%s rep=%d",
		done, total, elapsed.Round(time.Second), eta.Round(time.Second), c.Rate, c.Variant, c.Rep)
	if c.Status != results.StatusOK {
		fmt.Fprintf(w, "%s: %s: %s\n", head, c.Status, c.Error)
		return
	}
	fmt.Fprintf(w, "%s: achieved %.0f/s, p50 %s, p99 %s, cpu %s, spans ended %d received %d lost %d\n",
		head, c.Load.AchievedRate, fmtDur(c.Load.Latency.P50), fmtDur(c.Load.Latency.P99),
		fmtDur(c.CPU.Window), c.Spans.Ended, c.Spans.Received, c.Spans.Lost)
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	}
}
