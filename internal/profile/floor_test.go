package profile

import (
	"maps"
	"testing"
)

// TestParseFloorVariants checks the variants that measure the floor of
// tracing's cost and the exporter's options: noop (the instrumentation
// with no SDK), sampled with ratio 0 (the SDK with nothing sampled), and
// compression beside protocol.
func TestParseFloorVariants(t *testing.T) {
	p, err := Parse("floor.yaml", doc(
		"  - name: noop",
		"    kind: noop",
		"  - name: s0",
		"    kind: sampled",
		"    sample_ratio: 0",
		"  - name: gz",
		"    kind: batch",
		"    protocol: http/protobuf",
		"    compression: gzip",
	))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	byName := map[string]Variant{}
	for _, v := range p.Variants {
		byName[v.Name] = v
	}
	for _, tc := range []struct {
		name    string
		exports bool // Kind.Exports
		nothing bool // SamplesNothing
		spans   int  // SpansPerRequest with no extra spans
		env     map[string]string
		comp    string
	}{
		// The baseline: nothing.
		{name: "base", env: map[string]string{}},
		// Noop ends no span through an SDK and sets no variable.
		{name: "noop", env: map[string]string{}},
		// Ratio 0 runs the SDK and tells it to sample nothing.
		{name: "s0", exports: true, nothing: true, spans: 2,
			env: map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"}},
		// Compression is carried beside protocol, for svcenv to set.
		{name: "gz", exports: true, spans: 2, env: map[string]string{}, comp: "gzip"},
	} {
		v, ok := byName[tc.name]
		if !ok {
			t.Fatalf("no variant %s", tc.name)
		}
		if v.Kind.Exports() != tc.exports || v.SamplesNothing() != tc.nothing || v.SpansPerRequest(p.Workload) != tc.spans {
			t.Errorf("%s: Exports %v SamplesNothing %v spans %d, want %v %v %d", tc.name,
				v.Kind.Exports(), v.SamplesNothing(), v.SpansPerRequest(p.Workload), tc.exports, tc.nothing, tc.spans)
		}
		if got := v.Env(); !maps.Equal(got, tc.env) {
			t.Errorf("%s: Env() = %v, want %v", tc.name, got, tc.env)
		}
		if v.Compression != tc.comp {
			t.Errorf("%s: compression %q, want %q", tc.name, v.Compression, tc.comp)
		}
	}
}
