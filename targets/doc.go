// Package targets is the service that otelbench measures: a small HTTP server
// modelled on a classic instrumented handler, built in one of three variants
// so that the runner can compare them.
//
//   - [VariantNone] serves the same routes with no OpenTelemetry at all: no
//     otelhttp, no SDK, no exporter, no spans.
//   - [VariantSync] wraps the routes in otelhttp and ends every span through
//     the SDK's SimpleSpanProcessor, so each request waits for its export.
//   - [VariantBatch] uses the SDK's BatchSpanProcessor, configured only by the
//     standard OTEL_BSP_* variables (plus an optional blocking flag).
//
// In the traced variants the exporter is otlptracegrpc built with no explicit
// options, and the sampler and resource come from the standard OTEL_*
// variables, so the environment decides exactly as it would on a user's
// service. The span processor and exporter are wrapped to time OnEnd and
// ExportSpans; those timings and a few counters are client_golang metrics on
// an injected registry, written to a file at shutdown for the runner. They
// account for every span ended: exported, failed, dropped by a full queue or
// lost at shutdown (see [wire.MetricSpansUnexportedAtExit]). With
// OTEL_GO_X_OBSERVABILITY=true the SDK's own metrics join them.
//
// [Run] is the whole lifecycle: build the telemetry, listen, announce
// readiness with one JSON line on stdout, serve until the context is done,
// then drain, flush and shut down within a bounded time.
package targets
