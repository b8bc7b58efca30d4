package summary

import "github.com/otelbench/otelbench/internal/profile"

// Recommendable reports whether the variant is a way to trace that advice
// may propose: it runs the SDK and exports (profile.Kind.Exports) and
// samples something. The baseline is not, nor are the variants that
// measure the floor of tracing's cost: noop (the instrumentation with no
// SDK) and kind sampled with ratio 0 (the SDK with nothing sampled), which
// would look cheapest and send nothing.
func (v VariantInfo) Recommendable() bool { return v.Sends() }

// Sends reports whether the variant's target sends spans: it exports
// (profile.Kind.Exports) and samples something.
func (v VariantInfo) Sends() bool {
	return v.Kind.Exports() && !(v.Kind == profile.KindSampled && v.Settings.SampleRatio == 0)
}
