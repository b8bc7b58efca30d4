package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Counters are the collector's own span counts since it started, each
// summed over every series of its metric (receivers, transports,
// exporters). A metric the collector has not exported yet counts 0: the
// receiver's counters appear with the first Export call.
type Counters struct {
	// Accepted counts spans the receiver handed to the pipeline
	// (otelcol_receiver_accepted_spans). It grows before the Export call
	// returns to the client, so it is exact as soon as the client's
	// ForceFlush or Shutdown has returned.
	Accepted int64

	// Refused counts spans the pipeline turned away, e.g. under memory
	// pressure (otelcol_receiver_refused_spans); the client was told.
	Refused int64

	// Failed counts spans lost to an internal error of the receiver
	// (otelcol_receiver_failed_spans).
	Failed int64

	// Sent counts spans that exporters built on exporterhelper sent
	// (otelcol_exporter_sent_spans). The nop exporter is not one of them
	// and never counts here: see Exported.
	Sent int64

	// Exported counts spans that the exporters of the trace pipeline took
	// without error, as the collector's pipeline measures every exporter,
	// the nop exporter too (otelcol_exporter_consumed_items with
	// otelcol_component_outcome="success"; Start turns that metric on with
	// the telemetry.newPipelineTelemetry feature gate). With the batch
	// processor it lags Accepted by up to the processor's timeout (200 ms
	// by default).
	Exported int64
}

// The metric names, as the collector exports them with its default
// Prometheus options (no _total suffix, no unit). Some releases and
// options add _total; parseCounters accepts both.
const (
	metricAccepted = "otelcol_receiver_accepted_spans"
	metricRefused  = "otelcol_receiver_refused_spans"
	metricFailed   = "otelcol_receiver_failed_spans"
	metricSent     = "otelcol_exporter_sent_spans"
	metricExported = "otelcol_exporter_consumed_items"
)

// Counters scrapes the collector's metrics endpoint once.
func (c *Collector) Counters(ctx context.Context) (Counters, error) {
	body, err := c.scrape(ctx)
	if err != nil {
		return Counters{}, err
	}
	cs, err := parseCounters(bytes.NewReader(body))
	if err != nil {
		return Counters{}, fmt.Errorf("parsing collector metrics %s: %w", c.MetricsURL(), err)
	}
	return cs, nil
}

// maxScrapeBytes bounds a metrics page; the collector's is a few KB.
const maxScrapeBytes = 16 << 20

// scrape returns the collector's metrics page.
func (c *Collector) scrape(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.MetricsURL(), nil)
	if err != nil {
		return nil, err
	}
	// Plain text format 0.0.4, label names escaped to underscores.
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping collector metrics: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxScrapeBytes))
	if err != nil {
		return nil, fmt.Errorf("scraping collector metrics %s: %w", c.MetricsURL(), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scraping collector metrics %s: %s", c.MetricsURL(), resp.Status)
	}
	return body, nil
}

// parseCounters reads Prometheus text and sums the metrics of Counters.
func parseCounters(r io.Reader) (Counters, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return Counters{}, err
	}
	var cs Counters
	for _, f := range []struct {
		name string
		dst  *int64
		keep func(*dto.Metric) bool
	}{
		{metricAccepted, &cs.Accepted, nil},
		{metricRefused, &cs.Refused, nil},
		{metricFailed, &cs.Failed, nil},
		{metricSent, &cs.Sent, nil},
		{metricExported, &cs.Exported, exportedSpans},
	} {
		for _, name := range []string{f.name, f.name + "_total"} {
			fam, ok := fams[name]
			if !ok {
				continue
			}
			n, err := sumFamily(fam, f.keep)
			if err != nil {
				return Counters{}, fmt.Errorf("%s: %w", name, err)
			}
			*f.dst += n
		}
	}
	return cs, nil
}

// sumFamily adds up the values of fam's series that keep accepts (all of
// them when keep is nil). Counters print as floats (1e+06); each must be a
// whole number.
func sumFamily(fam *dto.MetricFamily, keep func(*dto.Metric) bool) (int64, error) {
	var sum int64
	for _, m := range fam.GetMetric() {
		if keep != nil && !keep(m) {
			continue
		}
		var v float64
		switch {
		case m.GetCounter() != nil:
			v = m.GetCounter().GetValue()
		case m.GetUntyped() != nil:
			v = m.GetUntyped().GetValue()
		case m.GetGauge() != nil:
			v = m.GetGauge().GetValue()
		default:
			return 0, fmt.Errorf("type %s is not a count", fam.GetType())
		}
		if v < 0 || v != math.Trunc(v) || v > math.MaxInt64/2 {
			return 0, fmt.Errorf("value %v%s is not a count", v, labelString(m))
		}
		sum += int64(v)
	}
	return sum, nil
}

// exportedSpans keeps the series of otelcol_exporter_consumed_items that
// count spans taken without error. The signal is a scope attribute, which
// the default Prometheus options drop; the configuration Start writes has
// only a trace pipeline, so a series without it counts spans too.
func exportedSpans(m *dto.Metric) bool {
	outcome := false
	for _, lp := range m.GetLabel() {
		switch lp.GetName() {
		case "otelcol_component_outcome":
			if lp.GetValue() != "success" {
				return false
			}
			outcome = true
		case "otelcol_signal", "otel_scope_otelcol_signal":
			if lp.GetValue() != "traces" {
				return false
			}
		}
	}
	return outcome
}

// labelString formats m's labels for an error message.
func labelString(m *dto.Metric) string {
	if len(m.GetLabel()) == 0 {
		return ""
	}
	parts := make([]string, 0, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		parts = append(parts, fmt.Sprintf("%s=%q", lp.GetName(), lp.GetValue()))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
