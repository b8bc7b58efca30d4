package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/otelbench/otelbench/internal/wire"
)

// sampleCount returns how many observations h holds.
func sampleCount(t *testing.T, h prometheus.Histogram) uint64 {
	t.Helper()
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

func TestTimedProcessor(t *testing.T) {
	tests := []struct {
		name    string
		sampler sdktrace.Sampler
		spans   int
		want    int // spans reaching OnEnd
	}{
		// Every sampled span that ends is counted and timed.
		{name: "sampled", sampler: sdktrace.AlwaysSample(), spans: 3, want: 3},
		// Unsampled spans never reach a processor.
		{name: "unsampled", sampler: sdktrace.NeverSample(), spans: 3, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics(prometheus.NewRegistry())
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(
				sdktrace.WithSampler(tc.sampler),
				sdktrace.WithSpanProcessor(newTimedProcessor(rec, m)),
			)
			defer func() { _ = tp.Shutdown(context.Background()) }()
			for i := range tc.spans {
				_, s := tp.Tracer("test").Start(context.Background(), fmt.Sprint("span", i))
				s.End()
			}
			if got := testutil.ToFloat64(m.spansEnded); got != float64(tc.want) {
				t.Errorf("spans ended = %v, want %d", got, tc.want)
			}
			if got := sampleCount(t, m.onEnd); got != uint64(tc.want) {
				t.Errorf("OnEnd observations = %d, want %d", got, tc.want)
			}
			if got := len(rec.Ended()); got != tc.want {
				t.Errorf("wrapped processor saw %d spans, want %d (forwarding broken)", got, tc.want)
			}
			if got := len(rec.Started()); got != tc.want {
				t.Errorf("wrapped processor saw %d starts, want %d", got, tc.want)
			}
			if n := testutil.CollectAndCount(m.onEnd, wire.MetricOnEndSeconds); n != 1 {
				t.Errorf("histogram series = %d, want 1", n)
			}
		})
	}
}

// fakeExporter records calls and fails when err is set.
type fakeExporter struct {
	err      error
	exported int
	shutdown bool
}

func (f *fakeExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	if f.err != nil {
		return f.err
	}
	f.exported += len(spans)
	return nil
}

func (f *fakeExporter) Shutdown(context.Context) error {
	f.shutdown = true
	return nil
}

// snapshots returns n ended spans for exporting.
func snapshots(n int) []sdktrace.ReadOnlySpan {
	stubs := make(tracetest.SpanStubs, n)
	for i := range stubs {
		stubs[i].Name = fmt.Sprint("span", i)
	}
	return stubs.Snapshots()
}

func TestTimedExporter(t *testing.T) {
	boom := errors.New("collector down")
	tests := []struct {
		name        string
		calls       []int // spans per ExportSpans call
		err         error // returned by every call
		wantSuccess float64
		wantError   float64
		wantErrors  float64
	}{
		// Successful exports count their spans as success.
		{name: "success", calls: []int{2, 5}, wantSuccess: 7},
		// Failed exports count their spans as error, and each call once.
		{name: "failure", calls: []int{3, 1, 4}, err: boom, wantError: 8, wantErrors: 3},
		// An empty export still counts as a call.
		{name: "empty", calls: []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics(prometheus.NewRegistry())
			fake := &fakeExporter{err: tc.err}
			exp := newTimedExporter(fake, m)
			for _, n := range tc.calls {
				if err := exp.ExportSpans(context.Background(), snapshots(n)); !errors.Is(err, tc.err) {
					t.Errorf("ExportSpans error = %v, want %v", err, tc.err)
				}
			}
			if got := testutil.ToFloat64(m.exportedOK); got != tc.wantSuccess {
				t.Errorf("success spans = %v, want %v", got, tc.wantSuccess)
			}
			if got := testutil.ToFloat64(m.exportedError); got != tc.wantError {
				t.Errorf("error spans = %v, want %v", got, tc.wantError)
			}
			if got := testutil.ToFloat64(m.exportErrors); got != tc.wantErrors {
				t.Errorf("export errors = %v, want %v", got, tc.wantErrors)
			}
			if got := testutil.ToFloat64(m.exportStarted); got != tc.wantSuccess+tc.wantError {
				t.Errorf("started spans = %v, want every span handed over, %v", got, tc.wantSuccess+tc.wantError)
			}
			if got, n := failedSum(t, m), testutil.CollectAndCount(m.exportFailed); got != tc.wantError || (n > 0) != (tc.wantErrors > 0) {
				t.Errorf("failed spans = %v in %d series, want %v", got, n, tc.wantError)
			}
			if got := sampleCount(t, m.exportSeconds); got != uint64(len(tc.calls)) {
				t.Errorf("export observations = %d, want %d", got, len(tc.calls))
			}
			if err := exp.Shutdown(context.Background()); err != nil || !fake.shutdown {
				t.Errorf("Shutdown not forwarded (err %v)", err)
			}
		})
	}
}

// failedSum adds the series of wire.MetricExportFailedSpans.
func failedSum(t *testing.T, m *Metrics) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 32)
	m.exportFailed.Collect(ch)
	close(ch)
	var sum float64
	for c := range ch {
		var d dto.Metric
		if err := c.Write(&d); err != nil {
			t.Fatal(err)
		}
		sum += d.GetCounter().GetValue()
	}
	return sum
}

func TestErrorLog(t *testing.T) {
	tests := []struct {
		name      string
		errors    int
		wantLines int
	}{
		// A few errors are all logged verbatim.
		{name: "few", errors: 5, wantLines: 5},
		// The 20th is followed by a notice that only counts follow.
		{name: "threshold", errors: errorsVerbatim, wantLines: errorsVerbatim + 1},
		// Then one line per 1000 errors: an outage does not flood the log.
		{name: "outage", errors: 2500, wantLines: errorsVerbatim + 1 + 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics(prometheus.NewRegistry())
			var buf bytes.Buffer
			h := newErrorLog(&buf, m)
			for i := range tc.errors {
				h.Handle(fmt.Errorf("export failed %d", i))
			}
			if got := strings.Count(buf.String(), "\n"); got != tc.wantLines {
				t.Errorf("logged %d lines, want %d:\n%s", got, tc.wantLines, buf.String())
			}
			if got := testutil.ToFloat64(m.otelErrors); got != float64(tc.errors) {
				t.Errorf("%s = %v, want %d", wire.MetricOtelErrors, got, tc.errors)
			}
		})
	}
}

func TestMetricsLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	// Every metric present: a failure, and the gauges of a shutdown.
	_ = newTimedExporter(&fakeExporter{err: context.Canceled}, m).ExportSpans(context.Background(), snapshots(1))
	if _, err := m.recordShutdownBegins(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.recordExit(true, true); err != nil {
		t.Fatal(err)
	}
	names := []string{
		wire.MetricRequests, wire.MetricSpansEnded, wire.MetricOnEndSeconds, wire.MetricOnEndMaxSeconds, wire.MetricExportSeconds,
		wire.MetricExportStartedSpans, wire.MetricExportedSpans, wire.MetricExportFailedSpans, wire.MetricExportErrors, wire.MetricOtelErrors,
		wire.MetricSpansEndedBeforeShutdown, wire.MetricShutdownClean, wire.MetricShutdownDrained, wire.MetricSpansUnexportedAtExit,
	}
	if n, err := testutil.GatherAndCount(reg, names...); err != nil || n != len(names)+1 { // two series of exported
		t.Errorf("gathered %d series of %d names (err %v)", n, len(names), err)
	}
	problems, err := testutil.GatherAndLint(reg, names...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
	if len(DurationBuckets) != 90 || DurationBuckets[0] != 100e-9 {
		t.Errorf("buckets: %d from %v", len(DurationBuckets), DurationBuckets[0])
	}
}
