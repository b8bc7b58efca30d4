package settings

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnv(t *testing.T) {
	sampled := Default()
	sampled.SampleRatio = 0.1
	sync := Default()
	sync.Processor = ProcessorSync
	odd := Default()
	odd.Batch.BatchTimeout = 1500 * time.Microsecond // not whole ms: rounded up
	tests := []struct {
		name string
		t    Tracing
		want map[string]string
	}{
		// The defaults, every variable spelt out.
		{"defaults", Default(), map[string]string{EnvQueueSize: "2048", EnvMaxExportBatch: "512", EnvScheduleDelay: "5000",
			EnvExportTimeout: "30000", EnvExporterTimeout: "10000"}},
		// Sampling adds the sampler and its ratio.
		{"sampled", sampled, map[string]string{EnvQueueSize: "2048", EnvMaxExportBatch: "512", EnvScheduleDelay: "5000",
			EnvExportTimeout: "30000", EnvExporterTimeout: "10000", EnvSampler: SamplerParentBasedRatio, EnvSamplerArg: "0.1"}},
		// Sync has no batch variables.
		{"sync", sync, map[string]string{EnvExporterTimeout: "10000"}},
		// None has nothing.
		{"none", Tracing{Processor: ProcessorNone}, map[string]string{}},
		// A duration that is not whole milliseconds is rounded up, never to 0.
		{"rounded", odd, map[string]string{EnvQueueSize: "2048", EnvMaxExportBatch: "512", EnvScheduleDelay: "2",
			EnvExportTimeout: "30000", EnvExporterTimeout: "10000"}},
	}
	for _, tt := range tests {
		if got := tt.t.Env(); !maps.Equal(got, tt.want) {
			t.Errorf("%s: Env() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCodeOnly(t *testing.T) {
	x := Default()
	if got := x.CodeOnly(); len(got) != 0 {
		t.Errorf("defaults: CodeOnly() = %v, want none", got)
	}
	x.Batch.Blocking = true
	x.Exporter.Retry.InitialInterval = time.Second
	if got := x.CodeOnly(); !slices.Equal(got, []string{OptionBlocking, OptionRetry}) {
		t.Errorf("CodeOnly() = %v, want blocking and retry", got)
	}
}

// TestGoParses checks that every shape of Go snippet is valid Go inside a
// function body, and that it spells out what it must.
func TestGoParses(t *testing.T) {
	retry := Default()
	retry.Exporter.Retry = Retry{Enabled: true, InitialInterval: 200 * time.Millisecond, MaxInterval: 500 * time.Millisecond, MaxElapsedTime: time.Second}
	noRetry := Default()
	noRetry.Exporter.Retry = Retry{}
	sampled := Default()
	sampled.SampleRatio = 0.25
	sampled.Batch.Blocking = true
	sync := Default()
	sync.Processor = ProcessorSync
	tests := []struct {
		name string
		t    Tracing
		want []string
	}{
		{"defaults", Default(), []string{"sdktrace.WithMaxQueueSize(2048)", "sdktrace.WithBatchTimeout(5 * time.Second)", "otlptracegrpc.WithTimeout(10 * time.Second)", "No WithBlocking"}},
		{"retry", retry, []string{"InitialInterval: 200 * time.Millisecond", "MaxElapsedTime:  time.Second"}},
		{"retry off", noRetry, []string{"RetryConfig{Enabled: false}"}},
		{"sampled blocking", sampled, []string{"TraceIDRatioBased(0.25)", "sdktrace.WithBlocking()"}},
		{"sync", sync, []string{"sdktrace.WithSyncer(exporter)"}},
	}
	for _, tt := range tests {
		code := tt.t.Go()
		src := "package p\nfunc f() error {\n" + code + "_ = tp\nreturn nil\n}\n"
		if _, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0); err != nil {
			t.Errorf("%s: Go() does not parse: %v\n%s", tt.name, err, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(code, w) {
				t.Errorf("%s: Go() lacks %q:\n%s", tt.name, w, code)
			}
		}
	}
}

func TestTracingJSONRoundTrip(t *testing.T) {
	x := Default()
	x.SampleRatio = 0.1
	x.Exporter.Timeout = 2500 * time.Millisecond
	data, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"processor":"batch"`, `"max_queue_size":2048`, `"exporter_timeout_ms":2500`, `"initial_interval_ms":5000`, `"sample_ratio":0.1`} {
		if !strings.Contains(string(data), w) {
			t.Errorf("JSON %s lacks %s", data, w)
		}
	}
	var back Tracing
	if err := json.Unmarshal(data, &back); err != nil || back != x {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, x)
	}
}

func TestExportBound(t *testing.T) {
	x := Default() // 30 s processor, 10 s exporter
	if got := x.ExportBound(); got != 10*time.Second {
		t.Errorf("defaults: ExportBound() = %v, want 10s", got)
	}
	x.Batch.ExportTimeout = time.Second
	if got := x.ExportBound(); got != time.Second {
		t.Errorf("ExportBound() = %v, want 1s", got)
	}
}
