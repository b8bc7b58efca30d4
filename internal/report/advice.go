package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/otelbench/otelbench/internal/summary"
)

// AdviceText writes the settings `otelbench recommend` advises for a
// terminal: each setting with its reasons, then the settings as Go, as
// OTEL_* lines and as JSON.
func AdviceText(w io.Writer, a summary.Advice) error {
	r := &textRenderer{w: w}
	r.heading(1, fmt.Sprintf("otelbench recommend %s", a.RunID))
	based := "No measured batch variant qualified: the settings start from the SDK's defaults and rest on the model alone."
	if a.BasedOn != "" {
		based = fmt.Sprintf("Starting from %s, the cheapest measured variant that lost no span within the p99 budget, checked and sized with the model.", a.BasedOn)
	}
	r.para(fmt.Sprintf("Profile %s. %s", a.Profile, based))
	in := a.Inputs
	inputs := []string{
		fmt.Sprintf("peak: %.0f requests/s × %d spans × %g sampled = %.0f spans/s", in.PeakRequestsPerSec, in.SpansPerRequest, in.SampledShare, in.PeakSpanRate),
		fmt.Sprintf("export latency: %s ms (%s)", strconv.FormatFloat(in.ExportLatency, 'f', 3, 64), in.ExportLatencySource),
	}
	if in.BurstRequestsPerSec > 0 {
		inputs = append(inputs, fmt.Sprintf("burst: %.0f requests/s for %d ms", in.BurstRequestsPerSec, in.BurstLength))
	}
	if in.FaultWindow > 0 {
		inputs = append(inputs, fmt.Sprintf("longest sink outage or black hole: %d ms", in.FaultWindow))
	}
	r.para("Inputs from the run:")
	r.list(inputs)
	if len(a.Warnings) > 0 {
		r.list(prefixed("⚠ ", a.Warnings))
	}
	r.heading(2, "Settings and why")
	for _, sr := range a.Reasons {
		r.para(fmt.Sprintf("%s = %s", sr.Setting, settingValue(a.Settings, sr.Setting)))
		r.list(sr.Reasons)
	}
	r.heading(2, "As Go")
	r.code("go", AdviceGo(a))
	r.heading(2, "As environment variables")
	r.code("sh", AdviceEnv(a))
	r.heading(2, "As JSON")
	var b strings.Builder
	if err := AdviceJSON(&b, a); err != nil {
		return err
	}
	r.code("json", b.String())
	return r.err()
}

// settingValue renders one advised setting for the text output.
func settingValue(s summary.AdviceSettings, name string) string {
	switch name {
	case summary.SettingProcessor:
		return s.Processor
	case summary.SettingSampling:
		if s.SampleRatio == nil {
			return "none (every trace kept)"
		}
		return strconv.FormatFloat(*s.SampleRatio, 'g', -1, 64)
	case summary.SettingQueue:
		return strconv.Itoa(s.MaxQueueSize)
	case summary.SettingBatch:
		return strconv.Itoa(s.MaxExportBatchSize)
	case summary.SettingDelay:
		return fmt.Sprintf("%d ms", s.ScheduleDelay)
	case summary.SettingExportTimeout:
		return fmt.Sprintf("%d ms", s.ExportTimeout)
	case summary.SettingExporterTimeout:
		return fmt.Sprintf("%d ms", s.ExporterTimeout)
	case summary.SettingRetry:
		rc := s.Retry
		if !rc.Enabled {
			return "off"
		}
		return fmt.Sprintf("on, %d ms initial, %d ms max interval, %d ms max elapsed", rc.InitialInterval, rc.MaxInterval, rc.MaxElapsedTime)
	case summary.SettingBlocking:
		return strconv.FormatBool(s.Blocking)
	}
	return "?"
}

// AdviceGo renders the advised settings as Go to paste into a service's
// tracing setup.
func AdviceGo(a summary.Advice) string {
	s := a.Settings
	var b strings.Builder
	b.WriteString("exporter, err := otlptracegrpc.New(ctx,\n")
	fmt.Fprintf(&b, "\totlptracegrpc.WithTimeout(%s),\n", goDuration(s.ExporterTimeout.D()))
	rc := s.Retry
	if rc.Enabled {
		b.WriteString("\totlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{\n")
		b.WriteString("\t\tEnabled:         true,\n")
		fmt.Fprintf(&b, "\t\tInitialInterval: %s,\n", goDuration(rc.InitialInterval.D()))
		fmt.Fprintf(&b, "\t\tMaxInterval:     %s,\n", goDuration(rc.MaxInterval.D()))
		fmt.Fprintf(&b, "\t\tMaxElapsedTime:  %s,\n", goDuration(rc.MaxElapsedTime.D()))
		b.WriteString("\t}),\n")
	} else {
		b.WriteString("\totlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),\n")
	}
	b.WriteString(")\nif err != nil {\n\treturn err\n}\n")
	b.WriteString("tp := sdktrace.NewTracerProvider(\n")
	b.WriteString("\tsdktrace.WithBatcher(exporter,\n")
	fmt.Fprintf(&b, "\t\tsdktrace.WithMaxQueueSize(%d),\n", s.MaxQueueSize)
	fmt.Fprintf(&b, "\t\tsdktrace.WithMaxExportBatchSize(%d),\n", s.MaxExportBatchSize)
	fmt.Fprintf(&b, "\t\tsdktrace.WithBatchTimeout(%s),\n", goDuration(s.ScheduleDelay.D()))
	fmt.Fprintf(&b, "\t\tsdktrace.WithExportTimeout(%s),\n", goDuration(s.ExportTimeout.D()))
	b.WriteString("\t\t// No WithBlocking: a full queue drops spans rather than stall requests.\n")
	b.WriteString("\t),\n")
	if s.SampleRatio != nil {
		fmt.Fprintf(&b, "\tsdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(%s))),\n",
			strconv.FormatFloat(*s.SampleRatio, 'g', -1, 64))
	}
	b.WriteString(")\n")
	return b.String()
}

// AdviceEnv renders the advised settings as standard OTEL_* lines, one
// KEY=VALUE a line, sorted, with a comment for what no variable sets.
func AdviceEnv(a summary.Advice) string {
	lines := envLines(a.Env)
	lines = append(lines,
		"# The exporter's retry policy has no standard variable: set it in code (otlptracegrpc.WithRetry).",
		"# Blocking stays off, which is the default: nothing to set.")
	return joinLines(lines)
}

// AdviceJSON writes the Advice as indented JSON (its schema is documented
// on summary.Advice).
func AdviceJSON(w io.Writer, a summary.Advice) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}
