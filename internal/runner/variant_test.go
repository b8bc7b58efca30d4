package runner

import (
	"context"
	"flag"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/sink"
	"github.com/otelbench/otelbench/internal/svcenv"
	"github.com/otelbench/otelbench/targets"
)

// variantProfile has one variant of every kind and both blocking settings.
var variantProfile = []string{
	"name: variants",
	"rates: [100]",
	"duration: 1s",
	"timeout: 20s",
	"workload:",
	"  cpu: 50us",
	"  sleep: 1ms",
	"  extra_spans: 2",
	"variants:",
	"  - name: base",
	"    kind: none",
	"  - name: sync",
	"    kind: sync",
	"    exporter_timeout: 2s",
	"  - name: batch",
	"    kind: batch",
	"    queue_size: 64",
	"    max_export_batch_size: 32",
	"    batch_timeout: 5s",
	"    export_timeout: 30s",
	"    env:",
	"      OTEL_SERVICE_NAME: checkout",
	"  - name: blocking",
	"    kind: batch",
	"    blocking: true",
	"  - name: sampled",
	"    kind: sampled",
	"    sample_ratio: 0.25",
	"    blocking: true",
	"  - name: noop",
	"    kind: noop",
	"  - name: gzip",
	"    kind: batch",
	"    compression: gzip",
}

// newTestRunner returns a Runner for p with a real sink, closed when the
// test ends.
func newTestRunner(t *testing.T, p *profile.Profile) *Runner {
	t.Helper()
	s, err := sink.Start(context.Background(), sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing the sink: %v", err)
		}
	})
	return &Runner{opts: Options{Profile: p}, recv: embedded{s}}
}

// variantNamed returns p's variant called name.
func variantNamed(t *testing.T, p *profile.Profile, name string) profile.Variant {
	t.Helper()
	for _, v := range p.Variants {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no variant %q", name)
	return profile.Variant{}
}

func TestTargetEnv(t *testing.T) {
	// Nothing of the user's environment may reach the target.
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "1")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://elsewhere:4317")

	p := mustParse(t, variantProfile...)
	r := newTestRunner(t, p)
	endpoint := r.recv.Endpoint("")
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("sink endpoint %q is not a loopback URL", endpoint)
	}

	tests := []struct {
		variant string
		want    map[string]string
	}{
		// The baseline has no tracing: no endpoint, nothing at all.
		{variant: "base", want: map[string]string{}},
		// sync: the endpoint and its exporter timeout in milliseconds.
		{variant: "sync", want: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
			"OTEL_EXPORTER_OTLP_TIMEOUT":  "2000",
		}},
		// batch: the endpoint, every OTEL_BSP_* option and the env block.
		{variant: "batch", want: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT":    endpoint,
			"OTEL_BSP_MAX_QUEUE_SIZE":        "64",
			"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "32",
			"OTEL_BSP_SCHEDULE_DELAY":        "5000",
			"OTEL_BSP_EXPORT_TIMEOUT":        "30000",
			"OTEL_SERVICE_NAME":              "checkout",
		}},
		// batch with SDK defaults: only the endpoint (blocking is a flag).
		{variant: "blocking", want: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
		}},
		// sampled: the endpoint and the sampler.
		{variant: "sampled", want: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
			"OTEL_TRACES_SAMPLER":         profile.SamplerParentBasedRatio,
			"OTEL_TRACES_SAMPLER_ARG":     "0.25",
		}},
		// noop: the instrumentation with no SDK exports nothing.
		{variant: "noop", want: map[string]string{}},
		// compression: the standard variable and its per-signal twin.
		{variant: "gzip", want: map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT":           endpoint,
			"OTEL_EXPORTER_OTLP_COMPRESSION":        "gzip",
			"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			got := svcenv.Own(r.targetEnv(variantNamed(t, p, tc.variant)))
			if tc.want["OTEL_EXPORTER_OTLP_ENDPOINT"] != "" {
				// Every traced variant: plain-text OTLP to the receiver.
				tc.want["OTEL_EXPORTER_OTLP_INSECURE"] = "true"
				tc.want["OTEL_TRACES_EXPORTER"] = "otlp"
			}
			if got == nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("targetEnv = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEnvList(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		// No variables: an empty, non-nil list (nil would make exec inherit
		// the runner's environment).
		{name: "nil", env: nil, want: []string{}},
		{name: "empty", env: map[string]string{}, want: []string{}},
		// One variable.
		{name: "one", env: map[string]string{"A": "1"}, want: []string{"A=1"}},
		// Sorted, whatever the map order.
		{name: "sorted", env: map[string]string{"OTEL_C": "3", "OTEL_A": "1", "OTEL_B": "2"},
			want: []string{"OTEL_A=1", "OTEL_B=2", "OTEL_C=3"}},
		// Values are kept verbatim, "=" and spaces included; empty values stay.
		{name: "verbatim", env: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "a=b,c=d", "X": "", "Y": " y "},
			want: []string{"OTEL_RESOURCE_ATTRIBUTES=a=b,c=d", "X=", "Y= y "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := envList(tc.env)
			if got == nil || !slices.Equal(got, tc.want) {
				t.Errorf("envList(%v) = %#v, want %#v", tc.env, got, tc.want)
			}
		})
	}
}

func TestProcessorKind(t *testing.T) {
	tests := []struct {
		kind profile.Kind
		want string
	}{
		// The baseline, sync and batch kinds are target variants of their own.
		{profile.KindNone, "none"},
		{profile.KindSync, "sync"},
		{profile.KindBatch, "batch"},
		// A sampled variant is a batch target with a sampler from the environment.
		{profile.KindSampled, "batch"},
	}
	for _, tc := range tests {
		got := processorKind(tc.kind)
		if got != tc.want {
			t.Errorf("processorKind(%s) = %q, want %q", tc.kind, got, tc.want)
		}
		if _, err := targets.ParseVariant(got); err != nil {
			t.Errorf("processorKind(%s) = %q, which the target refuses: %v", tc.kind, got, err)
		}
	}
}

// parseTargetFlags parses args with the flags of cmd/otelbench-target (which
// is package main, so the test mirrors them) into a targets.Config.
func parseTargetFlags(args []string) (targets.Config, error) {
	var cfg targets.Config
	fs := flag.NewFlagSet("otelbench-target", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.Listen, "listen", "", "")
	variant := fs.String("variant", "", "")
	fs.DurationVar(&cfg.CPU, "cpu", 0, "")
	fs.DurationVar(&cfg.Sleep, "sleep", 0, "")
	fs.IntVar(&cfg.ExtraSpans, "extra-spans", 0, "")
	fs.BoolVar(&cfg.Blocking, "blocking", false, "")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 0, "")
	fs.StringVar(&cfg.FinalMetricsPath, "final-metrics", "", "")
	fs.BoolVar(&cfg.Profile, "pprof", false, "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.Variant = targets.Variant(*variant)
	return cfg, cfg.Validate()
}

func TestTargetArgs(t *testing.T) {
	p := mustParse(t, variantProfile...)
	r := newTestRunner(t, p)
	const metrics = "/tmp/cell/metrics.prom"
	common := func(variant string) []string {
		return []string{
			"-listen", "127.0.0.1:0",
			"-variant", variant,
			"-cpu", "50µs",
			"-sleep", "1ms",
			"-extra-spans", "2",
			// max(15s, timeout 20s + 5s)
			"-shutdown-timeout", "25s",
			"-final-metrics", metrics,
		}
	}
	tests := []struct {
		variant string
		want    []string
	}{
		// The baseline: the workload flags and no -blocking; every
		// variant serves its CPU profile (-pprof).
		{variant: "base", want: append(common("none"), "-pprof")},
		// sync never blocks.
		{variant: "sync", want: append(common("sync"), "-pprof")},
		// batch without blocking: the SDK default (drop when full).
		{variant: "batch", want: append(common("batch"), "-pprof")},
		// blocking: true is the one option passed as a flag.
		{variant: "blocking", want: append(common("batch"), "-blocking", "-pprof")},
		// A sampled variant runs the batch target, blocking included.
		{variant: "sampled", want: append(common("batch"), "-blocking", "-pprof")},
	}
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			v := variantNamed(t, p, tc.variant)
			got := r.targetArgs(v, metrics)
			if !slices.Equal(got, tc.want) {
				t.Errorf("targetArgs =\n %q\nwant\n %q", got, tc.want)
			}
			cfg, err := parseTargetFlags(got)
			if err != nil {
				t.Fatalf("the target would refuse %q: %v", got, err)
			}
			w := p.Workload
			want := targets.Config{
				Listen:           "127.0.0.1:0",
				Variant:          targets.Variant(processorKind(v.Kind)),
				CPU:              w.CPU.D(),
				Sleep:            w.Sleep.D(),
				ExtraSpans:       w.ExtraSpans,
				Blocking:         v.Blocking,
				ShutdownTimeout:  r.shutdownTimeout(),
				FinalMetricsPath: metrics,
				Profile:          true,
			}
			if cfg != want {
				t.Errorf("the target would run with %+v, want %+v", cfg, want)
			}
		})
	}
}

func TestTargetShutdownTimeout(t *testing.T) {
	tests := []struct {
		timeout string
		want    string
	}{
		// A short request timeout: the 15 s floor.
		{timeout: "1s", want: "15s"},
		// At the floor exactly.
		{timeout: "10s", want: "15s"},
		// A long request timeout: in-flight requests get it plus 5 s.
		{timeout: "30s", want: "35s"},
	}
	for _, tc := range tests {
		p := mustParse(t, "name: x", "rates: [1]", "duration: 1s", "timeout: "+tc.timeout,
			"variants:", "  - name: base", "    kind: none")
		r := &Runner{opts: Options{Profile: p}}
		if got := r.shutdownTimeout().String(); got != tc.want {
			t.Errorf("timeout %s: shutdownTimeout = %s, want %s", tc.timeout, got, tc.want)
		}
	}
}
