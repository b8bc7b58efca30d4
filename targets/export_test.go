package targets

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"

	"github.com/otelbench/otelbench/internal/wire"
)

// sink is a minimal OTLP/gRPC trace receiver on loopback that counts spans
// and remembers the service names it saw.
type sink struct {
	coltracepb.UnimplementedTraceServiceServer

	mu       sync.Mutex
	spans    int
	services map[string]bool
}

// Export counts the spans of one request.
func (s *sink) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				s.services[kv.GetValue().GetStringValue()] = true
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			s.spans += len(ss.GetSpans())
		}
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// counts returns the spans received and the service names seen.
func (s *sink) counts() (int, map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spans, s.services
}

// startSink serves a sink on a free loopback port and returns it with its
// endpoint URL. It stops when the test ends.
func startSink(t *testing.T) (*sink, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{services: map[string]bool{}}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return s, "http://" + ln.Addr().String()
}

func TestRunExportsToCollector(t *testing.T) {
	observed := map[string]string{"OTEL_GO_X_OBSERVABILITY": "true"}
	tests := []struct {
		name    string
		variant Variant
		env     map[string]string
		want    int      // spans at the sink for 2 requests with 1 extra span
		sdk     []string // starts of lines of the SDK's own metrics expected
	}{
		// The simple processor exports each span as it ends.
		{name: "sync", variant: VariantSync, want: 6},
		// The batch processor exports at the final flush at the latest.
		{name: "batch", variant: VariantBatch, want: 6},
		// The sampler comes from the environment: nothing is sampled, nothing
		// reaches the processor or the sink.
		{name: "batch always_off", variant: VariantBatch, env: map[string]string{"OTEL_TRACES_SAMPLER": "always_off"}, want: 0},
		// The SDK's self-observability, in the final file beside ours.
		{
			name: "batch observed", variant: VariantBatch, env: observed, want: 6,
			sdk: []string{
				wire.SDKMetricSpanStarted + `{otel_scope_name="go.opentelemetry.io/otel/sdk/trace/internal/observ",otel_scope_schema_url="https://opentelemetry.io/schemas/1.43.0",otel_scope_version="1.47.0",otel_span_parent_origin="none",otel_span_sampling_result="RECORD_AND_SAMPLE"} 2`,
				wire.SDKMetricProcessorSpanProcessed + `{otel_component_name="batching_span_processor/`,
				wire.SDKMetricExporterSpanExported + `{otel_component_name="otlp_grpc_span_exporter/`,
			},
		},
		// Likewise with the simple processor.
		{
			name: "sync observed", variant: VariantSync, env: observed, want: 6,
			sdk: []string{
				wire.SDKMetricProcessorSpanProcessed + `{otel_component_name="simple_span_processor/`,
				wire.SDKMetricExporterSpanExported + `{otel_component_name="otlp_grpc_span_exporter/`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, endpoint := startSink(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
			t.Setenv("OTEL_SERVICE_NAME", "")
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "")
			t.Setenv("OTEL_GO_X_OBSERVABILITY", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.sdk != nil {
				t.Cleanup(func() { otel.SetMeterProvider(metricnoop.NewMeterProvider()) })
			}
			final := filepath.Join(t.TempDir(), "final.prom")
			r := startRun(t, Config{Variant: tc.variant, ExtraSpans: 1, FinalMetricsPath: final})
			if r.ready.Observability != (tc.sdk != nil) {
				t.Errorf("ready observability = %v", r.ready.Observability)
			}
			for _, path := range []string{"/process/1", "/process/2", "/healthz"} {
				if code, _ := get(t, "http://"+r.ready.Addr+path, nil); code != http.StatusOK {
					t.Errorf("GET %s: %d", path, code)
				}
			}
			if err := r.stop(t); err != nil {
				t.Fatalf("Run: %v\nstderr: %s", err, r.stderr)
			}

			spans, services := s.counts()
			if spans != tc.want {
				t.Errorf("sink received %d spans, want %d", spans, tc.want)
			}
			if tc.want > 0 && (len(services) != 1 || !services[defaultServiceName]) {
				t.Errorf("service names at the sink = %v, want only %s", services, defaultServiceName)
			}
			b, err := os.ReadFile(final)
			if err != nil {
				t.Fatal(err)
			}
			want := strconv.Itoa(tc.want)
			for _, line := range []string{
				wire.MetricRequests + " 2",
				wire.MetricSpansEnded + " " + want,
				wire.MetricExportStartedSpans + " " + want,
				wire.MetricExportedSpans + `{result="success"} ` + want,
				wire.MetricExportErrors + " 0",
				wire.MetricOtelErrors + " 0",
				wire.MetricSpansEndedBeforeShutdown + " " + want,
				wire.MetricShutdownClean + " 1",
				wire.MetricShutdownDrained + " 1",
				wire.MetricSpansUnexportedAtExit + " 0",
			} {
				if !strings.Contains(string(b), line+"\n") {
					t.Errorf("final metrics lack %q", line)
				}
			}
			for _, start := range tc.sdk {
				if !strings.Contains(string(b), "\n"+start) {
					t.Errorf("final metrics lack a line starting %q", start)
				}
			}
			if tc.sdk == nil && strings.Contains(string(b), "otel_sdk_") {
				t.Errorf("final metrics hold SDK metrics without OTEL_GO_X_OBSERVABILITY")
			}
			if strings.Contains(string(b), wire.MetricExportFailedSpans+"{") {
				t.Errorf("final metrics count failed spans")
			}
		})
	}
}
