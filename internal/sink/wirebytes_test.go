package sink

import (
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// maxIdleBytes bounds what an idle connection may carry in one period:
// a few HTTP/2 control frames, far below one exported span.
const maxIdleBytes = 64

// TestWireBytes checks that the sink counts the bytes that came over the
// exporters' connections: the real gRPC and HTTP exporters, plain and
// gzipped, deliver the same spans; every plain one brings at least the
// spans' ids, gzip brings less than plain over the same transport, and
// the count starts again with each period.
func TestWireBytes(t *testing.T) {
	const traces, children = 200, 2
	spansSent := int64(traces * (1 + children))
	// minSpanBytes is less than any span's encoding: its trace and span
	// ids alone take 16 + 8 bytes plus their tags.
	const minSpanBytes = 26
	got := map[string]int64{}
	for _, tc := range []struct {
		name string
		exp  func(*Sink) sdktrace.SpanExporter
	}{
		{"grpc", func(s *Sink) sdktrace.SpanExporter { return newExporter(t, s) }},
		{"grpc gzip", func(s *Sink) sdktrace.SpanExporter { return newExporter(t, s, otlptracegrpc.WithCompressor("gzip")) }},
		{"http", func(s *Sink) sdktrace.SpanExporter { return newHTTPExporter(t, s) }},
		{"http gzip", func(s *Sink) sdktrace.SpanExporter {
			return newHTTPExporter(t, s, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
		}},
	} {
		s := startSink(t, Options{})
		spans, _ := recordSpans(t, traces, children)
		if err := tc.exp(s).ExportSpans(t.Context(), spans); err != nil {
			t.Fatalf("%s: ExportSpans: %v", tc.name, err)
		}
		snap := s.Reset()
		if snap.Spans != spansSent {
			t.Fatalf("%s: %d spans received, want %d", tc.name, snap.Spans, spansSent)
		}
		got[tc.name] = snap.Transport.WireBytes
		// An idle period carries no export; HTTP/2 may still send a
		// control frame or two (a window update, a ping ack: 9-byte
		// headers with small payloads) that arrive after the Reset.
		if next := s.Reset(); next.Spans != 0 || next.Transport.WireBytes > maxIdleBytes {
			t.Errorf("%s: an idle period counted %d spans and %d bytes, want none and at most %d bytes of control frames", tc.name, next.Spans, next.Transport.WireBytes, maxIdleBytes)
		}
	}
	for _, tr := range []string{"grpc", "http"} {
		plain, gz := got[tr], got[tr+" gzip"]
		if plain < spansSent*minSpanBytes {
			t.Errorf("%s: %d bytes for %d spans, want at least %d per span", tr, plain, spansSent, minSpanBytes)
		}
		if gz <= 0 || gz >= plain {
			t.Errorf("%s: gzip %d bytes against %d plain, want fewer but some", tr, gz, plain)
		}
	}
	t.Logf("bytes for %d spans: %v", spansSent, got)
}
