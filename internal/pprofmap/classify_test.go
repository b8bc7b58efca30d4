package pprofmap

import (
	"bytes"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		stack []string // leaf first
		want  Component
	}{
		// The handler's busy loop, with time.Now (generic) as the leaf.
		{"handler busy loop", []string{"time.Now", "github.com/otelbench/otelbench/targets.burnCPU", "github.com/otelbench/otelbench/targets.(*processHandler).ServeHTTP", "net/http.(*ServeMux).ServeHTTP", "net/http.serverHandler.ServeHTTP", "net/http.(*conn).serve"}, App},
		// A response write: syscalls and net are generic, net/http is not.
		{"response write", []string{"internal/runtime/syscall.Syscall6", "syscall.write", "internal/poll.(*FD).Write", "net.(*conn).Write", "net/http.checkConnErrorWriter.Write", "bufio.(*Writer).Flush", "net/http.(*response).finishRequest", "net/http.(*conn).serve"}, NetHTTP},
		// otelhttp's semconv under its handler.
		{"semconv", []string{"runtime.mallocgc", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp/internal/semconv.HTTPServer.RecordMetrics", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP"}, Otelhttp},
		// The propagator extracting traceparent.
		{"propagator", []string{"strings.Split", "go.opentelemetry.io/otel/propagation.TraceContext.extract", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP"}, Otelhttp},
		// An allocation in span start is span start, not the runtime.
		{"span start alloc", []string{"runtime.mallocgc", "runtime.newobject", "go.opentelemetry.io/otel/sdk/trace.(*tracer).newRecordingSpan", "go.opentelemetry.io/otel/sdk/trace.(*tracer).Start", "github.com/otelbench/otelbench/targets.(*processHandler).ServeHTTP"}, SDKStart},
		// The trace API is generic: its caller decides.
		{"trace API", []string{"go.opentelemetry.io/otel/trace.SpanFromContext", "go.opentelemetry.io/otel/sdk/trace.(*tracer).Start"}, SDKStart},
		{"sampler", []string{"go.opentelemetry.io/otel/sdk/trace.traceIDRatioSampler.ShouldSample", "go.opentelemetry.io/otel/sdk/trace.parentBased.ShouldSample", "go.opentelemetry.io/otel/sdk/trace.(*tracer).newSpan"}, SDKSampler},
		{"attributes", []string{"go.opentelemetry.io/otel/attribute.computeDistinct", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).SetAttributes"}, SDKAttributes},
		{"span end", []string{"runtime.memmove", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).snapshot", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End"}, SDKEnd},
		// The batch processor's channel send, from the span's End.
		{"queue", []string{"runtime.selectnbsend", "go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).enqueueDrop", "go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).OnEnd", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End"}, Processor},
		// The worker goroutine's own code.
		{"worker", []string{"runtime.selectgo", "go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).processQueue", "go.opentelemetry.io/otel/sdk/trace.NewBatchSpanProcessor.func1"}, Processor},
		{"transform", []string{"go.opentelemetry.io/otel/exporters/otlp/otlptrace/internal/tracetransform.Spans", "go.opentelemetry.io/otel/exporters/otlp/otlptrace.(*Exporter).ExportSpans", "github.com/otelbench/otelbench/targets.(*timedExporter).ExportSpans"}, Export},
		// The marshal runs under gRPC but is protobuf's.
		{"marshal", []string{"runtime.memmove", "google.golang.org/protobuf/internal/impl.(*MessageInfo).marshal", "google.golang.org/protobuf/proto.MarshalOptions.marshal", "google.golang.org/grpc/encoding/proto.(*codecV2).Marshal", "google.golang.org/grpc.encode", "google.golang.org/grpc.(*clientStream).SendMsg"}, Export},
		{"grpc write", []string{"syscall.write", "net.(*conn).Write", "google.golang.org/grpc/internal/transport.(*bufWriter).Flush", "google.golang.org/grpc/internal/transport.(*loopyWriter).run"}, Transport},
		// otlptracegrpc sits under the otlptrace tree but is transport.
		{"otlptracegrpc", []string{"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc.(*client).UploadTraces"}, Transport},
		// net/http's client side is transport (OTLP/HTTP), not net/http.
		{"http client", []string{"bufio.(*Writer).Flush", "net/http.(*persistConn).writeLoop"}, Transport},
		{"gc assist", []string{"runtime.scanobject", "runtime.gcDrainN", "runtime.gcAssistAlloc1", "runtime.gcAssistAlloc", "runtime.mallocgc", "go.opentelemetry.io/otel/sdk/trace.(*tracer).newRecordingSpan"}, GCAssist},
		{"gc background", []string{"runtime.scanobject", "runtime.gcDrain", "runtime.gcBgMarkWorker.func2", "runtime.systemstack", "runtime.gcBgMarkWorker"}, GCBackground},
		{"gc pseudo-frame", []string{"runtime._GC"}, GCBackground},
		{"scheduler", []string{"runtime.futex", "runtime.notesleep", "runtime.stopm", "runtime.findRunnable", "runtime.schedule", "runtime.park_m", "runtime.mcall"}, Runtime},
		{"system pseudo-frame", []string{"runtime._System"}, Runtime},
		// The timing wrappers are otelbench's, not the SDK's.
		{"timing wrapper", []string{"time.Now", "github.com/otelbench/otelbench/targets.(*timedProcessor).OnEnd", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End"}, Harness},
		{"profiler", []string{"runtime/pprof.(*profileBuilder).addCPUData", "runtime/pprof.profileWriter"}, Harness},
		// client_golang's counter is charged to its caller.
		{"request counter", []string{"sync/atomic.(*Uint64).Add", "github.com/prometheus/client_golang/prometheus.(*counter).Inc", "github.com/otelbench/otelbench/targets.(*processHandler).ServeHTTP"}, App},
		// Its HTTP handler is not generic: a scrape is the service's work.
		{"metrics scrape", []string{"github.com/prometheus/client_golang/prometheus.(*Registry).Gather", "github.com/prometheus/client_golang/prometheus/promhttp.HandlerForTransactional.func1", "net/http.HandlerFunc.ServeHTTP"}, App},
		// A user's service: unknown packages are application work.
		{"user code", []string{"encoding/json.Marshal", "example.com/shop/orders.(*Handler).Get", "net/http.HandlerFunc.ServeHTTP"}, App},
		// Type parameters do not confuse the package.
		{"generic instance", []string{"sync/atomic.(*Pointer[go.opentelemetry.io/otel/sdk/trace.spanProcessorStates]).Load", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End"}, SDKEnd},
		{"compiler generated", []string{"type:.eq.go.opentelemetry.io/otel/attribute.Value", "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).SetAttributes"}, SDKAttributes},
		// Generic code with no runtime frame and no caller.
		{"orphan", []string{"sync.(*Mutex).Lock"}, Other},
		{"empty stack", nil, Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.stack); got != tt.want {
				t.Errorf("Classify(%q) = %s, want %s", tt.stack, got, tt.want)
			}
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ name, pkg, fn string }{
		{"net/http.(*conn).serve", "net/http", "(*conn).serve"},
		{"runtime.mallocgc", "runtime", "mallocgc"},
		{"go.opentelemetry.io/otel/sdk/trace.(*tracer).Start", "go.opentelemetry.io/otel/sdk/trace", "(*tracer).Start"},
		{"sync/atomic.(*Pointer[a/b.c]).Load", "sync/atomic", "(*Pointer[a/b.c]).Load"},
		{"main.main", "main", "main"},
		{"nodot", "nodot", ""},
	}
	for _, tt := range tests {
		pkg, fn := splitName(tt.name)
		if pkg != tt.pkg || fn != tt.fn {
			t.Errorf("splitName(%q) = %q, %q, want %q, %q", tt.name, pkg, fn, tt.pkg, tt.fn)
		}
	}
}

// TestEveryComponentLabelled keeps Components, labels and Tracing in step.
func TestEveryComponentLabelled(t *testing.T) {
	seen := map[Component]bool{}
	for _, c := range Components {
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
		if c.Label() == string(c) {
			t.Errorf("%s has no label", c)
		}
	}
	if len(labels) != len(Components) {
		t.Errorf("%d labels for %d components", len(labels), len(Components))
	}
	for _, r := range Rules {
		if !seen[r.Component] {
			t.Errorf("rule %+v names an unlisted component", r)
		}
	}
}

// TestAttributeRealProfile profiles a busy loop of this package, which no
// rule names, and so finds it as application work (rule 3).
func TestAttributeRealProfile(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("profiler busy: %v", err)
	}
	spin(500 * time.Millisecond)
	pprof.StopCPUProfile()
	b, err := Attribute(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b.Samples == 0 || b.Total <= 0 || b.Duration <= 0 {
		t.Fatalf("empty breakdown %+v", b)
	}
	// Samples counts samples, not distinct stacks: each is one period.
	if b.Period <= 0 || time.Duration(b.Samples)*b.Period != b.Total {
		t.Errorf("%d samples of %v, total %v", b.Samples, b.Period, b.Total)
	}
	var sum time.Duration
	for _, v := range b.By {
		sum += v
	}
	if sum != b.Total {
		t.Errorf("components sum to %v, total %v", sum, b.Total)
	}
	if share := float64(b.By[App]) / float64(b.Total); share < 0.5 {
		t.Errorf("busy loop: app share %.2f of %v, want most (%v)", share, b.Total, b.By)
	}
}

func TestAttributeNotAProfile(t *testing.T) {
	if _, err := Attribute(strings.NewReader("not a profile")); err == nil {
		t.Error("garbage parsed as a profile")
	}
}

//go:noinline
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}
