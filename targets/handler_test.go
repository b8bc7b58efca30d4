package targets

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelbench/otelbench/internal/wire"
)

// recordingTelemetry returns a traced telemetry whose spans land in the
// returned recorder.
func recordingTelemetry(t *testing.T) (*telemetry, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &telemetry{api: tp, tp: tp, propagators: newPropagators()}, rec
}

// serve starts a loopback server for the service and returns it with its
// metrics.
func serve(t *testing.T, work workload, tel *telemetry) (*httptest.Server, *Metrics) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	srv := httptest.NewServer(newService(work, tel, m, reg))
	t.Cleanup(srv.Close)
	return srv, m
}

// get sends a GET with optional headers and returns the status and body.
func get(t *testing.T, url string, header http.Header) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// attrs returns a span's attributes as a map.
func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]string {
	m := map[attribute.Key]string{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value.Emit()
	}
	return m
}

func TestProcessSpans(t *testing.T) {
	const (
		inboundTrace = "0af7651916cd43dd8448eb211c80319c"
		inboundSpan  = "b7ad6b7169203331"
	)
	tests := []struct {
		name        string
		extraSpans  int
		traceparent string // inbound header, "" for none
	}{
		// The plain case: server span and its logic child, a new trace.
		{name: "no extra spans", extraSpans: 0},
		// Extra steps are children of process_item_logic.
		{name: "three extra spans", extraSpans: 3},
		// An inbound traceparent becomes the server span's remote parent.
		{name: "inbound traceparent", extraSpans: 1, traceparent: "00-" + inboundTrace + "-" + inboundSpan + "-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tel, rec := recordingTelemetry(t)
			srv, m := serve(t, workload{extraSpans: tc.extraSpans}, tel)
			h := http.Header{}
			if tc.traceparent != "" {
				h.Set("traceparent", tc.traceparent)
			}
			code, body := get(t, srv.URL+"/process/42", h)
			if code != http.StatusOK || body != `{"item_id":"42","status":"completed"}` {
				t.Fatalf("got %d %q, want 200 with the JSON body", code, body)
			}
			if got := testutil.ToFloat64(m.requests); got != 1 {
				t.Errorf("requests = %v, want 1", got)
			}

			spans := rec.Ended()
			if want := 2 + tc.extraSpans; len(spans) != want {
				t.Fatalf("got %d spans, want %d", len(spans), want)
			}
			byName := map[string][]sdktrace.ReadOnlySpan{}
			for _, s := range spans {
				byName[s.Name()] = append(byName[s.Name()], s)
			}
			if len(byName["GET /process/{item_id}"]) != 1 || len(byName[spanLogic]) != 1 || len(byName[spanStep]) != tc.extraSpans {
				t.Fatalf("span names = %v", byName)
			}
			server, logic := byName["GET /process/{item_id}"][0], byName[spanLogic][0]
			if server.SpanKind() != trace.SpanKindServer {
				t.Errorf("server span kind = %v", server.SpanKind())
			}
			if logic.Parent().SpanID() != server.SpanContext().SpanID() || logic.SpanContext().TraceID() != server.SpanContext().TraceID() {
				t.Errorf("process_item_logic parent = %v, want the server span %v", logic.Parent(), server.SpanContext())
			}
			a := attrs(logic)
			if a[attrItemID] != "42" || a[attrStatus] != statusComplete {
				t.Errorf("process_item_logic attributes = %v", a)
			}
			for _, step := range byName[spanStep] {
				if step.Parent().SpanID() != logic.SpanContext().SpanID() {
					t.Errorf("process_item_step parent = %v, want process_item_logic", step.Parent().SpanID())
				}
			}

			parent := server.Parent()
			if tc.traceparent == "" {
				if parent.IsValid() {
					t.Errorf("server span has parent %v, want a root", parent)
				}
				return
			}
			if !parent.IsRemote() || parent.TraceID().String() != inboundTrace || parent.SpanID().String() != inboundSpan {
				t.Errorf("server span parent = %v (remote %v), want remote %s/%s", parent, parent.IsRemote(), inboundTrace, inboundSpan)
			}
			if server.SpanContext().TraceID().String() != inboundTrace {
				t.Errorf("server trace id = %v, want %s", server.SpanContext().TraceID(), inboundTrace)
			}
		})
	}
}

func TestUntracedRoutes(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string // substring of the body
	}{
		// The health check is filtered out of tracing.
		{name: "healthz", path: "/healthz", want: "ok"},
		// So is the metrics endpoint, which serves the injected registry.
		{name: "metrics", path: "/metrics", want: wire.MetricRequests + " 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tel, rec := recordingTelemetry(t)
			srv, _ := serve(t, workload{}, tel)
			code, body := get(t, srv.URL+tc.path, nil)
			if code != http.StatusOK || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d %q, want 200 containing %q", code, body, tc.want)
			}
			if n := len(rec.Ended()); n != 0 {
				t.Errorf("got %d spans, want none", n)
			}
		})
	}
}

func TestVariantNoneHasNoSpans(t *testing.T) {
	// Catch any span that would go through the global provider, which is what
	// otelhttp or a stray otel.Tracer would use.
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	defer otel.SetTracerProvider(prev)

	tel, err := newTelemetry(context.Background(), Config{Variant: VariantNone}, NewMetrics(prometheus.NewRegistry()), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tel.tp != nil || tel.tracer() != nil || tel.processor != nil {
		t.Fatalf("variant none built telemetry: %+v", tel)
	}
	srv, m := serve(t, workload{extraSpans: 2}, tel)
	code, body := get(t, srv.URL+"/process/7", http.Header{"Traceparent": {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}})
	if code != http.StatusOK || body != `{"item_id":"7","status":"completed"}` {
		t.Fatalf("got %d %q", code, body)
	}
	if got := testutil.ToFloat64(m.requests); got != 1 {
		t.Errorf("requests = %v, want 1", got)
	}
	if n := len(rec.Ended()); n != 0 {
		t.Errorf("variant none produced %d spans", n)
	}
}

func TestCPUWork(t *testing.T) {
	// Lower bounds only: a shared machine can only make things slower.
	const cpu = 20 * time.Millisecond
	tel, rec := recordingTelemetry(t)
	srv, _ := serve(t, workload{cpu: cpu}, tel)
	start := time.Now()
	if code, _ := get(t, srv.URL+"/process/1", nil); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if d := time.Since(start); d < cpu {
		t.Errorf("request took %v, want at least %v", d, cpu)
	}
	for _, s := range rec.Ended() {
		if s.Name() == spanLogic {
			if d := s.EndTime().Sub(s.StartTime()); d < cpu {
				t.Errorf("process_item_logic lasted %v, want at least %v", d, cpu)
			}
		}
	}
}

func TestDoWork(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		work workload
		ctx  context.Context
		want string
		min  time.Duration // lower bound on the time taken
	}{
		// CPU then sleep, both at least as long as asked.
		{name: "cpu and sleep", work: workload{cpu: 5 * time.Millisecond, sleep: 10 * time.Millisecond}, ctx: context.Background(), want: statusComplete, min: 15 * time.Millisecond},
		// A request whose context ends stops sleeping (an hour would hang).
		{name: "canceled sleep", work: workload{sleep: time.Hour}, ctx: canceled, want: statusCanceled},
		// Nothing to do is fine, and extra spans with no tracer are skipped.
		{name: "no work", work: workload{extraSpans: 5}, ctx: context.Background(), want: statusComplete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &processHandler{work: tc.work}
			start := time.Now()
			if got := h.doWork(tc.ctx); got != tc.want {
				t.Errorf("doWork = %q, want %q", got, tc.want)
			}
			if d := time.Since(start); d < tc.min {
				t.Errorf("took %v, want at least %v", d, tc.min)
			}
		})
	}
}
