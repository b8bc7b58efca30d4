package summary

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

func TestRecovery(t *testing.T) {
	ms := time.Millisecond
	// A 100 ms timeline: p99 1 ms before the fault at 300–600 ms, slow
	// during it, and back to normal from the bucket at 800 ms.
	p99s := []time.Duration{ms, ms, ms, 900 * ms, 900 * ms, 900 * ms, 50 * ms, 10 * ms, ms, ms, ms, ms, ms}
	tl := &results.Timeline{Bucket: 100 * ms}
	for _, p := range p99s {
		tl.Requests = append(tl.Requests, results.Bucket{Requests: 10, P99: p, Max: p + ms})
	}
	tl.Arrivals = []int64{5, 5, 5, 0, 0, 0, 0, 9, 5, 5}
	win := []profile.Window{{From: profile.Duration(300 * ms), To: profile.Duration(600 * ms)}}

	r := recovery(tl, win, 0)
	want := Recovery{FaultEnd: 600 * ms, WorstDuring: 901 * ms, BaselineP99: ms, Latency: 200 * ms, Spans: 100 * ms, Known: true}
	if r == nil || *r != want {
		t.Fatalf("recovery = %+v\nwant       %+v", r, want)
	}

	// One noisy bucket after a run of good ones does not undo recovery.
	for range 3 {
		tl.Requests = append(tl.Requests, results.Bucket{Requests: 10, P99: ms})
	}
	tl.Requests[14].P99 = 40 * ms
	if r := recovery(tl, win, 0); r.Latency != 200*ms {
		t.Errorf("noise after recovery: Latency = %v, want 200ms", r.Latency)
	}
	// Never recovered: slow buckets keep coming until the end.
	for i := 6; i < len(tl.Requests); i += 2 {
		tl.Requests[i].P99 = 40 * ms
	}
	if r := recovery(tl, win, 0); r.Latency != -1 {
		t.Errorf("still slow at the end: Latency = %v, want -1", r.Latency)
	}

	// No arrivals after the fault.
	tl.Arrivals = []int64{5, 5, 5}
	if r := recovery(tl, win, 0); r.Spans != -1 {
		t.Errorf("no arrivals: Spans = %v, want -1", r.Spans)
	}

	// Open-ended windows and timelines without a before cannot say.
	if r := recovery(tl, []profile.Window{{From: profile.Duration(300 * ms)}}, 0); r.Known {
		t.Errorf("open window: %+v, want unknown", r)
	}
	if r := recovery(tl, []profile.Window{{From: 0, To: profile.Duration(ms)}}, 0); r.Known {
		t.Errorf("fault from the start: %+v, want unknown", r)
	}
	if recovery(tl, nil, 0) != nil || recovery(nil, win, 0) != nil {
		t.Error("recovery without windows or timeline is not nil")
	}

	// A window that lasts until the end of the attack leaves nothing to
	// recover in: not "back after 0".
	for _, to := range []time.Duration{1300 * ms, 2 * time.Second} {
		end := []profile.Window{{From: profile.Duration(300 * ms), To: profile.Duration(to)}}
		if r := recovery(tl, end, 1300*ms); r == nil || r.Known || !r.UntilEnd || r.Latency != 0 || r.Spans != 0 {
			t.Errorf("window to %v in a 1.3 s attack: %+v, want unknown, until the end", to, r)
		}
	}
}
