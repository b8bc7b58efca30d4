package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/otelbench/otelbench/internal/collector"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// otelcolBinary returns the collector `make collector` builds, skipping the
// test without it, except in CI, which builds it first and must run this.
func otelcolBinary(t *testing.T) string {
	t.Helper()
	bin := collector.DefaultBinary(filepath.Join("..", ".."))
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no collector at %s in CI (.ci/run builds it with scripts/build-collector.sh): %v", bin, err)
		}
		t.Skipf("no collector at %s: run `make collector` to include this test", bin)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

const sameLoadProfile = `name: same-load
rates: [300]
duration: 2s
warmup: 500ms
timeout: 5s
seed: 1
workload:
  extra_spans: 1
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: batch
    kind: batch
    batch_timeout: 100ms
    queue_size: 8192
`

// TestRealCollectorCountsLikeTheSink runs the same load against the embedded
// sink and against a real OpenTelemetry Collector: the collector's own
// otelcol_receiver_accepted_spans must equal what the sink counted, span
// for span, and both must equal what the targets ended.
func TestRealCollectorCountsLikeTheSink(t *testing.T) {
	bin := otelcolBinary(t)
	type count struct{ received, requests int64 }
	counts := map[profile.Collector]map[string]count{}
	for _, c := range []profile.Collector{profile.CollectorSink, profile.CollectorOtelcol} {
		l, cells := runProfile(t, sameLoadProfile+"collector: "+string(c)+"\n", Options{Otelcol: bin})
		if l.Run.Sink.Kind != map[profile.Collector]string{profile.CollectorSink: "embedded", profile.CollectorOtelcol: "otelcol"}[c] {
			t.Errorf("%s: run.json says the spans went to %q", c, l.Run.Sink.Kind)
		}
		counts[c] = map[string]count{}
		for _, cell := range cells {
			s := cell.Spans
			checkIdentity(t, cell)
			if cell.Kind != profile.KindNone && (s.Received != s.Ended || s.Ended == 0) {
				t.Errorf("%s: %s: received %d of %d ended", c, cell.Dir, s.Received, s.Ended)
			}
			counts[c][cell.Variant] = count{s.Received, s.TargetRequests}
		}
	}
	// The same load is the same requests: vegeta may send a few fewer when
	// the machine stalls, so the counts are compared per request served,
	// exactly (as cross products), and as totals when the requests match.
	for v, sk := range counts[profile.CollectorSink] {
		oc := counts[profile.CollectorOtelcol][v]
		if oc.received*sk.requests != sk.received*oc.requests {
			t.Errorf("%s: the collector accepted %d spans for %d requests, the sink received %d for %d", v, oc.received, oc.requests, sk.received, sk.requests)
		}
		if sk.requests == oc.requests && sk.received != oc.received {
			t.Errorf("%s: the collector accepted %d spans, the sink received %d on the same load", v, oc.received, sk.received)
		}
	}
}

// checkIdentity asserts the span accounting of one cell adds up:
// ended = exported + dropped + failed + lost at shutdown, where dropped and
// lost come from the target's counters; and, independently of the target,
// that the receiver holds exactly the spans the exporter says it delivered.
func checkIdentity(t *testing.T, c results.Cell) {
	t.Helper()
	s := c.Spans
	// A failed export may still have been received: a retried call whose
	// answer was lost as the connection closed. Otherwise the receiver
	// must hold exactly what the exporter delivered.
	if s.Received < s.ExportedOK || s.Received > s.ExportedOK+s.ExportFailed {
		t.Errorf("%s: the receiver has %d distinct spans, the exporter reports %d delivered and %d failed", c.Dir, s.Received, s.ExportedOK, s.ExportFailed)
	}
	if sum := s.ExportedOK + s.Dropped + s.ExportFailed + s.LostAtShutdown; sum != s.Ended {
		t.Errorf("%s: ended %d ≠ exported %d + dropped %d + failed %d + lost at shutdown %d",
			c.Dir, s.Ended, s.ExportedOK, s.Dropped, s.ExportFailed, s.LostAtShutdown)
	}
	if c.Kind != profile.KindNone && s.DropSource == "" {
		t.Errorf("%s: no drop source", c.Dir)
	}
}
