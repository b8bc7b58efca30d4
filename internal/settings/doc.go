// Package settings is the one description of the span pipeline otelbench
// measures and recommends: which span processor a tracer provider uses, the
// batch processor's options, the OTLP exporter's timeout and retry, and the
// sampler's ratio.
//
// The defaults come from one place: the SDK's own constants
// (sdktrace.DefaultMaxQueueSize and the rest) and the OTLP exporter's
// documented defaults. The SDK's clamp of a batch larger than the queue is
// applied once, by Batch.Clamped. A Tracing renders itself as the standard
// OTEL_* variables (Env) and as Go to paste into a service (Go).
//
// The package is pure: it imports nothing of otelbench, and package model,
// package profile, the recommender and the reports all use its types.
package settings
