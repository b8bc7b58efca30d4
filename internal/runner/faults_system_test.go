package runner

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// runFaultProfile runs a profile through the real runner, target processes
// and the embedded sink, and returns its cells by variant and its summary.
func runFaultProfile(t *testing.T, yaml string) (map[string]results.Cell, *summary.Summary) {
	t.Helper()
	l, cells := runProfile(t, yaml, Options{})
	for _, c := range cells {
		checkIdentity(t, c)
	}
	s, err := summary.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	return cells, s
}

// during returns, over the timeline buckets of requests sent inside
// [from, to) of a cell's measured attack, the slowest request and the
// median of the buckets' p99: the first shows the worst wait, the second
// what most requests saw, which one stall of a shared machine cannot move.
func during(c results.Cell, from, to time.Duration) (worst, typical time.Duration) {
	tl := c.Timeline
	var p99s []time.Duration
	for i, b := range tl.Requests {
		start := time.Duration(i) * tl.Bucket
		if start >= from && start < to && b.Requests > 0 {
			worst = max(worst, b.Max)
			p99s = append(p99s, b.P99)
		}
	}
	if len(p99s) > 0 {
		slices.Sort(p99s)
		typical = p99s[len(p99s)/2]
	}
	return worst, typical
}

func accountFor(t *testing.T, s *summary.Summary, variant string) summary.Account {
	t.Helper()
	for _, a := range s.Accounting {
		if a.Variant == variant {
			return a
		}
	}
	t.Fatalf("no accounting for %s", variant)
	return summary.Account{}
}

const outageProfile = `name: outage
rates: [200]
duration: 10s
warmup: 500ms
timeout: 5s
seed: 1
sink:
  outages: [{from: 1s, to: 4s}]
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
    exporter_timeout: 500ms
  - name: batch
    kind: batch
    queue_size: 64
    max_export_batch_size: 64
    batch_timeout: 100ms
    exporter_timeout: 500ms
    observability: true
  - name: blocking
    kind: batch
    queue_size: 64
    max_export_batch_size: 64
    batch_timeout: 100ms
    exporter_timeout: 500ms
    blocking: true
`

// TestSinkOutage takes the sink down for 3 s under load and checks what each
// processor does: sync requests wait for the exporter's timeout, batch
// requests stay fast while drops are counted exactly (the SDK's own counter
// agrees), blocking requests block once the queue is full, and every
// variant recovers after the sink returns.
func TestSinkOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("a 45 s end-to-end run")
	}
	cells, s := runFaultProfile(t, outageProfile)
	const timeout = 500 * time.Millisecond
	from, to := time.Second, 4*time.Second

	// Before the outage every variant is fast: the comparisons below mean
	// something.
	for _, v := range []string{"sync", "batch", "blocking"} {
		if _, before := during(cells[v], 0, from-200*time.Millisecond); before > 50*time.Millisecond {
			t.Errorf("%s: requests took %v (median bucket p99) before the outage", v, before)
		}
	}

	sync := cells["sync"]
	if worst, typical := during(sync, from, to); typical < timeout*8/10 {
		t.Errorf("sync: requests during the outage took %v (median bucket p99; slowest %v), want at least the exporter timeout %v", typical, worst, timeout)
	}
	if sync.OnEndMax < timeout*8/10 {
		t.Errorf("sync: OnEnd max %v, want at least the exporter timeout %v", sync.OnEndMax, timeout)
	}
	if sync.Spans.FailedByCode["Unavailable"]+sync.Spans.FailedByCode["DeadlineExceeded"] == 0 {
		t.Errorf("sync: no export failed during the outage: %+v", sync.Spans.FailedByCode)
	}

	batch := cells["batch"]
	if worst, typical := during(batch, from, to); typical >= 50*time.Millisecond {
		t.Errorf("batch: requests during the outage took %v (median bucket p99; slowest %v): they must not wait on export", typical, worst)
	}
	if batch.OnEndMax >= timeout/2 {
		t.Errorf("batch: OnEnd max %v: the request path must not block", batch.OnEndMax)
	}
	bs := batch.Spans
	// 3 s at 200 requests/s × 2 spans is 1 200 spans against a queue of 64.
	if bs.Dropped < 500 {
		t.Errorf("batch: %d spans dropped during a 3 s outage, want hundreds", bs.Dropped)
	}
	if !bs.Observability || bs.SDKDropped != bs.Dropped {
		t.Errorf("batch: the SDK counts %d dropped (observability %v), the accounting %d", bs.SDKDropped, bs.Observability, bs.Dropped)
	}
	// What never reached the sink is the dropped and lost spans plus the
	// failed ones, less failed exports that did arrive (their answer was
	// lost with the connection as the outage began).
	if lost := bs.Ended - bs.Received; lost < bs.Dropped+bs.LostAtShutdown || lost > bs.Dropped+bs.ExportFailed+bs.LostAtShutdown {
		t.Errorf("batch: %d spans never reached the sink, but dropped %d + failed %d + lost at shutdown %d", lost, bs.Dropped, bs.ExportFailed, bs.LostAtShutdown)
	}

	blocking := cells["blocking"]
	if worst, typical := during(blocking, from, to); typical < timeout/2 {
		t.Errorf("blocking: requests during the outage took %v (median bucket p99; slowest %v), want them blocked on the full queue", typical, worst)
	}
	if blocking.Spans.Dropped != 0 {
		t.Errorf("blocking: %d spans dropped; a blocking processor waits instead", blocking.Spans.Dropped)
	}

	for _, v := range []string{"sync", "batch", "blocking"} {
		a := accountFor(t, s, v)
		if len(a.Warnings) > 0 {
			t.Errorf("%s: accounting warnings %+v", v, a.Warnings)
		}
		rc := a.Recovery
		switch {
		case rc == nil || !rc.Known:
			t.Errorf("%s: no recovery measured: %+v", v, rc)
		case rc.Latency < 0 || rc.Spans < 0:
			t.Errorf("%s: did not recover within 6 s of the outage: %+v", v, rc)
		default:
			t.Logf("%s: latency back after %v, spans after %v (worst during %v)", v, rc.Latency, rc.Spans, rc.WorstDuring)
		}
	}
}

const capProfile = `name: cap
rates: [600]
duration: 5s
warmup: 500ms
timeout: 5s
seed: 1
sink:
  cap_spans_per_sec: 600
  cap_burst: 64
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
    queue_size: 256
    max_export_batch_size: 128
    batch_timeout: 100ms
    observability: true
`

// TestSinkThroughputCap caps the sink at half the span rate: the spans
// delivered per second must match the cap, the drop rate 1 − cap/rate,
// both within a few percent, and every drop is counted.
func TestSinkThroughputCap(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10 s end-to-end run")
	}
	cells, s := runFaultProfile(t, capProfile)
	c := cells["batch"]
	tl := c.Timeline
	// Steady state: from 1 s into the measured attack (the queue is full by
	// then) to its end.
	first, last := int(time.Second/tl.Bucket), int(5*time.Second/tl.Bucket)
	if len(tl.Arrivals) < last {
		t.Fatalf("arrival timeline has %d buckets, want %d", len(tl.Arrivals), last)
	}
	var arrived int64
	var sent int
	for i := first; i < last; i++ {
		arrived += tl.Arrivals[i]
		sent += tl.Requests[i].Requests
	}
	secs := float64(last-first) * tl.Bucket.Seconds()
	rate := float64(arrived) / secs
	if rate < 600*0.95 || rate > 600*1.05 {
		t.Errorf("delivered %.0f spans/s in steady state, want the cap 600 ± 5%%", rate)
	}
	offered := float64(sent*2) / secs
	drop := 1 - rate/offered
	want := 1 - 600/offered
	if d := drop - want; d < -0.03 || d > 0.03 {
		t.Errorf("drop rate %.3f in steady state, want 1 − cap/rate = %.3f ± 0.03", drop, want)
	}
	cs := c.Spans
	if cs.SDKDropped != cs.Dropped || cs.Dropped == 0 {
		t.Errorf("dropped %d, the SDK counts %d", cs.Dropped, cs.SDKDropped)
	}
	if a := accountFor(t, s, "batch"); len(a.Warnings) > 0 || !a.Adds {
		t.Errorf("accounting: %+v", a)
	}
	if !strings.Contains(strings.Join(s.Faults, "\n"), "throughput cap: 600 spans/s") {
		t.Errorf("summary faults %q do not name the cap", s.Faults)
	}
}
