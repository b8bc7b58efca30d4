package compare

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/results"
)

// TestReleases checks that runs differing only in the releases their
// targets were built with are comparable, and what Releases says.
func TestReleases(t *testing.T) {
	t.Parallel()
	batchAt := func(version string) string {
		return strings.Replace(baseYAML, "    queue_size: 2048\n", "    queue_size: 2048\n    sdk_version: "+version+"\n", 1)
	}
	mods := func(otel, otelhttp, grpc string) map[string]string {
		return map[string]string{results.ModuleOtel: otel, "go.opentelemetry.io/otel/sdk": otel,
			results.ModuleOtelhttp: otelhttp, "google.golang.org/grpc": grpc}
	}
	for _, tc := range []struct {
		name     string
		a, b     *results.Run
		modsA    map[string]string
		modsB    map[string]string
		want     []string // each Release as "variant: module A→B, ..."
		comparab bool
	}{
		{
			// An older release against the module's own build: the
			// modules say what changed, grpc included.
			name: "upgrade to the module's own", a: testRun(t, batchAt("v1.46.0")), b: testRun(t, baseYAML),
			modsA: mods("v1.46.0", "v0.71.0", "v1.80.0"), modsB: mods("v1.47.0", "v0.72.0", "v1.85.0"),
			want:     []string{"batch: go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.71.0→v0.72.0, go.opentelemetry.io/otel v1.46.0→v1.47.0, go.opentelemetry.io/otel/sdk v1.46.0→v1.47.0, google.golang.org/grpc v1.80.0→v1.85.0"},
			comparab: true,
		},
		{
			// Runs from before modules were recorded: the profiles' keys.
			name: "no modules recorded", a: testRun(t, batchAt("v1.40.0")), b: testRun(t, batchAt("v1.44.0")),
			want:     []string{"batch: sdk_version v1.40.0→v1.44.0"},
			comparab: true,
		},
		{
			// The same releases: nothing to say.
			name: "same", a: testRun(t, baseYAML), b: testRun(t, baseYAML),
			modsA: mods("v1.47.0", "v0.72.0", "v1.85.0"), modsB: mods("v1.47.0", "v0.72.0", "v1.85.0"),
			comparab: true,
		},
		{
			// A release and another setting: still incomparable.
			name: "release and queue", a: testRun(t, batchAt("v1.40.0")), b: testRun(t, strings.Replace(batchAt("v1.44.0"), "2048", "512", 1)),
			want:     []string{"batch: sdk_version v1.40.0→v1.44.0"},
			comparab: false,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range []struct {
				r    *results.Run
				mods map[string]string
			}{{tc.a, tc.modsA}, {tc.b, tc.modsB}} {
				for _, v := range s.r.Profile.Variants {
					s.r.Variants = append(s.r.Variants, results.VariantSetup{Name: v.Name, Kind: v.Kind, Modules: s.mods})
				}
			}
			var got []string
			for _, r := range Releases(tc.a, tc.b) {
				var parts []string
				for _, m := range r.Modules {
					parts = append(parts, m.Module+" "+m.A+"→"+m.B)
				}
				got = append(got, r.Variant+": "+strings.Join(parts, ", "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Releases =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if diffs := Differences(tc.a, tc.b); (len(diffs) == 0) != tc.comparab {
				t.Errorf("Differences = %v, comparable want %v", diffs, tc.comparab)
			}
		})
	}
}
