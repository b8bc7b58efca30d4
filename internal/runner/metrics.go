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
	metricStarted      = "otelbench_target_export_started_spans_total"
	metricFailedByCode = "otelbench_target_export_failed_spans_total"
	metricOnEndMax     = "otelbench_target_span_processor_on_end_max_seconds"
	metricDrained      = "otelbench_target_shutdown_drained"
	metricClean        = "otelbench_target_shutdown_clean"
	metricUnexported   = "otelbench_target_spans_unexported_at_exit"
	// The SDK's own, with OTEL_GO_X_OBSERVABILITY=true.
	metricSDKProcessed = "otel_sdk_processor_span_processed_total"
	metricSDKQueueSize = "otel_sdk_processor_span_queue_size"
)

// targetMetrics is what the runner reads from a target's final metrics.
type targetMetrics struct {
	Requests     int64
	SpansEnded   int64
	ExportedOK   int64
	ExportFailed int64
	ExportErrors int64
	// Started counts spans handed to ExportSpans when the call began;
	// Started − ExportedOK − ExportFailed were still in export at exit.
	Started      int64
	FailedByCode map[string]int64
	OnEndMax     float64
	// Drained says Shutdown returned in time without error: the queue was
	// emptied. Clean says ForceFlush and Shutdown both returned nil.
	Drained, Clean bool
	// Unexported is ended − handed to the exporter, at exit.
	Unexported int64
	// SDK counters, present only with the SDK's self-observability.
	SDKObserved    bool
	SDKDropped     int64
	SDKQueued      int64
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
	m.Started = int64(counterSum(fams[metricStarted], "", ""))
	if f := fams[metricFailedByCode]; f != nil {
		m.FailedByCode = map[string]int64{}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "code" && s.GetCounter().GetValue() > 0 {
					m.FailedByCode[l.GetValue()] += int64(s.GetCounter().GetValue())
				}
			}
		}
		if len(m.FailedByCode) == 0 {
			m.FailedByCode = nil
		}
	}
	m.OnEndMax = gaugeValue(fams[metricOnEndMax])
	m.Drained = gaugeValue(fams[metricDrained]) == 1
	m.Clean = gaugeValue(fams[metricClean]) == 1
	m.Unexported = int64(gaugeValue(fams[metricUnexported]))
	if f := fams[metricSDKProcessed]; f != nil {
		m.SDKObserved = true
		m.SDKDropped = int64(counterSum(f, "error_type", "queue_full"))
		m.SDKQueued = int64(gaugeValue(fams[metricSDKQueueSize]))
	}
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

// gaugeValue adds the values of a gauge family's series; 0 when absent.
func gaugeValue(f *dto.MetricFamily) float64 {
	if f == nil {
		return 0
	}
	var sum float64
	for _, m := range f.GetMetric() {
		if g := m.GetGauge(); g != nil {
			sum += g.GetValue()
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
