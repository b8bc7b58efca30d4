package runner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/wire"
	"github.com/otelbench/otelbench/targets"
)

// writeTemp writes data to a file in a fresh temporary directory.
func writeTemp(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), results.MetricsFile)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadTargetMetrics(t *testing.T) {
	tests := []struct {
		name string
		path string // a file under testdata, or
		data string // the file's content
		want targetMetrics
	}{
		{
			// Every family the runner reads, with families it must ignore.
			// The +Inf bucket is not a bound: it is Count.
			name: "full",
			path: filepath.Join("testdata", "metrics.prom"),
			want: targetMetrics{
				Requests: 1200, SpansEnded: 3600, ExportedOK: 3072, ExportFailed: 512, ExportErrors: 2,
				OnEnd: results.Histogram{
					Bounds: []float64{1e-6, 1e-5, 1e-4}, Counts: []uint64{3000, 3550, 3599},
					Count: 3600, Sum: 0.0125,
				},
				Export: results.Histogram{
					Bounds: []float64{0.001, 0.01}, Counts: []uint64{1, 6},
					Count: 7, Sum: 0.75,
				},
				familiesParsed: 9,
			},
		},
		{
			// Without TYPE lines the counters are untyped; they still count.
			name: "untyped",
			data: strings.Join([]string{
				"otelbench_target_requests_total 5",
				"otelbench_target_spans_ended_total 10",
				`otelbench_target_exported_spans_total{result="success"} 8`,
				`otelbench_target_exported_spans_total{result="error"} 2`,
				"otelbench_target_export_errors_total 1",
			}, "\n") + "\n",
			want: targetMetrics{Requests: 5, SpansEnded: 10, ExportedOK: 8, ExportFailed: 2, ExportErrors: 1, familiesParsed: 4},
		},
		{
			// A result value other than success and error counts as neither.
			name: "exported by result",
			data: strings.Join([]string{
				"# TYPE otelbench_target_exported_spans_total counter",
				`otelbench_target_exported_spans_total{result="error"} 4`,
				`otelbench_target_exported_spans_total{result="other"} 100`,
			}, "\n") + "\n",
			want: targetMetrics{ExportFailed: 4, familiesParsed: 1},
		},
		{
			// The baseline target registers no tracing: histograms with only
			// a +Inf bucket and zero counts.
			name: "empty histograms",
			data: strings.Join([]string{
				"# TYPE otelbench_target_requests_total counter",
				"otelbench_target_requests_total 3",
				"# TYPE otelbench_target_span_processor_on_end_seconds histogram",
				`otelbench_target_span_processor_on_end_seconds_bucket{le="+Inf"} 0`,
				"otelbench_target_span_processor_on_end_seconds_sum 0",
				"otelbench_target_span_processor_on_end_seconds_count 0",
			}, "\n") + "\n",
			want: targetMetrics{Requests: 3, familiesParsed: 2},
		},
		{
			// An empty file parses to nothing at all.
			name: "empty file",
			data: "",
			want: targetMetrics{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = writeTemp(t, tc.data)
			}
			got, err := readTargetMetrics(path)
			if err != nil {
				t.Fatalf("readTargetMetrics: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("readTargetMetrics:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestReadTargetMetricsFromTarget reads a file written the way the target
// writes it, from the target's own registry: the runner must find every
// family under its name, with the target's bucket layout.
func TestReadTargetMetricsFromTarget(t *testing.T) {
	reg := prometheus.NewRegistry()
	targets.NewMetrics(reg)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}

	// The instruments are not exported, so give each series a distinct value
	// in the gathered families before they are written; a family read under
	// the wrong name shows up as a wrong number.
	counters := map[string]float64{
		wire.MetricRequests:                             101,
		wire.MetricSpansEnded:                           202,
		wire.MetricExportedSpans + `{result="success"}`: 303,
		wire.MetricExportedSpans + `{result="error"}`:   404,
		wire.MetricExportErrors:                         5,
		wire.MetricOtelErrors:                           6,
	}
	hists := map[string]uint64{wire.MetricOnEndSeconds: 7, wire.MetricExportSeconds: 8}
	found := 0
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += "{" + l.GetName() + `="` + l.GetValue() + `"}`
			}
			if v, ok := counters[key]; ok && m.GetCounter() != nil {
				m.Counter.Value = &v
				found++
			}
			if n, ok := hists[key]; ok && m.GetHistogram() != nil {
				count, sum := n, float64(n)/1000
				m.Histogram.SampleCount, m.Histogram.SampleSum = &count, &sum
				for i, b := range m.Histogram.Bucket {
					c := min(uint64(i), n)
					b.CumulativeCount = &c
				}
				found++
			}
		}
	}
	if want := len(counters) + len(hists); found != want {
		t.Fatalf("found %d of the target's %d series in its registry", found, want)
	}

	path := filepath.Join(t.TempDir(), results.MetricsFile)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := expfmt.NewEncoder(f, expfmt.NewFormat(expfmt.TypeTextPlain)) // as targets.writeMetricsFile
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	got, err := readTargetMetrics(path)
	if err != nil {
		t.Fatalf("readTargetMetrics: %v", err)
	}
	if got.familiesParsed != len(mfs) {
		t.Errorf("parsed %d families, the target wrote %d", got.familiesParsed, len(mfs))
	}
	if got.Requests != 101 || got.SpansEnded != 202 || got.ExportedOK != 303 || got.ExportFailed != 404 || got.ExportErrors != 5 {
		t.Errorf("counters = requests %d, ended %d, exported ok %d, failed %d, export errors %d; want 101, 202, 303, 404, 5",
			got.Requests, got.SpansEnded, got.ExportedOK, got.ExportFailed, got.ExportErrors)
	}
	for _, h := range []struct {
		name string
		got  results.Histogram
		n    uint64
	}{{"on end", got.OnEnd, 7}, {"export", got.Export, 8}} {
		if !reflect.DeepEqual(h.got.Bounds, targets.DurationBuckets) {
			t.Errorf("%s bounds = %v, want the target's %d DurationBuckets (no +Inf)", h.name, h.got.Bounds, len(targets.DurationBuckets))
		}
		if len(h.got.Counts) != len(targets.DurationBuckets) {
			t.Fatalf("%s has %d counts, want %d", h.name, len(h.got.Counts), len(targets.DurationBuckets))
		}
		for i, c := range h.got.Counts {
			if want := min(uint64(i), h.n); c != want {
				t.Errorf("%s count[%d] = %d, want %d", h.name, i, c, want)
				break
			}
		}
		if h.got.Count != h.n || h.got.Sum != float64(h.n)/1000 {
			t.Errorf("%s count, sum = %d, %g; want %d, %g", h.name, h.got.Count, h.got.Sum, h.n, float64(h.n)/1000)
		}
	}
}

func TestReadTargetMetricsErrors(t *testing.T) {
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.prom")
		_, err := readTargetMetrics(path)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("readTargetMetrics(missing) = %v, want fs.ErrNotExist", err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name %s", err, path)
		}
	})

	tests := []struct {
		name string
		data string
	}{
		// Not the text format at all.
		{name: "garbage", data: "this is not { prometheus\n"},
		// A counter whose value is not a number.
		{name: "bad value", data: "# TYPE otelbench_target_requests_total counter\notelbench_target_requests_total abc\n"},
		// A TYPE line with an unknown type.
		{name: "bad type", data: "# TYPE otelbench_target_requests_total countr\notelbench_target_requests_total 1\n"},
		// A file cut off in the middle of a label set.
		{name: "truncated", data: "otelbench_target_exported_spans_total{result=\"succ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.data)
			_, err := readTargetMetrics(path)
			if err == nil {
				t.Fatalf("readTargetMetrics(%q) succeeded, want an error", tc.data)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
		})
	}
}
