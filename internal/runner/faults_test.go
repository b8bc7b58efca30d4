package runner

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// TestSinkFaults checks that every fault key of a profile reaches the sink,
// and that the profile package's checks leave nothing the sink refuses.
func TestSinkFaults(t *testing.T) {
	p, err := profile.Parse("f.yaml", []byte(`name: f
rates: [100]
duration: 2s
sink:
  latency: {p50: 5ms, p99: 50ms}
  spikes: {probability: 0.1, length: 1s}
  errors: {rate: 0.5, code: RESOURCE_EXHAUSTED, retry_after: 20ms}
  outages: [{from: 100ms, to: 300ms}]
  black_holes: [{from: 1s}]
  cap_spans_per_sec: 500
  seed: 3
variants: [{name: n, kind: none}]
`))
	if err != nil {
		t.Fatal(err)
	}
	f := sinkFaults(p.Sink)
	if err := f.Validate(); err != nil {
		t.Fatalf("sink refuses the profile's faults: %v", err)
	}
	want := []string{
		"latency: lognormal per export, p50 5ms, p99 50ms",
		"latency spikes: +1s on 10% of exports",
		"errors: 50% of exports answered RESOURCE_EXHAUSTED with RetryInfo 20ms",
		"outage: 100ms to 300ms (connections refused)",
		"black hole: 1s to the end (exports never answered)",
		"throughput cap: 500 spans/s, burst 500 spans, after the latency",
		"seed: 3",
	}
	got := f.Active()
	if len(got) != len(want) {
		t.Fatalf("Active() = %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Active()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
	if f.Outages[0].To != 300*time.Millisecond {
		t.Errorf("outage = %+v", f.Outages[0])
	}
}
