package profile

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/settings"
)

func TestVariantSettings(t *testing.T) {
	q64, b4096, ratio := 64, 4096, 0.1
	bt := Duration(100 * time.Millisecond)
	x := Duration(time.Second)
	def := settings.Default()
	tests := []struct {
		name string
		v    Variant
		want func(*settings.Tracing)
	}{
		// Batch with nothing set is the SDK's defaults.
		{"batch defaults", Variant{Kind: KindBatch}, func(*settings.Tracing) {}},
		// Options replace the defaults they name.
		{"queue and delay", Variant{Kind: KindBatch, QueueSize: &q64, MaxExportBatchSize: &q64, BatchTimeout: &bt, ExporterTimeout: &x}, func(t *settings.Tracing) {
			t.Batch.QueueSize, t.Batch.MaxExportBatchSize, t.Batch.BatchTimeout, t.Exporter.Timeout = 64, 64, 100*time.Millisecond, time.Second
		}},
		// A batch above the default queue is clamped as the SDK clamps it.
		{"clamped", Variant{Kind: KindBatch, MaxExportBatchSize: &b4096}, func(t *settings.Tracing) { t.Batch.MaxExportBatchSize = 512 }},
		// Sampled keeps its ratio.
		{"sampled", Variant{Kind: KindSampled, SampleRatio: &ratio}, func(t *settings.Tracing) { t.SampleRatio = 0.1 }},
		// Sync keeps the batch defaults it does not use.
		{"sync", Variant{Kind: KindSync}, func(t *settings.Tracing) { t.Processor = settings.ProcessorSync }},
	}
	for _, tt := range tests {
		want := def
		tt.want(&want)
		if got := tt.v.Settings(); got != want {
			t.Errorf("%s: Settings() = %+v, want %+v", tt.name, got, want)
		}
		if tt.v.Kind != KindSync {
			if back := VariantOf("x", want).Settings(); back != want {
				t.Errorf("%s: VariantOf round trip = %+v, want %+v", tt.name, back, want)
			}
		}
	}
	if got := (Variant{Kind: KindNone}).Settings(); got.Processor != settings.ProcessorNone {
		t.Errorf("none: processor %q", got.Processor)
	}
}
