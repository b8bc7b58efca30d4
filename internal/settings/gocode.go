package settings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Go returns t as Go to paste into a service's tracing setup: the OTLP
// gRPC exporter with its timeout (and retry policy when it is not the
// default), and the tracer provider with its processor and every batch
// option spelt out, and the sampler when t samples.
func (t Tracing) Go() string {
	var b strings.Builder
	if t.Processor == ProcessorNone || t.Processor == "" {
		return "// No tracing: no tracer provider is set up.\n"
	}
	b.WriteString("exporter, err := otlptracegrpc.New(ctx,\n")
	fmt.Fprintf(&b, "\totlptracegrpc.WithTimeout(%s),\n", GoDuration(t.Exporter.Timeout))
	if rc := t.Exporter.Retry; rc != DefaultRetry() {
		if rc.Enabled {
			b.WriteString("\totlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{\n")
			b.WriteString("\t\tEnabled:         true,\n")
			fmt.Fprintf(&b, "\t\tInitialInterval: %s,\n", GoDuration(rc.InitialInterval))
			fmt.Fprintf(&b, "\t\tMaxInterval:     %s,\n", GoDuration(rc.MaxInterval))
			fmt.Fprintf(&b, "\t\tMaxElapsedTime:  %s,\n", GoDuration(rc.MaxElapsedTime))
			b.WriteString("\t}),\n")
		} else {
			b.WriteString("\totlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),\n")
		}
	}
	b.WriteString(")\nif err != nil {\n\treturn err\n}\n")
	b.WriteString("tp := sdktrace.NewTracerProvider(\n")
	switch t.Processor {
	case ProcessorSync:
		b.WriteString("\tsdktrace.WithSyncer(exporter),\n")
	default:
		s := t.Batch
		b.WriteString("\tsdktrace.WithBatcher(exporter,\n")
		fmt.Fprintf(&b, "\t\tsdktrace.WithMaxQueueSize(%d),\n", s.QueueSize)
		fmt.Fprintf(&b, "\t\tsdktrace.WithMaxExportBatchSize(%d),\n", s.MaxExportBatchSize)
		fmt.Fprintf(&b, "\t\tsdktrace.WithBatchTimeout(%s),\n", GoDuration(s.BatchTimeout))
		fmt.Fprintf(&b, "\t\tsdktrace.WithExportTimeout(%s),\n", GoDuration(s.ExportTimeout))
		if s.Blocking {
			b.WriteString("\t\tsdktrace.WithBlocking(),\n")
		} else {
			b.WriteString("\t\t// No WithBlocking: a full queue drops spans rather than stall requests.\n")
		}
		b.WriteString("\t),\n")
	}
	if t.Sampled() {
		fmt.Fprintf(&b, "\tsdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(%s))),\n",
			strconv.FormatFloat(t.SampleRatio, 'g', -1, 64))
	}
	b.WriteString(")\n")
	return b.String()
}

// GoDuration writes d as a Go constant expression such as 5 * time.Second.
func GoDuration(d time.Duration) string {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "time.Hour"}, {time.Minute, "time.Minute"}, {time.Second, "time.Second"},
		{time.Millisecond, "time.Millisecond"}, {time.Microsecond, "time.Microsecond"}}
	for _, u := range units {
		if d >= u.d && d%u.d == 0 {
			if d == u.d {
				return u.name
			}
			return fmt.Sprintf("%d * %s", d/u.d, u.name)
		}
	}
	return fmt.Sprintf("%d * time.Nanosecond", int64(d))
}
