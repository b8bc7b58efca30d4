package summary

import (
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
)

func TestRecommendable(t *testing.T) {
	sampled := func(r float64) settings.Tracing {
		s := settings.Default()
		s.SampleRatio = r
		return s
	}
	for _, tc := range []struct {
		name string
		v    VariantInfo
		want bool
	}{
		// The baseline is what overhead is measured against.
		{"none", VariantInfo{Kind: profile.KindNone}, false},
		// The instrumentation with no SDK sends nothing.
		{"noop", VariantInfo{Kind: profile.KindNoop}, false},
		// The SDK with nothing sampled sends nothing either.
		{"sampled 0", VariantInfo{Kind: profile.KindSampled, Settings: sampled(0)}, false},
		// Sampling some traces is a setting.
		{"sampled 0.1", VariantInfo{Kind: profile.KindSampled, Settings: sampled(0.1)}, true},
		{"batch", VariantInfo{Kind: profile.KindBatch, Settings: settings.Default()}, true},
		{"sync", VariantInfo{Kind: profile.KindSync, Settings: settings.Default()}, true},
	} {
		if got := tc.v.Recommendable(); got != tc.want {
			t.Errorf("%s: Recommendable() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
