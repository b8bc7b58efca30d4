package targets

import (
	"context"
	"fmt"
	"os"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// exporterProtocol returns the OTLP protocol the standard variables ask for:
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else
// grpc, the Go target's default (the spec's default is http/protobuf, but
// Go's exporters are separate packages and read no protocol variable, so a
// Go service chooses in code; this target chooses grpc unless told).
func exporterProtocol() string {
	for _, k := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if p := os.Getenv(k); p != "" {
			return p
		}
	}
	return "grpc"
}

// newOTLPExporter creates the exporter for the protocol the variables ask
// for, with no options: OTEL_EXPORTER_OTLP_* decide the rest, exactly as on
// a user's service. The Go SDK has no OTLP/HTTP JSON exporter.
func newOTLPExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	switch p := exporterProtocol(); p {
	case "grpc":
		exp, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating otlptracegrpc exporter: %w", err)
		}
		return exp, nil
	case "http/protobuf":
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating otlptracehttp exporter: %w", err)
		}
		return exp, nil
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: this target exports grpc or http/protobuf (the Go SDK has no http/json exporter)", p)
	}
}
