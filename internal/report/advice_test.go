package report

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/summary"
)

// sampleAdvice is an Advice with sampling, so that every line renders.
func sampleAdvice() summary.Advice {
	r := 0.25
	st := summary.AdviceSettings{Processor: "batch", MaxQueueSize: 4096, MaxExportBatchSize: 512, ScheduleDelay: 5000,
		ExportTimeout: 1500, ExporterTimeout: 1500,
		Retry:       summary.RetryConfig{Enabled: true, InitialInterval: 300, MaxInterval: 750, MaxElapsedTime: 1500},
		SampleRatio: &r}
	return summary.Advice{Schema: summary.AdviceSchema, RunID: "r", Profile: "p", BasedOn: "sampled-25", Settings: st,
		Env: map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "4096", "OTEL_TRACES_SAMPLER_ARG": "0.25"}}
}

// TestAdviceGoParses checks that the Go to paste is Go: it parses as the
// body of a function, with the options and values advised.
func TestAdviceGoParses(t *testing.T) {
	code := AdviceGo(sampleAdvice())
	src := "package p\nfunc f() error {\n" + code + "_ = tp\nreturn nil\n}\n"
	if _, err := parser.ParseFile(token.NewFileSet(), "advice.go", src, 0); err != nil {
		t.Fatalf("%v\n%s", err, code)
	}
	for _, want := range []string{
		"otlptracegrpc.WithTimeout(1500 * time.Millisecond)",
		"InitialInterval: 300 * time.Millisecond,",
		"MaxElapsedTime:  1500 * time.Millisecond,",
		"sdktrace.WithMaxQueueSize(4096)",
		"sdktrace.WithBatchTimeout(5 * time.Second)",
		"sdktrace.WithExportTimeout(1500 * time.Millisecond)",
		"sdktrace.TraceIDRatioBased(0.25)",
	} {
		if !strings.Contains(code, want) {
			t.Errorf("Go lacks %q:\n%s", want, code)
		}
	}
	if strings.Contains(code, "WithSyncer") || strings.Contains(code, "sdktrace.WithBlocking()") {
		t.Errorf("Go advises sync or blocking:\n%s", code)
	}
}

// TestAdviceEnv checks the variables: sorted KEY=VALUE lines, then
// comments for what no variable sets.
func TestAdviceEnv(t *testing.T) {
	got := AdviceEnv(sampleAdvice())
	want := "OTEL_BSP_MAX_QUEUE_SIZE=4096\nOTEL_TRACES_SAMPLER_ARG=0.25\n" +
		"# The exporter's retry policy has no standard variable: set it in code (otlptracegrpc.WithRetry).\n" +
		"# Blocking stays off, which is the default: nothing to set.\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
