package targets

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelbench/otelbench/internal/wire"
)

// gathered returns the value of the series of g named name whose labels
// include want, and whether there is exactly one such series.
func gathered(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var vals []float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue series
				}
			}
			vals = append(vals, metricValue(m))
		}
	}
	if len(vals) != 1 {
		return 0, false
	}
	return vals[0], true
}

// mustGather is gathered for a series that must exist.
func mustGather(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	v, ok := gathered(t, g, name, labels)
	if !ok {
		t.Fatalf("no single series %s%v", name, labels)
	}
	return v
}

// fileGatherer parses a final metrics file, as the runner does.
func fileGatherer(t *testing.T, path string) prometheus.Gatherer {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		out := make([]*dto.MetricFamily, 0, len(fams))
		for _, mf := range fams {
			out = append(out, mf)
		}
		return out, nil
	})
}

// metricValue returns the value of a counter, gauge or untyped series.
func metricValue(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	}
	return m.GetUntyped().GetValue()
}

// gateExporter blocks every export until release is closed, signals the
// first one on entered, and then fails each with err.
type gateExporter struct {
	release chan struct{}
	entered chan struct{}
	err     error
}

func newGateExporter(err error) *gateExporter {
	return &gateExporter{release: make(chan struct{}), entered: make(chan struct{}, 1), err: err}
}

func (g *gateExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.release
	return g.err
}

func (*gateExporter) Shutdown(context.Context) error { return nil }

// TestShutdownAccounting ends 100 spans into a batch processor with a queue
// of 4 whose first export (of 3 spans) is stuck: 4 spans wait in the queue
// and 93 are dropped. Then it shuts down through shutdown.
func TestShutdownAccounting(t *testing.T) {
	const (
		ended       = 100
		batch       = 3
		queue       = 4
		wantDropped = ended - batch - queue
	)
	refused := status.Error(codes.Unavailable, "connection refused")
	tests := []struct {
		name          string
		observability bool  // OTEL_GO_X_OBSERVABILITY=true
		release       bool  // unblock the exporter before shutting down
		exportErr     error // what every export returns once unblocked
		timeout       time.Duration
		wantClean     float64
		wantDrained   float64
	}{
		// The exporter recovers: the queue drains, every unexported span
		// was dropped.
		{name: "drained", release: true, timeout: 10 * time.Second, wantClean: 1, wantDrained: 1},
		// Every export fails, the last one inside ForceFlush, which returns
		// its error: unclean, yet drained, so still nothing lost.
		{name: "flush fails", release: true, exportErr: refused, timeout: 10 * time.Second, wantClean: 0, wantDrained: 1},
		// The exporter stays stuck past the shutdown timeout: 3 spans in
		// the stuck export and 4 in the queue are lost.
		{name: "stuck", timeout: 200 * time.Millisecond},
		// The runner's cross-check: the SDK's own queue_full count equals
		// the spans never handed to the exporter.
		{name: "drained observed", observability: true, release: true, timeout: 10 * time.Second, wantClean: 1, wantDrained: 1},
		// Not drained, the SDK's count tells drops from losses, though it
		// counts one drop too many: the ForceFlush marker that found no room.
		{name: "stuck observed", observability: true, timeout: 200 * time.Millisecond},
	}
	// The batch processor reports failed exports to the global handler.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m := NewMetrics(reg)
			tel := &telemetry{}
			if tc.observability {
				t.Setenv("OTEL_GO_X_OBSERVABILITY", "true")
				t.Cleanup(func() { otel.SetMeterProvider(metricnoop.NewMeterProvider()) })
				mp, err := newSDKObservability(reg)
				if err != nil {
					t.Fatal(err)
				}
				tel.mp = mp
			}
			gate := newGateExporter(tc.exportErr)
			bsp := sdktrace.NewBatchSpanProcessor(newTimedExporter(gate, m),
				sdktrace.WithMaxQueueSize(queue), sdktrace.WithMaxExportBatchSize(batch), sdktrace.WithBatchTimeout(time.Hour))
			tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(newTimedProcessor(bsp, m)))
			var releaseOnce sync.Once
			release := func() { releaseOnce.Do(func() { close(gate.release) }) }
			t.Cleanup(func() {
				// The stuck case leaves the processor running: the tracer
				// provider gave up before shutting it down.
				release()
				if err := bsp.Shutdown(context.Background()); err != nil {
					t.Error(err)
				}
			})

			for i := range ended {
				_, s := tel.tp.Tracer("test").Start(context.Background(), "span")
				s.End()
				if i == batch-1 {
					<-gate.entered // the worker is stuck in its first export
				}
			}
			if tc.release {
				release()
			}
			var stderr bytes.Buffer
			final := filepath.Join(t.TempDir(), "final.prom")
			cfg := Config{Variant: VariantBatch, ShutdownTimeout: tc.timeout, FinalMetricsPath: final}.withDefaults()
			err := shutdown(cfg, nil, tel, m, reg, &stderr)
			if (err == nil) != (tc.wantDrained == 1) {
				t.Errorf("shutdown error = %v, want one only when a step timed out\n%s", err, stderr.String())
			}
			// What the runner reads: the final metrics file.
			file := fileGatherer(t, final)

			get := func(name string) float64 { return mustGather(t, file, name, nil) }
			gotEnded, started := get(wire.MetricSpansEnded), get(wire.MetricExportStartedSpans)
			unexported := get(wire.MetricSpansUnexportedAtExit)
			success := mustGather(t, file, wire.MetricExportedSpans, map[string]string{"result": "success"})
			failed := mustGather(t, file, wire.MetricExportedSpans, map[string]string{"result": "error"})
			if gotEnded != ended || get(wire.MetricSpansEndedBeforeShutdown) != ended {
				t.Errorf("ended %v, before shutdown %v, want %d", gotEnded, get(wire.MetricSpansEndedBeforeShutdown), ended)
			}
			if unexported != gotEnded-started {
				t.Errorf("unexported at exit %v, want ended %v - handed %v", unexported, gotEnded, started)
			}
			if got := get(wire.MetricShutdownClean); got != tc.wantClean {
				t.Errorf("%s = %v, want %v\n%s", wire.MetricShutdownClean, got, tc.wantClean, stderr.String())
			}
			if got := get(wire.MetricShutdownDrained); got != tc.wantDrained {
				t.Errorf("%s = %v, want %v\n%s", wire.MetricShutdownDrained, got, tc.wantDrained, stderr.String())
			}
			inflight := started - success - failed
			if tc.wantDrained == 1 {
				// Drained: nothing in flight, nothing lost, all unexported
				// dropped; the rest exported or failed.
				if unexported != wantDropped || inflight != 0 || success+failed != batch+queue {
					t.Errorf("unexported %v (want %d), in flight %v, exported %v, failed %v",
						unexported, wantDropped, inflight, success, failed)
				}
				if tc.exportErr != nil && mustGather(t, file, wire.MetricExportFailedSpans, map[string]string{"code": "Unavailable"}) != batch+queue {
					t.Errorf("failed spans not all counted as Unavailable")
				}
			} else if unexported != wantDropped+queue || inflight != batch {
				t.Errorf("unexported %v (want %d dropped + %d queued), in flight %v (want %d)",
					unexported, wantDropped, queue, inflight, batch)
			}

			if tc.observability {
				queueFull := mustGather(t, file, wire.SDKMetricProcessorSpanProcessed, map[string]string{"error_type": "queue_full"})
				want := unexported // the cross-check, exact when drained
				if tc.wantDrained == 0 {
					want = wantDropped + 1
				}
				if queueFull != want {
					t.Errorf("SDK queue_full = %v, want %v (unexported %v)", queueFull, want, unexported)
				}
			} else if _, ok := gathered(t, file, wire.SDKMetricProcessorSpanProcessed, nil); ok {
				t.Errorf("SDK metrics present without %s", "OTEL_GO_X_OBSERVABILITY")
			}
		})
	}
}

// sleepyProcessor sleeps in OnEnd for the next of its durations and keeps
// the longest time it measured itself.
type sleepyProcessor struct {
	sdktrace.SpanProcessor // nil: only OnEnd is called
	sleeps                 []time.Duration
	i                      int
	longest                time.Duration
}

func (p *sleepyProcessor) OnEnd(sdktrace.ReadOnlySpan) {
	start := time.Now()
	time.Sleep(p.sleeps[p.i%len(p.sleeps)])
	p.i++
	p.longest = max(p.longest, time.Since(start))
}

func TestOnEndMax(t *testing.T) {
	tests := []struct {
		name   string
		sleeps []time.Duration
	}{
		// The longest is in the middle: a later shorter one does not lower it.
		{name: "peak in the middle", sleeps: []time.Duration{time.Millisecond, 8 * time.Millisecond, 2 * time.Millisecond}},
		// Increasing: each raises it.
		{name: "increasing", sleeps: []time.Duration{0, time.Millisecond, 3 * time.Millisecond}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m := NewMetrics(reg)
			sleepy := &sleepyProcessor{sleeps: tc.sleeps}
			p := newTimedProcessor(sleepy, m)
			var outer time.Duration // the longest OnEnd, wrapper included
			for _, s := range snapshots(len(tc.sleeps)) {
				start := time.Now()
				p.OnEnd(s)
				outer = max(outer, time.Since(start))
			}
			got := time.Duration(mustGather(t, reg, wire.MetricOnEndMaxSeconds, nil) * 1e9)
			// Allow 1 ns for the round trip through float64 seconds.
			if got < sleepy.longest-time.Nanosecond || got > outer+time.Nanosecond {
				t.Errorf("%s = %v, want between the longest sleep %v and the longest call %v",
					wire.MetricOnEndMaxSeconds, got, sleepy.longest, outer)
			}
		})
	}
}

func TestMaxDurationConcurrent(t *testing.T) {
	var m maxDuration
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				m.observe(time.Duration(i*8 + g))
			}
		})
	}
	wg.Wait()
	if got, want := m.load(), int64(999*8+7); got != want {
		t.Errorf("max = %d, want %d", got, want)
	}
}

func TestSDKObservabilityEnabled(t *testing.T) {
	tests := []struct {
		name       string
		obs, selfO string // OTEL_GO_X_OBSERVABILITY, OTEL_GO_X_SELF_OBSERVABILITY
		want       bool
	}{
		// Off by default.
		{name: "unset", want: false},
		// What the runner sets.
		{name: "true", obs: "true", want: true},
		// The SDK ignores case, so the target does too.
		{name: "upper case", obs: "TRUE", want: true},
		// Anything else is off.
		{name: "one", obs: "1", want: false},
		// The SDK's older name, which its tracer and processors still read.
		{name: "older name", selfO: "true", want: true},
		// The first set variable decides, as in the SDK.
		{name: "first decides", obs: "false", selfO: "true", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_GO_X_OBSERVABILITY", tc.obs)
			t.Setenv("OTEL_GO_X_SELF_OBSERVABILITY", tc.selfO)
			if got := sdkObservabilityEnabled(); got != tc.want {
				t.Errorf("sdkObservabilityEnabled() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWrapperAllocs guards the promise that the wrappers allocate nothing
// on a success path.
func TestWrapperAllocs(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry())
	exp := newTimedExporter(&fakeExporter{}, m)
	spans := snapshots(4)
	ctx := context.Background()
	if allocs := testing.AllocsPerRun(100, func() { _ = exp.ExportSpans(ctx, spans) }); allocs != 0 {
		t.Errorf("ExportSpans allocates %v times per successful call, want 0", allocs)
	}
	p := newTimedProcessor(&sleepyProcessor{sleeps: []time.Duration{0}}, m)
	if allocs := testing.AllocsPerRun(100, func() { p.OnEnd(spans[0]) }); allocs != 0 {
		t.Errorf("OnEnd allocates %v times per call, want 0", allocs)
	}
}
