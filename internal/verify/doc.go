// Package verify checks that a service's tracing is wired correctly, the way
// the classic guides to instrumenting a web service describe it: one server
// span per request with its work nested under it, the inbound traceparent
// honoured, route templates as span names, the standard attributes, health
// checks untraced, sampling that follows the upstream decision, context
// passed on to a downstream service and into goroutines, and spans that
// survive a graceful restart.
//
// Run starts the embedded sink (internal/sink, capturing whole spans), the
// service (the bundled otelbench-target, optionally built with one classic
// mistake, or the user's own command), a small downstream recorder, sends
// requests phase by phase with known trace ids, and hands what arrived to
// the checks. Each check (Parenting, Naming, Attributes, Excluded, Sampling,
// Downstream, Handoff, Orphans, Restart) is a pure function from what was
// sent and what arrived to a Check value: pass, fail, warn or n/a, with
// evidence lines naming trace ids, span names and ids. The package renders
// nothing; cmd/otelbench prints a Report.
package verify
