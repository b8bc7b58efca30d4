package runner

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

// minExpectedTraces is how many traces a sampled cell must have been
// expected to keep before receiving none counts as a failure: at 20 the
// chance of none by luck is e^-20.
const minExpectedTraces = 20

// receiptOf is how a cell's spans reached the embedded sink, from its
// snapshot; nil for a receiver that reports no transport (a Collector).
func receiptOf(snap sink.Snapshot, embedded bool) *results.Receipt {
	if !embedded {
		return nil
	}
	tr := snap.Transport
	rc := &results.Receipt{Refused: tr.Refused, LastRefused: tr.LastRefused, Conns: map[string]int64{},
		WireBytes: tr.WireBytes, WireSpans: tr.HandlerSpans}
	for _, p := range tr.Used() {
		rc.Protocols = append(rc.Protocols, p.String())
	}
	for _, n := range tr.Calls {
		rc.Calls += n
	}
	for k, name := range []string{sink.ConnGRPC: "grpc", sink.ConnHTTP: "http", sink.ConnTLS: "tls", sink.ConnOther: "other"} {
		if n := tr.Conns[k]; n > 0 {
			rc.Conns[name] = n
		}
	}
	for _, r := range snap.Resources {
		rc.Resources = append(rc.Resources, results.Resource(r))
	}
	return rc
}

// noDelivery says why a traced cell whose service served requests
// delivered no span, or returns nil when it delivered, was not expected
// to (the baseline; a sampled variant with too few requests to expect a
// trace) or met the sink's own faults (outages and black holes refuse on
// purpose). served counts the successful requests; rc is nil with a
// Collector; tail is the service's last lines of output.
func noDelivery(v profile.Variant, p *profile.Profile, served int64, s results.Spans, rc *results.Receipt, tail []string) *results.NoDelivery {
	if !v.Kind.Exports() || served == 0 || s.Received > 0 || len(p.Sink.FaultWindows()) > 0 {
		return nil
	}
	if v.Kind == profile.KindSampled && v.SampleRatio != nil && float64(served)*(*v.SampleRatio) < minExpectedTraces {
		return nil
	}
	nd := &results.NoDelivery{LogTail: tail}
	hint := logHint(tail)
	switch {
	case rc == nil:
		nd.Cause = results.NoDeliveryUnknown
	case rc.Conns["tls"] > 0:
		nd.Cause = results.NoDeliveryTLS
		nd.Evidence = fmt.Sprintf("%d connections opened with a TLS handshake", rc.Conns["tls"])
	case rc.Refused > 0:
		nd.Cause = results.NoDeliveryPath
		nd.Evidence = fmt.Sprintf("%d HTTP requests were not trace exports, the last %s", rc.Refused, rc.LastRefused)
	case rc.Calls > 0:
		// Calls arrived but none could be counted; with no fault, the sink
		// refuses only what it cannot read.
		nd.Cause = results.NoDeliveryMalformed
		nd.Evidence = fmt.Sprintf("%d export calls could not be read", rc.Calls)
	case rc.Conns["other"] > 0:
		nd.Cause = results.NoDeliveryProtocol
		nd.Evidence = fmt.Sprintf("%d connections spoke neither gRPC nor HTTP", rc.Conns["other"])
	default:
		nd.Cause = results.NoDeliveryNoConnection
	}
	if hint != "" {
		if nd.Evidence != "" {
			nd.Evidence += "; "
		}
		nd.Evidence += "the service's log says: " + hint
	}
	return nd
}

// logPatterns are what exporters write when they cannot deliver, by the
// cause they point to (lower case).
var logPatterns = []string{
	"expected http/", "parse error", "protocol error", "malformed http", "http2", "unexpected eof",
	"econnrefused", "connection refused", "unavailable", "deadline", "timeout",
	"tls", "certificate", "x509", "handshake", "ssl",
	"404", "not found", "unimplemented", "unknown service", "415", "unsupported media",
	"exporter", "export", "otlp",
}

// logHint returns the last line of tail that names a delivery problem,
// trimmed; "" when none does.
func logHint(tail []string) string {
	for i := len(tail) - 1; i >= 0; i-- {
		l := strings.ToLower(tail[i])
		for _, p := range logPatterns {
			if strings.Contains(l, p) {
				return truncate(strings.TrimSpace(tail[i]), 300)
			}
		}
	}
	return ""
}

// noDeliveryError is the cell's error for nd.
func noDeliveryError(served int64, nd *results.NoDelivery, endpoint string) error {
	return fmt.Errorf("served %d requests but delivered no span to %s: %s", served, endpoint, noDeliveryText(nd))
}

// noDeliveryText says what nd's cause likely is and what to check.
func noDeliveryText(nd *results.NoDelivery) string {
	var why string
	switch nd.Cause {
	case results.NoDeliveryTLS:
		why = "the exporter tried TLS; the receiver is plain text (the endpoint's http:// scheme or OTEL_EXPORTER_OTLP_INSECURE=true was not honoured, or TLS is configured in code)"
	case results.NoDeliveryPath:
		why = "the exporter posted somewhere other than /v1/traces, or in a content type other than protobuf or JSON (an OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must include /v1/traces)"
	case results.NoDeliveryMalformed:
		why = "its export calls arrived but could not be read as OTLP trace exports"
	case results.NoDeliveryProtocol:
		why = "the exporter connected but spoke neither OTLP/gRPC nor OTLP/HTTP"
	case results.NoDeliveryNoConnection:
		why = "nothing connected to the receiver: the exporter points elsewhere (an endpoint in code, OTEL_EXPORTER_OTLP_ENDPOINT not read), no exporter or span processor is installed, or spans are never flushed before exit (SIGTERM must call the SDK's shutdown)"
	default:
		why = "the receiver cannot say why (a real Collector counts only what arrives); check the service's log below and run otelbench verify"
	}
	if nd.Evidence != "" {
		why += " — " + nd.Evidence
	}
	return why
}
