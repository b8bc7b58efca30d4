package runner

import (
	"fmt"
	"math"
	"os"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/wire"
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
	m.Requests = int64(counterSum(fams[wire.MetricRequests], "", ""))
	m.SpansEnded = int64(counterSum(fams[wire.MetricSpansEnded], "", ""))
	m.ExportedOK = int64(counterSum(fams[wire.MetricExportedSpans], "result", "success"))
	m.ExportFailed = int64(counterSum(fams[wire.MetricExportedSpans], "result", "error"))
	m.ExportErrors = int64(counterSum(fams[wire.MetricExportErrors], "", ""))
	m.Started = int64(counterSum(fams[wire.MetricExportStartedSpans], "", ""))
	if f := fams[wire.MetricExportFailedSpans]; f != nil {
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
	m.OnEndMax = gaugeValue(fams[wire.MetricOnEndMaxSeconds])
	m.Drained = gaugeValue(fams[wire.MetricShutdownDrained]) == 1
	m.Clean = gaugeValue(fams[wire.MetricShutdownClean]) == 1
	m.Unexported = int64(gaugeValue(fams[wire.MetricSpansUnexportedAtExit]))
	if f := fams[wire.SDKMetricProcessorSpanProcessed]; f != nil {
		m.SDKObserved = true
		m.SDKDropped = int64(counterSum(f, "error_type", "queue_full"))
		m.SDKQueued = int64(gaugeValue(fams[wire.SDKMetricProcessorSpanQueueSize]))
	}
	m.OnEnd = histogram(fams[wire.MetricOnEndSeconds])
	m.Export = histogram(fams[wire.MetricExportSeconds])
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
