// Package collector runs a real OpenTelemetry Collector as an OTLP backend
// for otelbench.
//
// The collector binary is built from collector/manifest.yaml by
// scripts/build-collector.sh (`make collector`); DefaultBinary finds it.
// Start writes a small configuration to a directory of the caller's choice
// (an OTLP/gRPC receiver on a free loopback port, optionally the batch
// processor, the nop exporter, and the collector's own metrics in
// Prometheus form on a second free loopback port), starts the process in a
// group of its own (under internal/proc) that dies with us on Linux, and
// returns once both ports answer.
// Endpoint is the value for OTEL_EXPORTER_OTLP_ENDPOINT.
//
// Counters scrapes the collector's own metrics and reports how many spans
// its receiver accepted, refused or failed, and how many its exporters
// took. The receiver counts a span before it answers the Export call, so
// Accepted is exact the moment the client's ForceFlush returns; with the
// batch processor in the pipeline, the exporter side (Exported) lags by up
// to the processor's timeout (200 ms by default). Stop ends the process:
// SIGTERM, then SIGKILL to the whole group if it does not exit in time.
//
// Where the embedded sink (internal/sink) keeps exact per-span ledgers
// in-process, this package answers a different question: what the code
// under test costs and loses when it talks to the real thing.
package collector
