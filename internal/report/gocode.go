package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// goCode renders a variant's settings as Go a user can paste into their
// service's tracing setup.
func goCode(v profile.Variant) string {
	var b strings.Builder
	b.WriteString("exporter, err := otlptracegrpc.New(ctx")
	if v.ExporterTimeout != nil {
		fmt.Fprintf(&b, ", otlptracegrpc.WithTimeout(%s)", goDuration(v.ExporterTimeout.D()))
	}
	b.WriteString(")\nif err != nil {\n\treturn err\n}\n")
	if v.Kind == profile.KindSync {
		b.WriteString("tp := sdktrace.NewTracerProvider(\n\tsdktrace.WithSyncer(exporter),\n)\n")
		return b.String()
	}
	var opts []string
	if v.QueueSize != nil {
		opts = append(opts, fmt.Sprintf("sdktrace.WithMaxQueueSize(%d)", *v.QueueSize))
	}
	if v.MaxExportBatchSize != nil {
		opts = append(opts, fmt.Sprintf("sdktrace.WithMaxExportBatchSize(%d)", *v.MaxExportBatchSize))
	}
	if v.BatchTimeout != nil {
		opts = append(opts, fmt.Sprintf("sdktrace.WithBatchTimeout(%s)", goDuration(v.BatchTimeout.D())))
	}
	if v.ExportTimeout != nil {
		opts = append(opts, fmt.Sprintf("sdktrace.WithExportTimeout(%s)", goDuration(v.ExportTimeout.D())))
	}
	if v.Blocking {
		opts = append(opts, "sdktrace.WithBlocking()")
	}
	b.WriteString("tp := sdktrace.NewTracerProvider(\n")
	if len(opts) == 0 {
		b.WriteString("\tsdktrace.WithBatcher(exporter), // the SDK's defaults\n")
	} else {
		b.WriteString("\tsdktrace.WithBatcher(exporter,\n")
		for _, o := range opts {
			b.WriteString("\t\t" + o + ",\n")
		}
		b.WriteString("\t),\n")
	}
	if v.SampleRatio != nil {
		fmt.Fprintf(&b, "\tsdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(%s))),\n",
			strconv.FormatFloat(*v.SampleRatio, 'g', -1, 64))
	}
	b.WriteString(")\n")
	return b.String()
}

// goDuration writes d as a Go constant expression such as 5 * time.Second.
func goDuration(d time.Duration) string {
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

// envLines renders variables as sorted KEY=VALUE lines.
func envLines(env map[string]string) []string {
	lines := make([]string, 0, len(env))
	for k, v := range env {
		lines = append(lines, k+"="+v)
	}
	sort.Strings(lines)
	return lines
}
