package summary

import (
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// Recovery is how a cell came back after the sink's last fault window.
type Recovery struct {
	// FaultEnd is when the last outage or black hole ended, from the start
	// of the measured attack.
	FaultEnd time.Duration `json:"fault_end_ns"`
	// WorstDuring is the slowest request sent during the fault windows.
	WorstDuring time.Duration `json:"worst_during_ns"`
	// BaselineP99 is the median per-bucket p99 before the first window:
	// what "recovered" means for this cell.
	BaselineP99 time.Duration `json:"baseline_p99_ns"`
	// Latency is from FaultEnd until the start of RecoveryRun buckets in a
	// row whose p99 stayed within RecoveryFactor × BaselineP99 (or
	// RecoverySlack above it); −1 when that never happened before the
	// attack ended.
	Latency time.Duration `json:"latency_ns"`
	// Spans is from FaultEnd until the sink received spans again; −1 when
	// none arrived before the attack ended.
	Spans time.Duration `json:"spans_ns"`
	// NoArrivals says the collector kept no arrival timeline (not the
	// embedded sink), so Spans is unknown.
	NoArrivals bool `json:"no_arrivals,omitempty"`
	// Known is false when the timeline cannot say (no request before the
	// first window, or a window without an end).
	Known bool `json:"known"`
	// UntilEnd says the last window ended at or after the end of the
	// measured attack: there was nothing after it to recover in, so
	// Latency and Spans are not measured (Known is false).
	UntilEnd bool `json:"until_end,omitempty"`
}

// What counts as recovered: a bucket's p99 within this factor of the
// pre-fault p99, or within the slack above it, whichever is larger.
const (
	RecoveryFactor = 3.0
	RecoverySlack  = 5 * time.Millisecond
	// RecoveryRun is how many buckets in a row must be back to normal.
	RecoveryRun = 5
)

// recovery measures how a cell's timeline came back after the windows,
// in a measured attack of length attack. It returns nil when there are no
// windows or no timeline.
func recovery(tl *results.Timeline, windows []profile.Window, attack time.Duration) *Recovery {
	if tl == nil || len(windows) == 0 || tl.Bucket <= 0 {
		return nil
	}
	first, last := windows[0].From.D(), time.Duration(0)
	for _, w := range windows {
		first = min(first, w.From.D())
		if w.To == 0 {
			return &Recovery{}
		}
		last = max(last, w.To.D())
	}
	if attack > 0 && last >= attack {
		return &Recovery{FaultEnd: last, UntilEnd: true}
	}
	r := &Recovery{FaultEnd: last, Latency: -1, Spans: -1}
	var before []time.Duration
	for i, b := range tl.Requests {
		start := time.Duration(i) * tl.Bucket
		switch {
		case start+tl.Bucket <= first:
			if b.Requests > 0 {
				before = append(before, b.P99)
			}
		case start < last:
			r.WorstDuring = max(r.WorstDuring, b.Max)
		}
	}
	if len(before) == 0 {
		return &Recovery{FaultEnd: last}
	}
	slices.Sort(before)
	r.BaselineP99 = before[len(before)/2]
	limit := max(time.Duration(RecoveryFactor*float64(r.BaselineP99)), r.BaselineP99+RecoverySlack)
	// The first bucket at or after the end that starts a run of
	// RecoveryRun buckets (all that follow the end, if fewer) none of
	// which is slow: one noisy bucket later on does not undo a recovery.
	firstAfter := int((last + tl.Bucket - 1) / tl.Bucket)
	recovered := -1
	need := min(RecoveryRun, len(tl.Requests)-firstAfter)
	for i := firstAfter; i+need <= len(tl.Requests) && recovered < 0; i++ {
		ok := true
		for j := i; j < i+need; j++ {
			if b := tl.Requests[j]; b.Requests > 0 && b.P99 > limit {
				ok = false
				break
			}
		}
		if ok {
			recovered = i
		}
	}
	if recovered >= 0 {
		r.Latency = max(time.Duration(recovered)*tl.Bucket-last, 0)
	}
	if tl.Arrivals == nil {
		r.NoArrivals = true
	} else {
		for i := int(last / tl.Bucket); i < len(tl.Arrivals); i++ {
			if tl.Arrivals[i] > 0 {
				r.Spans = max(time.Duration(i)*tl.Bucket-last, 0)
				break
			}
		}
	}
	r.Known = true
	return r
}
