// Package testsvc gives tests the services in testdata/services: real
// services in other languages, traced with their own OpenTelemetry SDKs,
// that otelbench runs as a user's own service (-cmd, -url).
//
// Root finds the repository; Installed says whether a service has been
// installed (by scripts/install-services.sh, from its lock files) and
// Require skips a test when it has not, or fails it when CI is set, since
// CI installs them. Lookup returns a Spec for each service and variant:
// the -cmd string, the URL template with {port} and {id}, the variant's
// own variables and what the service is known to do, measured by this
// package's test, which runs every variant as a real process against the
// embedded sink (gRPC) or an OTLP/HTTP receiver of its own.
//
// Measured spans per traced GET /process/{id} (Spec.SpansPerRequest):
//
//   - Node, 3: the http instrumentation's server span, named
//     "GET /process/:item_id" once express has matched the route, the
//     express instrumentation's "request handler" (express 5 adds no
//     middleware spans for query parsing or init), and process_item_logic.
//     A traced /healthz ends 2 (server, request handler).
//   - FastAPI, 4: the ASGI middleware's server span "GET /process/{item_id}",
//     two internal "GET /process/{item_id} http send" spans (one per ASGI
//     send message: the response start and the body), and
//     process_item_logic. A traced /healthz ends 3.
//
// Every span's resource carries service.name from OTEL_SERVICE_NAME and
// the SDK in Spec.SDK: telemetry.sdk.language "nodejs", name
// "opentelemetry", version "2.12.0" (the JS SDK's core release, not
// sdk-node's 0.223.0) for Node, with host.* and process.* attributes
// (process.command_args included) from NodeSDK's default detectors; and
// "python", "opentelemetry", "1.45.2" for FastAPI, with a random
// service.instance.id and nothing of the host or process.
//
// What else the test checks, for each variant: exit status 0 (or death by
// SIGTERM where Spec.DiesBySIGTERM), spans arriving under the request's
// trace id with the server span's parent taken from traceparent, exports
// of at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans leaving as soon as that
// many wait, the remainder only with the shutdown's flush, /healthz traced
// or not as Spec.TracesHealthz says, nothing at all from a variant that
// does not flush (all its spans were queued: a schedule delay of a minute)
// nor under OTEL_TRACES_SAMPLER=always_off, which otelbench's baseline
// uses, despite the sampled parent.
package testsvc
