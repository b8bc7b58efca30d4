package summary

import (
	"math"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// floorProfile has every variant the floor needs, with three repetitions
// at one rate, and two spans per traced request.
const floorProfile = `name: floor
rates: [1000]
duration: 1s
warmup: 0s
repetitions: 3
variants:
  - {name: none, kind: none}
  - {name: noop, kind: noop}
  - {name: zero, kind: sampled, sample_ratio: 0}
  - {name: batch, kind: batch}
  - {name: sampled-10, kind: sampled, sample_ratio: 0.1}
  - {name: sampled-50, kind: sampled, sample_ratio: 0.5}
`

// setCPUs gives variant's repetitions 1, 2, 3 the CPU per request of us
// (µs) each.
func setCPUs(t *testing.T, f *resultstest.Fixture, variant string, us ...float64) {
	t.Helper()
	for i, u := range us {
		c := f.Cell(t, variant, 1000, i+1)
		c.CPU = time.Duration(u*float64(time.Microsecond)) * time.Duration(c.N)
	}
}

func TestFloor(t *testing.T) {
	f := resultstest.New(t, floorProfile)
	// Medians: none 10, noop 12, zero 13, batch 16 µs. Batch ends 2 spans
	// per request, so each sampled span costs (16 − 13) / 2 = 1.5 µs.
	setCPUs(t, f, "none", 10, 10.2, 9.8)
	setCPUs(t, f, "noop", 12, 12.2, 11.8)
	setCPUs(t, f, "zero", 13, 13.2, 12.8)
	setCPUs(t, f, "batch", 16, 16.3, 15.7)
	// 10% keeps 0.2 spans per request: 13 + 0.3 = 13.3 µs predicted, and
	// measured.
	setCPUs(t, f, "sampled-10", 13.3, 13.4, 13.2)
	// 50% keeps 1 span: 14.5 µs predicted, 20 measured.
	setCPUs(t, f, "sampled-50", 20, 20.1, 19.9)
	s := build(t, f)
	if len(s.Floor) != 1 {
		t.Fatalf("%d floors, want 1", len(s.Floor))
	}
	fl := s.Floor[0]
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1 { // ns
			t.Errorf("%s = %.1f ns, want %.1f", what, got, want)
		}
	}
	if fl.Missing != "" || fl.Zero != "zero" || fl.Full != "batch" || fl.Noop != "noop" {
		t.Fatalf("floor %+v, want one from zero, batch and noop", fl)
	}
	near("noop ΔCPU", fl.NoopCPU.Point, 2000)
	near("SDK over noop", fl.SDKCPU.Point, 1000)
	near("floor", fl.FloorCPU.Point, 3000)
	near("full spans ×1000", 1000*fl.FullSpans, 2000)
	near("per span", fl.PerSpan.Point, 1500)
	if !(fl.PerSpan.Low < 1500 && fl.PerSpan.High > 1500) {
		t.Errorf("per span interval [%.0f, %.0f] does not hold its point", fl.PerSpan.Low, fl.PerSpan.High)
	}
	if len(fl.Checks) != 2 {
		t.Fatalf("checks %+v, want sampled-10 and sampled-50", fl.Checks)
	}
	for _, tc := range []struct {
		variant              string
		spans, pred, measure float64
		within, overlap      bool
	}{
		// On the line: the prediction holds.
		{"sampled-10", 0.2, 3300, 3300, true, true},
		// Far off the line: it does not, even with the noise of both.
		{"sampled-50", 1, 4500, 10000, false, false},
	} {
		var c *FloorCheck
		for i := range fl.Checks {
			if fl.Checks[i].Variant == tc.variant {
				c = &fl.Checks[i]
			}
		}
		if c == nil {
			t.Fatalf("no check of %s", tc.variant)
		}
		near(tc.variant+" spans ×1000", 1000*c.Spans, 1000*tc.spans)
		near(tc.variant+" predicted", c.Predicted.Point, tc.pred)
		near(tc.variant+" measured", c.Measured.Point, tc.measure)
		if c.Overlap != tc.overlap {
			t.Errorf("%s: overlap = %v, want %v", tc.variant, c.Overlap, tc.overlap)
		}
		if c.Within != tc.within {
			t.Errorf("%s: within = %v, want %v (predicted [%.0f, %.0f], measured %.0f)", tc.variant, c.Within, tc.within,
				c.Predicted.Low, c.Predicted.High, c.Measured.Point)
		}
	}
}

// TestFloorMissing checks that a floor that cannot be derived says why.
func TestFloorMissing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile string
		want    string // Floor.Missing; "-" for no floor at all
	}{
		// Nothing to split: no floor.
		{"neither", "variants:\n  - {name: none, kind: none}\n  - {name: batch, kind: batch}\n", "-"},
		// Noop alone: the instrumentation's cost, but no floor of the SDK.
		{"noop only", "variants:\n  - {name: none, kind: none}\n  - {name: noop, kind: noop}\n", FloorNoZero},
		// Ratio 0 with a different queue than any batch variant: no line.
		{"no full", "variants:\n  - {name: none, kind: none}\n  - {name: zero, kind: sampled, sample_ratio: 0, queue_size: 64}\n  - {name: batch, kind: batch}\n", FloorNoFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := resultstest.New(t, "name: m\nrates: [1000]\nduration: 1s\nwarmup: 0s\nrepetitions: 2\n"+tc.profile)
			s := build(t, f)
			if tc.want == "-" {
				if len(s.Floor) != 0 {
					t.Errorf("floors %+v, want none", s.Floor)
				}
				return
			}
			if len(s.Floor) != 1 || s.Floor[0].Missing != tc.want {
				t.Fatalf("floors %+v, want one missing %q", s.Floor, tc.want)
			}
		})
	}
}

// TestCosts checks the allocation, GC and wire figures of a row and their
// differences from the baseline.
func TestCosts(t *testing.T) {
	f := resultstest.New(t, "")
	f.SetAlloc("none", 0, 1000, 10)
	f.SetAlloc("batch", 0, 3000, 40)
	f.SetGC("none", 0, 2, 0.05)
	f.SetGC("batch", 0, 6, 0.15)
	f.SetWire("batch", 120)
	s := build(t, f)
	b := s.Row("batch", 1000)
	n := s.Row("none", 1000)
	if b == nil || n == nil {
		t.Fatal("no rows")
	}
	c := b.Costs
	if !c.GCMeasured || c.GCCyclesPer1k != 6 || math.Abs(c.GCCPUShare-0.15) > 1e-9 || c.WireBytesPerSpan != 120 {
		t.Errorf("batch costs %+v, want 6 cycles per 1k, 15%% GC share, 120 bytes per span", c)
	}
	for _, d := range []struct {
		name string
		got  Diff
		want float64
	}{
		{"bytes", c.AllocBytesDiff, 2000},
		{"objects", c.AllocObjectsDiff, 30},
		{"cycles", c.GCCyclesDiff, 4},
		{"share", c.GCShareDiff, 0.10},
	} {
		if !d.got.Valid || math.Abs(d.got.Point-d.want) > 1e-9 {
			t.Errorf("%s diff %+v, want %g", d.name, d.got, d.want)
		}
	}
	if n.Costs.AllocBytesDiff.Valid || n.Costs.WireBytesPerSpan != 0 {
		t.Errorf("baseline costs %+v: no difference from itself and no bytes on the wire", n.Costs)
	}
	if r := s.Row("sync", 1000); r.Costs.GCMeasured || r.Costs.AllocBytesDiff.Valid {
		t.Errorf("sync measured no allocation: %+v", r.Costs)
	}
}
