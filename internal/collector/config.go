package collector

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
)

// configFile and logFile are the names Start uses inside Options.Dir.
const (
	configFile = "otelcol.yaml"
	logFile    = "otelcol.log"
)

// loopback is the only address the collector listens on.
const loopback = "127.0.0.1"

// configParams is what varies between the configurations Start writes.
type configParams struct {
	OTLPPort    int  // OTLP/gRPC receiver
	HTTPPort    int  // OTLP/HTTP receiver (protobuf and JSON)
	MetricsPort int  // the collector's own metrics, Prometheus text
	Batch       bool // the batch processor between receiver and exporter
}

// otlpAddr is the receiver's host:port.
func (p configParams) otlpAddr() string {
	return net.JoinHostPort(loopback, strconv.Itoa(p.OTLPPort))
}

// httpAddr is the OTLP/HTTP receiver's host:port.
func (p configParams) httpAddr() string {
	return net.JoinHostPort(loopback, strconv.Itoa(p.HTTPPort))
}

// metricsAddr is the Prometheus endpoint's host:port.
func (p configParams) metricsAddr() string {
	return net.JoinHostPort(loopback, strconv.Itoa(p.MetricsPort))
}

// featureGates are the collector feature gates Start turns on.
// telemetry.newPipelineTelemetry (alpha in v0.165.0) makes the pipeline
// count the items each component consumes and produces; without it the
// nop exporter counts nothing (it is not built on exporterhelper, so
// otelcol_exporter_sent_spans never appears) and Counters.Exported stays 0.
// The cost is one counter update per batch per component.
const featureGates = "telemetry.newPipelineTelemetry"

// collectorArgs are the collector's command-line arguments.
func collectorArgs(configPath string) []string {
	return []string{"--config", "file:" + configPath, "--feature-gates=" + featureGates}
}

// renderConfig returns the collector configuration (YAML) for p.
//
// Notes on the v0.165.0 syntax, which is easy to get wrong:
//   - service.telemetry.metrics takes OpenTelemetry declarative
//     configuration readers; the old `address: host:port` key is gone
//     (rejected, not migrated). A `readers` list replaces the built-in
//     default reader whole. v0.165.0 re-applies the without_* defaults to
//     it, older releases did not; they are spelled out here so that the
//     names stay otelcol_receiver_accepted_spans (no _total, no unit).
//   - the receiver's span counters are exported from level basic up (and
//     only after the first Export call); level none turns the metrics
//     endpoint off altogether. normal, the default, adds the batch
//     processor's metrics; detailed adds size histograms and per-RPC gRPC
//     metrics, which cost the collector more. normal it is.
//   - internal traces are off unless a processor is configured; level none
//     says so explicitly. Logs go to stderr, which Start sends to a file.
func renderConfig(p configParams) []byte {
	var b bytes.Buffer
	b.WriteString("# Written by otelbench (internal/collector) on every start; edits are lost.\n")
	b.WriteString("receivers:\n")
	b.WriteString("  otlp:\n")
	b.WriteString("    protocols:\n")
	b.WriteString("      grpc:\n")
	fmt.Fprintf(&b, "        endpoint: %s\n", p.otlpAddr())
	b.WriteString("      http:\n")
	fmt.Fprintf(&b, "        endpoint: %s\n", p.httpAddr())
	if p.Batch {
		b.WriteString("processors:\n")
		b.WriteString("  batch: {}\n")
	}
	b.WriteString("exporters:\n")
	b.WriteString("  nop: {}\n")
	b.WriteString("service:\n")
	b.WriteString("  telemetry:\n")
	b.WriteString("    logs:\n")
	b.WriteString("      level: info\n")
	b.WriteString("    traces:\n")
	b.WriteString("      level: none\n")
	b.WriteString("    metrics:\n")
	b.WriteString("      level: normal\n")
	b.WriteString("      readers:\n")
	b.WriteString("        - pull:\n")
	b.WriteString("            exporter:\n")
	b.WriteString("              prometheus:\n")
	fmt.Fprintf(&b, "                host: %s\n", loopback)
	fmt.Fprintf(&b, "                port: %d\n", p.MetricsPort)
	b.WriteString("                without_scope_info: true\n")
	b.WriteString("                without_type_suffix: true\n")
	b.WriteString("                without_units: true\n")
	b.WriteString("  pipelines:\n")
	b.WriteString("    traces:\n")
	b.WriteString("      receivers: [otlp]\n")
	if p.Batch {
		b.WriteString("      processors: [batch]\n")
	}
	b.WriteString("      exporters: [nop]\n")
	return b.Bytes()
}
