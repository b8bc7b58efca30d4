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
			if n := testutil.CollectAndCount(m.onEnd, MetricOnEndSeconds); n != 1 {
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
			if got := sampleCount(t, m.exportSeconds); got != uint64(len(tc.calls)) {
				t.Errorf("export observations = %d, want %d", got, len(tc.calls))
			}
			if err := exp.Shutdown(context.Background()); err != nil || !fake.shutdown {
				t.Errorf("Shutdown not forwarded (err %v)", err)
			}
		})
	}
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
				t.Errorf("%s = %v, want %d", MetricOtelErrors, got, tc.errors)
			}
		})
	}
}

func TestMetricsLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	NewMetrics(reg)
	problems, err := testutil.GatherAndLint(reg,
		MetricRequests, MetricSpansEnded, MetricOnEndSeconds, MetricExportSeconds,
		MetricExportedSpans, MetricExportErrors, MetricOtelErrors)
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
