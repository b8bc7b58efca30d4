package runner

import (
	"fmt"
	"math"
	"os"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/otelbench/otelbench/internal/results"
)

// Metric names the target exposes (package targets).
const (
	metricRequests     = "otelbench_target_requests_total"
	metricSpansEnded   = "otelbench_target_spans_ended_total"
	metricOnEnd        = "otelbench_target_span_processor_on_end_seconds"
	metricExport       = "otelbench_target_export_duration_seconds"
	metricExported     = "otelbench_target_exported_spans_total"
	metricExportErrors = "otelbench_target_export_errors_total"
)

// targetMetrics is what the runner reads from a target's final metrics.
type targetMetrics struct {
	Requests       int64
	SpansEnded     int64
	ExportedOK     int64
	ExportFailed   int64
	ExportErrors   int64
	OnEnd, Export  results.Histogram
	familiesParsed int
}

// readTargetMetrics parses the Prometheus text file the target wrote at exit.
func readTargetMetrics(path string) (targetMetrics, error) {
	var m targetMetrics
	f, err := os.Open(path)
	if err != nil {
		return m, err
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(f)
	if err != nil {
		return m, fmt.Errorf("parsing %s: %w", path, err)
	}
	m.familiesParsed = len(fams)
	m.Requests = int64(counterSum(fams[metricRequests], "", ""))
	m.SpansEnded = int64(counterSum(fams[metricSpansEnded], "", ""))
	m.ExportedOK = int64(counterSum(fams[metricExported], "result", "success"))
	m.ExportFailed = int64(counterSum(fams[metricExported], "result", "error"))
	m.ExportErrors = int64(counterSum(fams[metricExportErrors], "", ""))
	m.OnEnd = histogram(fams[metricOnEnd])
	m.Export = histogram(fams[metricExport])
	return m, nil
}

// counterSum adds the values of a counter family's series, optionally only
// those whose label has the given value.
func counterSum(f *dto.MetricFamily, label, value string) float64 {
	if f == nil {
		return 0
	}
	var sum float64
	for _, m := range f.GetMetric() {
		if label != "" && !hasLabel(m, label, value) {
			continue
		}
		if c := m.GetCounter(); c != nil {
			sum += c.GetValue()
		} else if u := m.GetUntyped(); u != nil {
			sum += u.GetValue()
		}
	}
	return sum
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// histogram converts the first series of a histogram family.
func histogram(f *dto.MetricFamily) results.Histogram {
	var h results.Histogram
	if f == nil || len(f.GetMetric()) == 0 {
		return h
	}
	ph := f.GetMetric()[0].GetHistogram()
	if ph == nil {
		return h
	}
	h.Count = ph.GetSampleCount()
	h.Sum = ph.GetSampleSum()
	for _, b := range ph.GetBucket() {
		if math.IsInf(b.GetUpperBound(), +1) {
			continue
		}
		h.Bounds = append(h.Bounds, b.GetUpperBound())
		h.Counts = append(h.Counts, b.GetCumulativeCount())
	}
	return h
}
