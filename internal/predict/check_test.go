package predict

import (
	"math"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results/resultstest"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// closeTo reports whether got is within a relative 1e-6 of want.
func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9+1e-6*math.Abs(want)
}

// build writes the fixture's run and returns its summary and profile.
func build(t *testing.T, f *resultstest.Fixture) (*summary.Summary, *profile.Profile) {
	t.Helper()
	s, err := summary.Build(f.Write(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s, f.Profile
}

func TestExportHistogramPoints(t *testing.T) {
	// Buckets (0, 10ms], (10, 20ms], (20, 40ms] and beyond: 0, 3, 1 and 1
	// exports, 100 ms in all. Middles 15 ms × 3 + 30 ms + 40 ms (the last
	// bound for the overflow) = 115 ms, scaled by 100/115.
	var h exportHistogram
	h = h.merge(exportHistogram{Bounds: []float64{0.01, 0.02, 0.04}, Counts: []uint64{0, 2, 3}, Count: 4, Sum: 0.08})
	h = h.merge(exportHistogram{Bounds: []float64{0.01, 0.02, 0.04}, Counts: []uint64{0, 1, 1}, Count: 1, Sum: 0.02})
	scale := 100.0 / 115
	want := []model.LatencyPoint{
		{Duration: time.Duration(15e6 * scale), Weight: 3},
		{Duration: time.Duration(30e6 * scale), Weight: 1},
		{Duration: time.Duration(40e6 * scale), Weight: 1},
	}
	got := h.points()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if d := got[i].Duration - want[i].Duration; d < -1 || d > 1 || got[i].Weight != want[i].Weight {
			t.Errorf("point %d: got %v, want %v", i, got[i], want[i])
		}
	}
	// Histograms with other buckets are not merged, and give nothing.
	h = h.merge(exportHistogram{Bounds: []float64{0.01}, Counts: []uint64{1}, Count: 1, Sum: 0.005})
	if got := h.points(); got != nil {
		t.Errorf("mixed buckets: got %v, want nil", got)
	}
	if got := (exportHistogram{}).points(); got != nil {
		t.Errorf("empty: got %v, want nil", got)
	}
}

// modelProfile has one batch variant whose worker exports 10 spans per
// 10 ms: a ceiling of 1 000 spans/s, 500 requests/s at 2 spans each.
const modelProfile = `name: modelcheck
rates: [300, 450, 600]
duration: 1s
warmup: 0s
repetitions: 1
sink:
  delay: 10ms
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: b10
    kind: batch
    queue_size: 40
    max_export_batch_size: 10
  - name: b10-blocking
    kind: batch
    queue_size: 40
    max_export_batch_size: 10
    blocking: true
`

func TestBuildModelChecks(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, modelProfile)
	// Each cell ends 2 × 600 spans (500 requests and 100 of warm-up); b10
	// drops none at 300/s, 3 at 450/s and 180 at 600/s.
	dropped := map[int]int64{300: 0, 450: 3, 600: 180}
	f.Each("b10", 0, func(c *resultstest.Cell) {
		c.Spans.DropSource = "clean-shutdown"
		c.Spans.Dropped = dropped[c.Rate]
		c.Spans.ExportedOK -= c.Spans.Dropped
		c.Spans.Received -= c.Spans.Dropped
		c.Spans.Lost = c.Spans.Dropped
	})
	s, p := build(t, f)
	checks := Check(s, p)

	for _, v := range []string{"none", "sync"} {
		if r := checks.Row(v, 600); r != nil {
			t.Errorf("%s has a model check: %+v", v, r)
		}
	}
	mc := checks.Row("b10", 600)
	if mc == nil {
		t.Fatal("b10 at 600/s has no model check")
	}
	// 600 requests/s × 2 spans = 1 200 spans/s against 1 000: 1/6 lost in
	// the steady state; measured 180 of 1 200 spans.
	figures := []struct {
		name      string
		got, want float64
	}{
		{"span rate", mc.SpanRate, 1200},
		{"ceiling", mc.Ceiling, 1000},
		{"predicted loss", mc.PredictedLoss, 1.0 / 6},
		{"predicted onset", mc.PredictedOnset, 500},
		{"measured loss", mc.MeasuredLoss, 0.15},
		{"delivered", mc.Delivered, 1020},
	}
	for _, c := range figures {
		if !closeTo(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if mc.ExportLatency != 10*time.Millisecond || mc.LatencyFrom != LatencyFromSink || mc.LossFrom != summary.LossFromAccounting ||
		mc.SettingsFrom != summary.SettingsFromProfile || mc.Regime != "saturated" {
		t.Errorf("inputs: latency %v from %q, loss from %q, settings from %q, regime %q", mc.ExportLatency, mc.LatencyFrom, mc.LossFrom, mc.SettingsFrom, mc.Regime)
	}
	// Over the 1 s cell the empty queue first absorbs 40 + 10 spans: the
	// cell loses less than the steady state.
	if mc.RunLoss <= 0 || mc.RunLoss >= mc.PredictedLoss {
		t.Errorf("loss over the cell %v, want between 0 and the steady %v", mc.RunLoss, mc.PredictedLoss)
	}

	// Blocking variants get row checks but no onset: they drop nothing.
	if len(checks.Onsets) != 1 {
		t.Fatalf("got %d onset checks, want 1 (b10): %+v", len(checks.Onsets), checks.Onsets)
	}
	oc := checks.Onsets[0]
	// Loss passes 0.5% between 450/s (0.25%) and 600/s (15%): at 600/s
	// the cells delivered 85% of the spans, all but 0.5% of what
	// 600 × 0.85/0.995 requests/s would offer; on a straight line
	// 450 + 150 × (0.005 − 0.0025)/(0.15 − 0.0025).
	measured := 600 * 0.85 / 0.995
	linear := 450 + 150*(0.005-0.0025)/(0.15-0.0025)
	if oc.Variant != "b10" || oc.Below != 450 || oc.Above != 600 || !closeTo(oc.Measured, measured) || !closeTo(oc.MeasuredLinear, linear) ||
		!closeTo(oc.Predicted, 500) || !closeTo(oc.SteadyRatio, 500/measured) {
		t.Errorf("onset check %+v, want measured %.2f (%.2f linear), predicted 500", oc, measured, linear)
	}
	if oc.PredictedRun <= 500 || oc.PredictedRunLow > oc.PredictedRun || oc.PredictedRunHigh < oc.PredictedRun ||
		!closeTo(oc.Ratio, oc.PredictedRun/measured) || oc.Within != (math.Abs(oc.Ratio-1) <= OnsetTolerance) {
		t.Errorf("onset over a cell %v/s (ratio %v, within %v): want above the steady 500/s and a consistent verdict", oc.PredictedRun, oc.Ratio, oc.Within)
	}
}

func TestOnsetCheck(t *testing.T) {
	s := settings.Batch{QueueSize: 40, MaxExportBatchSize: 10, BatchTimeout: 5 * time.Second}
	v := summary.VariantInfo{Name: "b", Kind: profile.KindBatch, Settings: settings.Tracing{Processor: settings.ProcessorBatch, Batch: s, SampleRatio: 1}, Language: summary.LanguageGo}
	p := &profile.Profile{Duration: profile.Duration(time.Second)}
	rowsOf := func(losses map[float64]float64, rates ...float64) []RowCheck {
		var out []RowCheck
		for _, r := range rates {
			out = append(out, RowCheck{Rate: int(r), Settings: s,
				SpansPerRequest: 2, SampledShare: 1, MeasuredLoss: losses[r],
				ExportLatency: 10 * time.Millisecond, LatencyFrom: LatencyFromSink, Regime: "full",
			})
		}
		return out
	}
	tests := []struct {
		name                   string
		rows                   []RowCheck
		below, above, measured float64
		notes                  int
		wantRatio              bool
	}{
		// 100 → 200 → 300: the loss passes 0.5% between 200 (0.1%) and
		// 300 (10.05%), where 300 × 0.8995 requests/s were delivered:
		// 300 × 0.8995/0.995.
		{"bracketed", rowsOf(map[float64]float64{200: 0.001, 300: 0.1005}, 100, 200, 300), 200, 300, 300 * 0.8995 / 0.995, 1, true},
		// 300 (40%) delivered as much as 180 requests/s: the onset is kept
		// within the bracket.
		{"clamped", rowsOf(map[float64]float64{300: 0.4}, 200, 300), 200, 300, 200, 1, true},
		// The lowest rate already lost: the onset is below it.
		{"lossy from the start", rowsOf(map[float64]float64{100: 0.2, 200: 0.5}, 100, 200), 0, 100, 0, 1, false},
		// No rate lost: the onset is above the highest.
		{"never lossy", rowsOf(nil, 100, 200), 0, 0, 0, 1, false},
		// The onset starts the lossy rates that reach the highest: 450/s
		// lost, 480/s did not; 450/s is noted as a loss below the onset.
		{"not monotonic", rowsOf(map[float64]float64{450: 0.1, 500: 0.04}, 400, 420, 450, 480, 500), 480, 500, 500 * 0.96 / 0.995, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oc := onsetCheck(v, p, tc.rows)
			if oc.Below != tc.below || oc.Above != tc.above || !closeTo(oc.Measured, tc.measured) {
				t.Errorf("bracket %v–%v, onset %v; want %v–%v, %v", oc.Below, oc.Above, oc.Measured, tc.below, tc.above, tc.measured)
			}
			// The steady onset: 10 spans per 10 ms, 2 spans a request.
			if !closeTo(oc.Predicted, 500) {
				t.Errorf("predicted %v, want 500", oc.Predicted)
			}
			if (oc.Ratio > 0) != tc.wantRatio {
				t.Errorf("ratio %v, want one: %v", oc.Ratio, tc.wantRatio)
			}
			if tc.wantRatio && !closeTo(oc.SteadyRatio, 500/tc.measured) {
				t.Errorf("steady ratio %v, want %v", oc.SteadyRatio, 500/tc.measured)
			}
			if len(oc.Notes) < tc.notes {
				t.Errorf("notes %+v, want at least %d", oc.Notes, tc.notes)
			}
		})
	}
}

func TestBurstCheck(t *testing.T) {
	// The burst profile's numbers: queue 2048, batch 512, exports of
	// 100 ms (μ 5 120/s), 500 requests/s of 3 spans, ×6 for 1 s. The
	// queue grows by 900 − 512 = 388 per export during the burst and first
	// drops in the fourth export, after 2 048 + 3 × 512 = 3 584 spans
	// (398.2 ms); the rest of the second drops 9 000 − 5 120 a second.
	p := &profile.Profile{Warmup: profile.Duration(time.Second), Duration: profile.Duration(6 * time.Second),
		Burst: &profile.Burst{At: profile.Duration(2 * time.Second), Length: profile.Duration(time.Second), Factor: 6}}
	pr, err := model.Predict(settings.DefaultBatch(), model.Load{RequestsPerSec: 500, SpansPerRequest: 3, SampledShare: 1,
		ExportLatency: 100 * time.Millisecond, Burst: model.Burst{PeakRequestsPerSec: 3000, Length: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	bc := burstCheck(pr, p, summary.Row{Reps: 2, Loss: summary.Loss{Lost: 5000}})
	absorb := 3584.0 / 9000
	if !closeTo(bc.PredictedDropped, 3880*(1-absorb)) || bc.MeasuredDropped != 2500 || bc.PeakRate != 3000 ||
		bc.Absorb != time.Duration(absorb*1e9+0.5) {
		t.Errorf("got %+v, want %.1f predicted, 2500 measured, absorb %v", bc, 3880*(1-absorb), time.Duration(absorb*1e9))
	}
}
