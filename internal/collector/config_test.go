package collector

import (
	"flag"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/otelbench/otelbench/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestRenderConfig compares the generated configuration with golden files;
// TestCollectorCountsSpans checks that the real collector accepts them.
func TestRenderConfig(t *testing.T) {
	for _, tc := range []struct {
		golden string
		params configParams
	}{
		// The default: receiver straight to the nop exporter.
		{"config-direct.yaml", configParams{OTLPPort: 4317, HTTPPort: 4318, MetricsPort: 8888}},
		// With the batch processor, in processors and in the pipeline.
		{"config-batch.yaml", configParams{OTLPPort: 40001, HTTPPort: 40003, MetricsPort: 40002, Batch: true}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := renderConfig(tc.params)
			var doc map[string]any
			if err := yaml.Unmarshal(got, &doc); err != nil {
				t.Fatalf("not YAML: %v\n%s", err, got)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), got, *update)
		})
	}
}

// TestCollectorArgs checks the command line: the file provider and the
// feature gate that Counters.Exported needs.
func TestCollectorArgs(t *testing.T) {
	got := collectorArgs("/tmp/x/otelcol.yaml")
	want := []string{"--config", "file:/tmp/x/otelcol.yaml", "--feature-gates=telemetry.newPipelineTelemetry"}
	if !slices.Equal(got, want) {
		t.Errorf("collectorArgs() = %q, want %q", got, want)
	}
}
