package targets

import (
	"go.opentelemetry.io/otel"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// newNoopTelemetry is VariantNoop's tracing: otelhttp and the handler's
// manual spans against the API's noop TracerProvider, with the same
// propagators as the traced variants (installed globally, as a service
// would), so that the request path does everything instrumentation does
// before the SDK: extract the inbound context, build otelhttp's
// attributes, start and end non-recording spans. What the SDK adds on top
// is the difference between this variant and an SDK variant; what the
// instrumentation costs by itself is the difference between this one and
// VariantNone. There is no SDK, processor, exporter or error handler, so
// the ready line reports no processor and nothing is sent. Config.Validate
// refuses a mistake with it: a wiring mistake shows only in spans sent.
func newNoopTelemetry() *telemetry {
	prop := newPropagators()
	otel.SetTextMapPropagator(prop)
	return &telemetry{api: tracenoop.NewTracerProvider(), propagators: prop, mistake: MistakeNone}
}
