package summary

import (
	"math"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results/resultstest"
)

const trendProfile = `name: versions
rates: [1000]
duration: 1s
warmup: 0s
repetitions: 5
variants:
  - {name: none, kind: none}
  - {name: batch-new, kind: batch}
  - {name: batch-old, kind: batch, sdk_version: v1.40.0}
  - {name: sampled-old, kind: sampled, sample_ratio: 0.1, sdk_version: v1.40.0}
  - {name: sampled-mid, kind: sampled, sample_ratio: 0.1, sdk_version: v1.44.0}
  - {name: batch-q64, kind: batch, queue_size: 64, sdk_version: v1.40.0}
`

// TestTrends checks the grouping of variants by everything but their
// releases, the order oldest first, and the changes against the newest.
func TestTrends(t *testing.T) {
	f := resultstest.New(t, trendProfile)
	f.SetModules("batch-new", "v1.47.0", "v0.72.0")
	f.SetModules("batch-old", "v1.40.0", "v0.65.0")
	f.SetModules("sampled-old", "v1.40.0", "v0.65.0")
	f.SetModules("batch-q64", "v1.40.0", "v0.65.0")
	// sampled-mid has no modules recorded: its profile's sdk_version stands.
	f.SetCPU("batch-new", 0, 10*time.Microsecond)
	f.SetCPU("batch-old", 0, 15*time.Microsecond)
	f.SetAlloc("batch-new", 0, 1000, 10)
	f.SetAlloc("batch-old", 0, 1500, 12)
	s := build(t, f)

	if len(s.Trends) != 2 {
		t.Fatalf("%d trends, want 2 (batch, sampled; batch-q64 stands alone): %+v", len(s.Trends), s.Trends)
	}
	batch, sampled := s.Trends[0], s.Trends[1]
	for _, c := range []struct {
		name     string
		tr       Trend
		ref      string
		variants []string
		otel     []string
	}{
		// The module's own build is the newest: it is the reference.
		{"batch", batch, "batch-new", []string{"batch-old", "batch-new"}, []string{"v1.40.0", "v1.47.0"}},
		// Without recorded modules the profile's release names the point.
		{"sampled", sampled, "sampled-mid", []string{"sampled-old", "sampled-mid"}, []string{"v1.40.0", "v1.44.0"}},
	} {
		if c.tr.Reference != c.ref || c.tr.Rate != 1000 || len(c.tr.Points) != len(c.variants) {
			t.Fatalf("%s trend %+v, want reference %s at 1000/s with %v", c.name, c.tr, c.ref, c.variants)
		}
		for i, pt := range c.tr.Points {
			if pt.Variant != c.variants[i] || pt.Otel != c.otel[i] || pt.Reps != 5 {
				t.Errorf("%s point %d = %s %s (%d reps), want %s %s (5 reps)", c.name, i, pt.Variant, pt.Otel, pt.Reps, c.variants[i], c.otel[i])
			}
		}
		if last := c.tr.Points[len(c.tr.Points)-1]; last.CPUDelta.Valid {
			t.Errorf("%s: the reference has a change against itself: %+v", c.name, last.CPUDelta)
		}
	}
	old := batch.Points[0]
	for _, d := range []struct {
		name string
		d    Delta
		pct  float64
	}{
		{"CPU", old.CPUDelta, 50},
		{"bytes", old.AllocBytesDelta, 50},
		{"objects", old.AllocObjectsDelta, 20},
	} {
		if !d.d.Valid || !d.d.Significant || math.Abs(d.d.Pct-d.pct) > 1e-9 {
			t.Errorf("%s change of v1.40.0 against v1.47.0 = %+v, want a significant %+.0f%%", d.name, d.d, d.pct)
		}
	}
	if old.AllocBytesPerRequest != 1500 || old.AllocObjectsPerRequest != 12 || old.CPUPerRequest != 15*time.Microsecond {
		t.Errorf("v1.40.0 figures %+v", old)
	}
	if old.Otelhttp != "v0.65.0" {
		t.Errorf("otelhttp %q, want v0.65.0", old.Otelhttp)
	}
}

// TestNoTrends checks that a run whose variants all share one release has
// no trend.
func TestNoTrends(t *testing.T) {
	s := build(t, resultstest.New(t, ""))
	if len(s.Trends) != 0 {
		t.Errorf("trends %+v in a run of one release", s.Trends)
	}
}
