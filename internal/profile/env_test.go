package profile

import (
	"maps"
	"testing"
	"time"
)

func TestVariantEnv(t *testing.T) {
	ms := func(d time.Duration) *Duration { v := Duration(d); return &v }
	for _, tc := range []struct {
		name string
		v    Variant
		want map[string]string
	}{
		{
			// The baseline sets nothing, whatever else it carries.
			name: "none",
			v:    Variant{Kind: KindNone, ExtraEnv: map[string]string{"OTEL_SERVICE_NAME": "x"}},
			want: map[string]string{},
		},
		{
			// No options set: the SDK defaults apply.
			name: "batch with defaults",
			v:    Variant{Kind: KindBatch},
			want: map[string]string{},
		},
		{
			// Sync export has only the exporter timeout, in milliseconds.
			name: "sync",
			v:    Variant{Kind: KindSync, ExporterTimeout: ms(2 * time.Second)},
			want: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2000"},
		},
		{
			// Every typed option, durations as integer milliseconds, plus
			// the env block.
			name: "batch with everything",
			v: Variant{
				Kind: KindBatch, QueueSize: ptr(64), MaxExportBatchSize: ptr(32),
				BatchTimeout: ms(250 * time.Millisecond), ExportTimeout: ms(30 * time.Second),
				ExporterTimeout: ms(time.Minute), Blocking: true,
				ExtraEnv: map[string]string{"OTEL_SERVICE_NAME": "checkout"},
			},
			want: map[string]string{
				"OTEL_BSP_MAX_QUEUE_SIZE":        "64",
				"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "32",
				"OTEL_BSP_SCHEDULE_DELAY":        "250",
				"OTEL_BSP_EXPORT_TIMEOUT":        "30000",
				"OTEL_EXPORTER_OTLP_TIMEOUT":     "60000",
				"OTEL_SERVICE_NAME":              "checkout",
			},
		},
		{
			// Kind sampled adds the sampler and its ratio in shortest form.
			name: "sampled",
			v:    Variant{Kind: KindSampled, SampleRatio: ptr(0.1), QueueSize: ptr(2048)},
			want: map[string]string{
				"OTEL_TRACES_SAMPLER":     "parentbased_traceidratio",
				"OTEL_TRACES_SAMPLER_ARG": "0.1",
				"OTEL_BSP_MAX_QUEUE_SIZE": "2048",
			},
		},
		{
			// A ratio of 1 is written "1", not "1.0" or "1e+00".
			name: "sampled ratio 1",
			v:    Variant{Kind: KindSampled, SampleRatio: ptr(1.0)},
			want: map[string]string{
				"OTEL_TRACES_SAMPLER":     "parentbased_traceidratio",
				"OTEL_TRACES_SAMPLER_ARG": "1",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.v.Env()
			if got == nil || !maps.Equal(got, tc.want) {
				t.Errorf("Env() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestParseEnv checks Env on variants decoded from YAML, so that the
// millisecond conversion meets the validation that guarantees it is exact.
func TestParseEnv(t *testing.T) {
	p, err := Parse("env.yaml", doc(
		"  - name: b",
		"    kind: batch",
		"    batch_timeout: 1.5s",
		"    export_timeout: 2m",
		"    env:",
		"      OTEL_SERVICE_NAME: svc",
		"      OTEL_BSP_MAX_CONCURRENT_EXPORTS: 2",
		"  - name: s",
		"    kind: sampled",
		"    sample_ratio: 0.25",
	))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for i, want := range []map[string]string{
		{},
		{
			"OTEL_BSP_SCHEDULE_DELAY":         "1500",
			"OTEL_BSP_EXPORT_TIMEOUT":         "120000",
			"OTEL_SERVICE_NAME":               "svc",
			"OTEL_BSP_MAX_CONCURRENT_EXPORTS": "2", // a YAML integer, taken as written
		},
		{
			"OTEL_TRACES_SAMPLER":     "parentbased_traceidratio",
			"OTEL_TRACES_SAMPLER_ARG": "0.25",
		},
	} {
		if got := p.Variants[i].Env(); !maps.Equal(got, want) {
			t.Errorf("variant %s: Env() = %v, want %v", p.Variants[i].Name, got, want)
		}
	}
}
