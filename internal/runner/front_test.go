package runner

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/otelbench/otelbench/internal/sink"
)

// TestFrontRoutesByProtocol checks that the front relays a gRPC exporter to
// the gRPC receiver and an HTTP exporter to the HTTP one, through one port:
// two sinks stand for the Collector's two receivers.
func TestFrontRoutesByProtocol(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	grpcSink, err := sink.Start(ctx, sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer grpcSink.Close()
	httpSink, err := sink.Start(ctx, sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer httpSink.Close()
	f, err := startFront(grpcSink.Addr(), httpSink.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()

	ge, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(f.Endpoint()))
	if err != nil {
		t.Fatal(err)
	}
	he, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(f.Endpoint()+sink.TracesPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		exp  sdktrace.SpanExporter
		n    int
		want *sink.Sink
	}{{ge, 3, grpcSink}, {he, 5, httpSink}} {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tc.exp))
		for range tc.n {
			_, sp := tp.Tracer("t").Start(ctx, "s")
			sp.End()
		}
		if err := tp.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if g, h := grpcSink.Stats().Spans, httpSink.Stats().Spans; g != 3 || h != 5 {
		t.Errorf("gRPC receiver got %d spans, HTTP receiver %d; want 3 and 5", g, h)
	}
	if gt, ht := grpcSink.Transport(), httpSink.Transport(); gt.Calls[sink.ProtocolGRPC] != 3 || ht.Calls[sink.ProtocolHTTPProtobuf] != 5 {
		t.Errorf("transports %+v / %+v", gt, ht)
	}
}
