package sink

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// exportTo exports spans to s through the real OTLP/gRPC exporter, once,
// and shuts the exporter down.
func exportTo(t *testing.T, s *Sink, spans []sdktrace.ReadOnlySpan) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	exp, err := otlptracegrpc.New(ctx,
		otlptracegrpc.WithEndpointURL(s.Endpoint()),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatalf("otlptracegrpc.New: %v", err)
	}
	defer func() { _ = exp.Shutdown(ctx) }()
	if err := exp.ExportSpans(ctx, spans); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
}

// startCapturing starts a sink with opts and closes it when the test ends.
func startCapturing(t *testing.T, opts Options) *Sink {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// requestSpans makes one server span with a remote parent, a child with an
// attribute, and a root linked to the server span, for service "svc".
func requestSpans(t *testing.T) (spans []sdktrace.ReadOnlySpan, remote trace.SpanContext) {
	t.Helper()
	rec := newEndedRecorder()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(rec),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "svc"))),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tr := tp.Tracer("capture_test")
	ts, err := trace.ParseTraceState("vendor=x")
	if err != nil {
		t.Fatal(err)
	}
	remote = trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{1, 2, 3},
		SpanID:     trace.SpanID{4, 5, 6},
		TraceFlags: trace.FlagsSampled,
		TraceState: ts,
		Remote:     true,
	})
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), remote)
	ctx, server := tr.Start(ctx, "GET /items/{id}", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.Int("http.response.status_code", 200), attribute.StringSlice("tags", []string{"a", "b"})))
	_, child := tr.Start(ctx, "work", trace.WithAttributes(attribute.String("item.id", "7")))
	child.End()
	_, bg := tr.Start(context.Background(), "background", trace.WithNewRoot(), trace.WithLinks(trace.LinkFromContext(ctx)))
	bg.End()
	server.End()
	return rec.spans, remote
}

// endedRecorder keeps ended spans; a minimal tracetest.SpanRecorder.
type endedRecorder struct{ spans []sdktrace.ReadOnlySpan }

func newEndedRecorder() *endedRecorder                                   { return &endedRecorder{} }
func (r *endedRecorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (r *endedRecorder) OnEnd(s sdktrace.ReadOnlySpan)                   { r.spans = append(r.spans, s) }
func (r *endedRecorder) Shutdown(context.Context) error                  { return nil }
func (r *endedRecorder) ForceFlush(context.Context) error                { return nil }

func TestCaptureDecodesSpans(t *testing.T) {
	s := startCapturing(t, Options{Capture: true})
	spans, remote := requestSpans(t)
	exportTo(t, s, spans)

	if n := s.HeldSpans(); n != 3 {
		t.Fatalf("HeldSpans = %d, want 3", n)
	}
	got := s.TakeSpans()
	if got.Dropped != 0 || len(got.Spans) != 3 {
		t.Fatalf("TakeSpans = %d spans, %d dropped; want 3, 0", len(got.Spans), got.Dropped)
	}
	by := map[string]Span{}
	for _, sp := range got.Spans {
		by[sp.Name] = sp
	}
	server, work, bg := by["GET /items/{id}"], by["work"], by["background"]

	// The server span: remote parent, kind, attributes of several types,
	// resource, trace state, times.
	if server.Kind != SpanKindServer || server.Kind.String() != "server" {
		t.Errorf("server kind = %v", server.Kind)
	}
	if server.TraceID != TraceID(remote.TraceID()) || server.ParentSpanID != SpanID(remote.SpanID()) {
		t.Errorf("server ids = %s/%s, parent %s; want trace %s, parent %s", server.TraceID, server.SpanID, server.ParentSpanID, remote.TraceID(), remote.SpanID())
	}
	if !server.ParentKnown || !server.ParentRemote {
		t.Errorf("server parent known %v remote %v, want both", server.ParentKnown, server.ParentRemote)
	}
	if server.Attributes["http.response.status_code"] != "200" || server.Attributes["tags"] != "[a b]" {
		t.Errorf("server attributes = %v", server.Attributes)
	}
	if server.Resource["service.name"] != "svc" || server.Scope != "capture_test" || server.TraceState != "vendor=x" {
		t.Errorf("resource %v, scope %q, tracestate %q", server.Resource, server.Scope, server.TraceState)
	}
	if server.Start.IsZero() || server.End.Before(server.Start) {
		t.Errorf("server times %v .. %v", server.Start, server.End)
	}

	// The child: a local parent, the server span.
	if work.ParentSpanID != server.SpanID || work.ParentRemote || !work.ParentKnown || work.Attributes["item.id"] != "7" {
		t.Errorf("work = %+v, want a local child of %s", work, server.SpanID)
	}

	// The background root: no parent, a link back to the server span.
	if !bg.ParentSpanID.IsZero() || bg.TraceID == server.TraceID || len(bg.Links) != 1 ||
		bg.Links[0] != (Link{TraceID: server.TraceID, SpanID: server.SpanID}) {
		t.Errorf("background = %+v, want a new root linked to the server span", bg)
	}

	// Taken means forgotten; the ledger still counted everything.
	if again := s.TakeSpans(); len(again.Spans) != 0 {
		t.Errorf("second TakeSpans = %d spans, want 0", len(again.Spans))
	}
	if st := s.Stats(); st.Spans != 3 {
		t.Errorf("ledger counted %d spans, want 3", st.Spans)
	}
}

func TestCaptureOptions(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		wantHeld    int
		wantDropped int64
	}{
		// Without Capture nothing is decoded or kept; counting goes on.
		{name: "off", opts: Options{}, wantHeld: 0},
		// The limit keeps the first spans and counts the rest as dropped.
		{name: "limit", opts: Options{Capture: true, CaptureLimit: 2}, wantHeld: 2, wantDropped: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startCapturing(t, tc.opts)
			spans, _ := requestSpans(t)
			exportTo(t, s, spans)
			if n := s.HeldSpans(); n != tc.wantHeld {
				t.Errorf("HeldSpans = %d, want %d", n, tc.wantHeld)
			}
			got := s.TakeSpans()
			if len(got.Spans) != tc.wantHeld || got.Dropped != tc.wantDropped {
				t.Errorf("TakeSpans = %d spans, %d dropped; want %d, %d", len(got.Spans), got.Dropped, tc.wantHeld, tc.wantDropped)
			}
			if st := s.Stats(); st.Spans != 3 {
				t.Errorf("ledger counted %d spans, want 3", st.Spans)
			}
		})
	}
}

func TestSpanIDString(t *testing.T) {
	id := SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
	if got := id.String(); got != "00f067aa0ba902b7" {
		t.Errorf("String = %q", got)
	}
	if id.IsZero() || !(SpanID{}).IsZero() {
		t.Error("IsZero wrong")
	}
}
