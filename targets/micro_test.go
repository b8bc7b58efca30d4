package targets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/otelbench/otelbench/internal/pprofmap"
	otelsink "github.com/otelbench/otelbench/internal/sink"
)

// The micro benchmark: the target's handler in process, with no network
// in front of it, in four set-ups, beside the end-to-end figure of a run
// (`make micro`, summarised in the report's "Where the overhead goes"):
//
//   - bare: the routes with no OpenTelemetry at all (VariantNone);
//   - noop: otelhttp and the manual spans on the API's noop
//     TracerProvider (instrumentation with no SDK);
//   - sdk-discard: the SDK with a batch processor and an exporter that
//     discards every batch (no OTLP transform, no transport);
//   - sdk-otlp: the target's own batch telemetry (newTelemetry, timing
//     wrappers included) exporting OTLP/gRPC to an in-process sink.
//
// Each run profiles itself (runtime/pprof, 100 Hz: on this kernel a
// higher rate loses samples) and reports, besides ns/op (wall time of the
// request goroutine): cpu-ns/op, the process's CPU time (getrusage, every
// thread: the batch worker and the exporter included) per request, less
// the in-process sink's share (sink-ns/op, its samples in the profile);
// profiled-ns/op, the profile's own total without the sink; and
// <component>-ns/op for each component of package pprofmap. The workload is the default profile's (20µs of CPU,
// one extra span) unless OTELBENCH_MICRO_CPU (a duration) or
// OTELBENCH_MICRO_EXTRA_SPANS say otherwise; the benchmark's name says
// which (BenchmarkMicro/cpu=20us/extra=1/bare).

// microWorkload is the default profile's workload, or the environment's.
func microWorkload(tb testing.TB) workload {
	w := workload{cpu: 20 * time.Microsecond, extraSpans: 1}
	if v := os.Getenv("OTELBENCH_MICRO_CPU"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			tb.Fatalf("OTELBENCH_MICRO_CPU: %v", err)
		}
		w.cpu = d
	}
	if v := os.Getenv("OTELBENCH_MICRO_EXTRA_SPANS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			tb.Fatalf("OTELBENCH_MICRO_EXTRA_SPANS: %v", err)
		}
		w.extraSpans = n
	}
	return w
}

// microSetups are the micro benchmark's set-ups, in report order.
var microSetups = []string{"bare", "noop", "sdk-discard", "sdk-otlp"}

func BenchmarkMicro(b *testing.B) {
	w := microWorkload(b)
	prefix := fmt.Sprintf("cpu=%dus/extra=%d", w.cpu.Microseconds(), w.extraSpans)
	for _, setup := range microSetups {
		b.Run(prefix+"/"+setup, func(b *testing.B) {
			h, stop := microHandler(b, setup, w)
			defer stop()
			req := microRequest()
			rw := &discardWriter{h: http.Header{}}
			h.ServeHTTP(rw, req) // connections and lazy set-up outside the profile
			runtime.GC()
			var buf bytes.Buffer
			startProfile(b, &buf)
			cpu0 := processCPU(b)
			for b.Loop() {
				clear(rw.h)
				h.ServeHTTP(rw, req)
			}
			cpu := processCPU(b) - cpu0
			stopProfile()
			bd := microBreakdown(b, &buf)
			n := float64(b.N)
			b.ReportMetric(float64(cpu-bd.Excluded)/n, "cpu-ns/op")
			b.ReportMetric(float64(bd.Total)/n, "profiled-ns/op")
			b.ReportMetric(float64(bd.Excluded)/n, "sink-ns/op")
			for _, c := range pprofmap.Components {
				if v := bd.By[c]; v > 0 {
					b.ReportMetric(float64(v)/n, string(c)+"-ns/op")
				}
			}
		})
	}
}

// startProfile starts a CPU profile into w.
func startProfile(tb testing.TB, w io.Writer) {
	if err := pprof.StartCPUProfile(w); err != nil {
		tb.Skipf("the CPU profiler is busy (-cpuprofile?): %v", err)
	}
}

// stopProfile stops the CPU profile startProfile started.
func stopProfile() { pprof.StopCPUProfile() }

// processCPU is the process's user and system CPU time so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// microBreakdown attributes a profile, leaving out the in-process sink.
func microBreakdown(tb testing.TB, r io.Reader) pprofmap.Breakdown {
	p, err := profile.Parse(r)
	if err != nil {
		tb.Fatal(err)
	}
	bd, err := pprofmap.Of(p, inSink)
	if err != nil {
		tb.Fatal(err)
	}
	return bd
}

// inSink reports whether a stack is the in-process sink's: its own code,
// or the gRPC server that receives for it.
func inSink(stack []string) bool {
	for _, f := range stack {
		if strings.HasPrefix(f, "github.com/otelbench/otelbench/internal/sink.") ||
			strings.HasPrefix(f, "google.golang.org/grpc.(*Server)") ||
			strings.HasPrefix(f, "google.golang.org/grpc/internal/transport.(*http2Server)") ||
			strings.HasPrefix(f, "google.golang.org/grpc/internal/transport.NewServerTransport") {
			return true
		}
	}
	return false
}

// microRequest is the request every iteration serves again: a /process
// request with a sampled traceparent, as the runner sends.
func microRequest() *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/process/42", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	return req
}

// discardWriter is a reusable ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// discardExporter drops every batch.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// microHandler builds the handler of one set-up and what stops it.
func microHandler(tb testing.TB, setup string, w workload) (http.Handler, func()) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	ctx := context.Background()
	switch setup {
	case "bare":
		return newService(w, &telemetry{}, m, reg), func() {}
	case "noop":
		tp := tracenoop.NewTracerProvider()
		return instrument(newMux(w, tp.Tracer(tracerName), m.requests, reg, extras{}), tp, newPropagators(), MistakeNone), func() {}
	case "sdk-discard":
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discardExporter{}))
		h := instrument(newMux(w, tp.Tracer(tracerName), m.requests, reg, extras{}), tp, newPropagators(), MistakeNone)
		return h, func() { _ = tp.Shutdown(ctx) }
	case "sdk-otlp":
		s, err := otelsink.Start(ctx, otelsink.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", s.Endpoint())
		tb.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
		tel, err := newTelemetry(ctx, Config{Variant: VariantBatch}, m, io.Discard)
		if err != nil {
			_ = s.Close()
			tb.Fatal(err)
		}
		return newService(w, tel, m, reg), func() {
			_ = tel.tp.Shutdown(ctx)
			_ = s.Close()
		}
	}
	tb.Fatalf("unknown set-up %q", setup)
	return nil, nil
}
