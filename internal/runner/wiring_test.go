package runner

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/otelbench/otelbench/internal/results"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// targetBinary builds the real otelbench-target once for this package's tests.
func targetBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "otelbench-target")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "otelbench-target")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/otelbench-target")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the target: %v", buildErr)
	}
	return builtBin
}

const wiringProfile = `name: wiring
rates: [400]
duration: 2s
warmup: 500ms
timeout: 5s
workload:
  extra_spans: 2
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: batch
    kind: batch
    batch_timeout: 200ms
  - name: sampled
    kind: sampled
    sample_ratio: 0.1
`

// TestVariantWiring runs each variant kind once through the real runner, a
// real target process and the embedded sink, and checks that each produces
// the spans it should.
func TestVariantWiring(t *testing.T) {
	_, cells := runProfile(t, wiringProfile, Options{})
	for _, c := range cells {
		checkIdentity(t, c)
	}

	tests := []struct {
		variant string
		check   func(t *testing.T, s results.Spans)
	}{
		// none: no SDK, nothing ends, nothing reaches the sink.
		{"none", func(t *testing.T, s results.Spans) {
			if s.Ended != 0 || s.Received != 0 || s.SinkRequests != 0 || s.PerRequest != 0 {
				t.Errorf("spans from the uninstrumented target: %+v", s)
			}
		}},
		// sync and batch: every request is sampled through its traceparent and
		// yields a server span, process_item_logic and the 2 extra spans, all
		// received, each under the trace id the runner sent.
		{"sync", everySpanArrives},
		{"batch", everySpanArrives},
		// sampled at 0.1: requests carry no traceparent, so the ratio sampler
		// decides at the root; the share of requests whose server span arrives
		// must lie within 4.5 standard deviations of 0.1.
		{"sampled", func(t *testing.T, s results.Spans) {
			if s.Matched {
				t.Error("sampled requests must start root traces (no traceparent)")
			}
			n := float64(s.TargetRequests)
			share := float64(s.ServerSpans) / n
			sd := math.Sqrt(0.1 * 0.9 / n)
			if math.Abs(share-0.1) > 4.5*sd {
				t.Errorf("kept %.4f of %v root traces, want 0.1 ± %.4f", share, n, 4.5*sd)
			}
			if s.Ended != s.ServerSpans*4 || s.Received != s.Ended {
				t.Errorf("each kept trace should end and deliver 4 spans: %+v", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.variant, func(t *testing.T) {
			c, ok := cells[tt.variant]
			if !ok {
				t.Fatalf("no cell for %s", tt.variant)
			}
			tt.check(t, c.Spans)
		})
	}
}

func everySpanArrives(t *testing.T, s results.Spans) {
	t.Helper()
	if s.PerRequest != 4 || s.TargetRequests == 0 {
		t.Fatalf("per request %d, requests %d", s.PerRequest, s.TargetRequests)
	}
	if s.Ended != 4*s.TargetRequests || s.Received != s.Ended || s.Lost != 0 {
		t.Errorf("ended %d, received %d, lost %d for %d requests", s.Ended, s.Received, s.Lost, s.TargetRequests)
	}
	if !s.Matched || s.MissingTraces != 0 || s.MissingSpans != 0 || s.StrayTraces != 0 || s.TracedRequests != s.TargetRequests {
		t.Errorf("trace matching: %+v", s)
	}
	if s.ServerSpans != s.TargetRequests {
		t.Errorf("%d server spans for %d requests", s.ServerSpans, s.TargetRequests)
	}
}
