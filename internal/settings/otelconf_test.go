package settings

import (
	"context"
	"errors"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/otelconf"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
)

// spanCounter is an OTLP gRPC trace service that counts the spans it
// receives.
type spanCounter struct {
	collectortrace.UnimplementedTraceServiceServer
	spans atomic.Int64
}

func (c *spanCounter) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			c.spans.Add(int64(len(ss.GetSpans())))
		}
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

// startCollector serves a spanCounter on 127.0.0.1:0 and returns it, its
// endpoint as an http:// URL and a function that stops it.
func startCollector(t *testing.T) (*spanCounter, string, func()) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &spanCounter{}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, c)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	return c, "http://" + lis.Addr().String(), func() { srv.Stop(); <-done }
}

// noConfigFileEnv keeps the environment's OTEL_CONFIG_FILE (which
// otelconf.NewSDK prefers to the configuration it is given) and the
// deprecated OTEL_EXPERIMENTAL_CONFIG_FILE (which makes it fail) out of
// the test.
func noConfigFileEnv(t *testing.T) {
	for _, k := range []string{"OTEL_CONFIG_FILE", "OTEL_EXPERIMENTAL_CONFIG_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestOtelConfLoads(t *testing.T) {
	noConfigFileEnv(t)
	small := Default()
	small.Batch = Batch{QueueSize: 64, MaxExportBatchSize: 16, BatchTimeout: 20 * time.Millisecond, ExportTimeout: time.Second}
	small.Exporter.Timeout = 500 * time.Millisecond
	sampled := Default()
	sampled.SampleRatio = 0.1
	sync := Default()
	sync.Processor = ProcessorSync
	clamped := Default()
	clamped.Batch.QueueSize = 100 // batch 512 above it: written as 100
	tests := []struct {
		name string
		t    Tracing
	}{
		// The SDK's defaults, every option spelt out.
		{"defaults", Default()},
		// A small queue with a short delay and short timeouts.
		{"small queue short delay", small},
		// ParentBased(TraceIDRatioBased(0.1)).
		{"sampled 10%", sampled},
		// The simple processor.
		{"sync", sync},
		// A batch above the queue is written as the SDK clamps it from
		// OTEL_BSP_*, since otelconf passes options, which it does not clamp.
		{"batch above queue", clamped},
		// No tracing: no tracer provider, otelconf makes a noop one.
		{"none", Tracing{Processor: ProcessorNone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counter, endpoint, stop := startCollector(t)
			data, err := tt.t.OtelConf(endpoint)
			if err != nil {
				t.Fatalf("OtelConf: %v", err)
			}
			cfg, err := otelconf.ParseYAML(data)
			if err != nil {
				t.Fatalf("ParseYAML: %v\n%s", err, data)
			}
			if cfg.FileFormat != OtelConfFileFormat {
				t.Errorf("file_format = %q, want %q", cfg.FileFormat, OtelConfFileFormat)
			}
			checkParsed(t, tt.t, endpoint, cfg)
			if t.Failed() {
				t.Logf("file:\n%s", data)
			}

			sdk, err := otelconf.NewSDK(otelconf.WithOpenTelemetryConfiguration(*cfg))
			if err != nil {
				t.Fatalf("NewSDK: %v\n%s", err, data)
			}
			if tt.t.Processor != ProcessorNone {
				if f := sdk.Propagator().Fields(); !slices.Contains(f, "traceparent") || !slices.Contains(f, "baggage") {
					t.Errorf("propagator fields = %v, want traceparent and baggage", f)
				}
			}
			tracer := sdk.TracerProvider().Tracer("otelconf_test")
			var kept int64
			for range 50 {
				_, span := tracer.Start(context.Background(), "op")
				if span.SpanContext().IsSampled() {
					kept++
				}
				span.End()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := sdk.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			// Shutdown flushes the batch processor, so the collector has
			// every sampled span: the endpoint and insecure took effect.
			if got := counter.spans.Load(); got != kept {
				t.Errorf("collector received %d spans, want the %d sampled", got, kept)
			}
			if tt.t.Processor == ProcessorBatch && !tt.t.Sampled() && kept != 50 {
				t.Errorf("%d of 50 spans sampled, want all", kept)
			}
			stop()
			goleak.VerifyNone(t)
		})
	}
}

// checkParsed checks that cfg, parsed from x.OtelConf(endpoint), holds
// x's processor, exporter and sampler.
func checkParsed(t *testing.T, x Tracing, endpoint string, cfg *otelconf.OpenTelemetryConfiguration) {
	t.Helper()
	tp := cfg.TracerProvider
	if x.Processor == ProcessorNone {
		if tp != nil {
			t.Errorf("tracer_provider = %+v, want none", tp)
		}
		return
	}
	if tp == nil || len(tp.Processors) != 1 {
		t.Fatalf("tracer_provider = %+v, want one processor", tp)
	}
	p := tp.Processors[0]
	var exp otelconf.SpanExporter
	switch x.Processor {
	case ProcessorBatch:
		if p.Batch == nil || p.Simple != nil {
			t.Fatalf("processor = %+v, want batch only", p)
		}
		b, want := p.Batch, x.Batch.Clamped()
		for _, f := range []struct {
			name      string
			got, want *int
		}{
			{"schedule_delay", b.ScheduleDelay, new(int(want.BatchTimeout / time.Millisecond))},
			{"export_timeout", b.ExportTimeout, new(int(want.ExportTimeout / time.Millisecond))},
			{"max_queue_size", b.MaxQueueSize, &want.QueueSize},
			{"max_export_batch_size", b.MaxExportBatchSize, &want.MaxExportBatchSize},
		} {
			if f.got == nil || *f.got != *f.want {
				t.Errorf("batch %s = %v, want %d", f.name, f.got, *f.want)
			}
		}
		exp = b.Exporter
	case ProcessorSync:
		if p.Simple == nil || p.Batch != nil {
			t.Fatalf("processor = %+v, want simple only", p)
		}
		exp = p.Simple.Exporter
	}
	g := exp.OTLPGrpc
	if g == nil || exp.OTLPHttp != nil || exp.Console != nil {
		t.Fatalf("exporter = %+v, want otlp_grpc only", exp)
	}
	if g.Endpoint == nil || *g.Endpoint != endpoint {
		t.Errorf("endpoint = %v, want %s", g.Endpoint, endpoint)
	}
	if want := int(x.Exporter.Timeout / time.Millisecond); g.Timeout == nil || *g.Timeout != want {
		t.Errorf("exporter timeout = %v, want %d", g.Timeout, want)
	}
	if g.Tls == nil || g.Tls.Insecure == nil || !*g.Tls.Insecure {
		t.Errorf("tls = %+v, want insecure for %s", g.Tls, endpoint)
	}
	s := tp.Sampler
	if s == nil || s.ParentBased == nil || s.ParentBased.Root == nil {
		t.Fatalf("sampler = %+v, want parent_based with a root", s)
	}
	root := s.ParentBased.Root
	if x.Sampled() {
		if r := root.TraceIDRatioBased; r == nil || r.Ratio == nil || *r.Ratio != x.SampleRatio {
			t.Errorf("root sampler = %+v, want trace_id_ratio_based %v", root, x.SampleRatio)
		}
	} else if root.AlwaysOn == nil || root.TraceIDRatioBased != nil {
		t.Errorf("root sampler = %+v, want always_on", root)
	}
}

func TestOtelConfComments(t *testing.T) {
	blocking := Default()
	blocking.Batch.Blocking = true
	noRetry := Default()
	noRetry.Exporter.Retry = Retry{}
	retry := Default()
	retry.Exporter.Retry = Retry{Enabled: true, InitialInterval: 100 * time.Millisecond, MaxInterval: time.Second, MaxElapsedTime: 2 * time.Second}
	tests := []struct {
		name string
		t    Tracing
		want []string
	}{
		// The defaults say that the file drops spans and retries as
		// recommended.
		{"defaults", Default(), []string{"# A full queue drops spans", "# recommended (initial interval 5s, max interval 30s, max elapsed 1m0s)", `file_format: "1.0"`}},
		// Blocking cannot be written: the comment says the file drops.
		{"blocking", blocking, []string{"# while the recommendation blocks (sdktrace.WithBlocking), which needs code."}},
		// Retry off cannot be written: the comment says the file retries.
		{"retry off", noRetry, []string{"# recommended (no retry),", "# which needs code: otlptracegrpc.WithRetry."}},
		// Another policy is named in full.
		{"retry", retry, []string{"# recommended (initial interval 100ms, max interval 1s, max elapsed 2s),"}},
		// No tracing says so.
		{"none", Tracing{}, []string{"# No tracing: no tracer_provider"}},
	}
	for _, tt := range tests {
		data, err := tt.t.OtelConf("")
		if err != nil {
			t.Fatalf("%s: OtelConf: %v", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s: OtelConf() lacks %q:\n%s", tt.name, w, data)
			}
		}
	}
}

func TestOtelConfEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		want     string // the endpoint written
		insecure bool   // tls.insecure written
	}{
		// None given: the schema's default, plaintext.
		{"default", "", DefaultOTLPEndpoint, true},
		// http:// is plaintext.
		{"http", "http://127.0.0.1:14317", "http://127.0.0.1:14317", true},
		// https:// gets no tls section: system TLS.
		{"https", "https://collector.example:4317", "https://collector.example:4317", false},
	}
	for _, tt := range tests {
		data, err := Default().OtelConf(tt.endpoint)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		cfg, err := otelconf.ParseYAML(data)
		if err != nil {
			t.Fatalf("%s: ParseYAML: %v", tt.name, err)
		}
		g := cfg.TracerProvider.Processors[0].Batch.Exporter.OTLPGrpc
		if *g.Endpoint != tt.want {
			t.Errorf("%s: endpoint = %s, want %s", tt.name, *g.Endpoint, tt.want)
		}
		if insecure := g.Tls != nil && g.Tls.Insecure != nil && *g.Tls.Insecure; insecure != tt.insecure {
			t.Errorf("%s: insecure = %v, want %v", tt.name, insecure, tt.insecure)
		}
	}
}

func TestOtelConfRejects(t *testing.T) {
	queue0 := Default()
	queue0.Batch.QueueSize = 0
	tests := []struct {
		name     string
		t        Tracing
		endpoint string
		want     string
		invalid  bool // wraps ErrInvalid
	}{
		// A bare host:port is not a URL otelbench writes (FACTS: ignored in the variable).
		{"bare host port", Default(), "127.0.0.1:4317", `endpoint "127.0.0.1:4317"`, false},
		// Another scheme.
		{"ftp", Default(), "ftp://collector:4317", `endpoint "ftp://collector:4317"`, false},
		// Queue 0: rejected as Validate does (otelconf rejects it too).
		{"queue 0", queue0, "", "queue size 0", true},
		// An unknown processor.
		{"unknown processor", Tracing{Processor: "async"}, "", `processor "async"`, false},
	}
	for _, tt := range tests {
		_, err := tt.t.OtelConf(tt.endpoint)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: OtelConf() = %v, want an error containing %q", tt.name, err, tt.want)
		}
		if errors.Is(err, ErrInvalid) != tt.invalid {
			t.Errorf("%s: errors.Is(ErrInvalid) = %v, want %v", tt.name, !tt.invalid, tt.invalid)
		}
	}
}
