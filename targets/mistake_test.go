package targets

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestParseMistake(t *testing.T) {
	for _, m := range Mistakes {
		if got, err := ParseMistake(string(m)); err != nil || got != m {
			t.Errorf("ParseMistake(%q) = %q, %v", m, got, err)
		}
	}
	if _, err := ParseMistake("typo"); err == nil || !strings.Contains(err.Error(), `"typo"`) {
		t.Errorf("ParseMistake(typo) error = %v, want one naming the input", err)
	}
}

func TestValidateVerifyFields(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" for valid
	}{
		// The default: nothing for verify.
		{name: "defaults", cfg: Config{}},
		// Every field set, sensibly.
		{name: "all set", cfg: Config{Variant: VariantBatch, Mistake: MistakeDroppedContext, Handoff: true, Downstream: "http://127.0.0.1:1/x"}},
		// Hand-off routes and downstream calls work untraced too.
		{name: "untraced extras", cfg: Config{Handoff: true, Downstream: "http://127.0.0.1:1/"}},
		// An unknown mistake is named.
		{name: "unknown mistake", cfg: Config{Variant: VariantBatch, Mistake: "typo"}, wantErr: `unknown mistake "typo"`},
		// A mistake needs tracing to be made.
		{name: "mistake untraced", cfg: Config{Mistake: MistakeNoFilter}, wantErr: "needs a variant that sends spans"},
		// Noop sends nothing, so a mistake would not show either.
		{name: "mistake noop", cfg: Config{Variant: VariantNoop, Mistake: MistakeNoFilter}, wantErr: "needs a variant that sends spans"},
		// Dropping the context happens on the hand-off routes only.
		{name: "dropped context without routes", cfg: Config{Variant: VariantSync, Mistake: MistakeDroppedContext}, wantErr: "hand-off routes"},
		// The downstream must be an absolute http URL.
		{name: "relative downstream", cfg: Config{Downstream: "/x"}, wantErr: `downstream "/x"`},
		{name: "bad scheme", cfg: Config{Downstream: "ftp://h/x"}, wantErr: "http://"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.withDefaults().Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestInstrumentMistakes(t *testing.T) {
	tests := []struct {
		name     string
		mistake  Mistake
		path     string
		wantName string // the server span's name; "" for no span
	}{
		// The correct wiring: the route template, health checks untraced.
		{name: "none process", mistake: MistakeNone, path: "/process/42", wantName: "GET /process/{item_id}"},
		{name: "none healthz", mistake: MistakeNone, path: "/healthz"},
		// No filter: the health check makes a span.
		{name: "no filter", mistake: MistakeNoFilter, path: "/healthz", wantName: "GET /healthz"},
		// Raw path names: one name per item.
		{name: "raw path names", mistake: MistakeRawPathNames, path: "/process/42", wantName: "GET /process/42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tel, rec := recordingTelemetry(t)
			tel.mistake = tc.mistake
			srv, _ := serve(t, workload{}, tel)
			if code, _ := get(t, srv.URL+tc.path, nil); code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			var got string
			for _, s := range rec.Ended() {
				if s.Name() != spanLogic {
					got = s.Name()
				}
			}
			if got != tc.wantName {
				t.Errorf("server span name = %q, want %q", got, tc.wantName)
			}
		})
	}
}

func TestNewTelemetryMistakes(t *testing.T) {
	tests := []struct {
		name        string
		mistake     Mistake
		wantFields  bool   // the propagators extract traceparent
		wantGlobal  bool   // the global propagator was replaced
		wantService string // service.name prefix of the resource
	}{
		// The correct wiring sets the global propagators and the resource.
		{name: "none", mistake: MistakeNone, wantFields: true, wantGlobal: true, wantService: "otelbench-target"},
		// No propagator: nothing extracted, nothing installed.
		{name: "no propagator", mistake: MistakeNoPropagator, wantService: "otelbench-target"},
		// No service name: the SDK default resource.
		{name: "no service name", mistake: MistakeNoServiceName, wantFields: true, wantGlobal: true, wantService: "unknown_service:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, endpoint := startSink(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
			t.Setenv("OTEL_SERVICE_NAME", "")
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "")
			prev := otel.GetTextMapPropagator()
			otel.SetTextMapPropagator(&sentinelPropagator{propagation.NewCompositeTextMapPropagator()})
			defer otel.SetTextMapPropagator(prev)

			tel, err := newTelemetry(context.Background(), Config{Variant: VariantBatch, Mistake: tc.mistake}, NewMetrics(prometheus.NewRegistry()), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			defer shutdownNow(t, tel)
			if got := len(tel.propagators.Fields()) > 0; got != tc.wantFields {
				t.Errorf("propagator fields %v, want some: %v", tel.propagators.Fields(), tc.wantFields)
			}
			_, kept := otel.GetTextMapPropagator().(*sentinelPropagator)
			if replaced := !kept; replaced != tc.wantGlobal {
				t.Errorf("global propagator replaced %v, want %v", replaced, tc.wantGlobal)
			}
			rec := tracetest.NewSpanRecorder()
			tel.tp.RegisterSpanProcessor(rec)
			_, s := tel.tracer().Start(context.Background(), "probe")
			s.End()
			name := ""
			for _, kv := range rec.Ended()[0].Resource().Attributes() {
				if kv.Key == "service.name" {
					name = kv.Value.AsString()
				}
			}
			if !strings.HasPrefix(name, tc.wantService) {
				t.Errorf("service.name = %q, want prefix %q", name, tc.wantService)
			}
		})
	}
}

// sentinelPropagator marks the global propagator a test installed.
type sentinelPropagator struct{ propagation.TextMapPropagator }

// countingExporter counts exported spans, safe for the batch worker.
type countingExporter struct{ n atomic.Int64 }

func (c *countingExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	c.n.Add(int64(len(spans)))
	return nil
}

func (c *countingExporter) Shutdown(context.Context) error { return nil }

func TestShutdownNoFlush(t *testing.T) {
	tests := []struct {
		name    string
		mistake Mistake
		want    int64 // spans exported by shutdown
	}{
		// The correct shutdown flushes the queued span.
		{name: "flush", mistake: MistakeNone, want: 1},
		// No flush: the span stays queued and is lost.
		{name: "no flush", mistake: MistakeNoFlush, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			exp := &countingExporter{}
			// A batch processor that would wait an hour before exporting.
			tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(3600e9)))
			tel := &telemetry{api: tp, tp: tp, propagators: newPropagators()}
			_, s := tel.tracer().Start(context.Background(), "queued")
			s.End()
			var stderr bytes.Buffer
			cfg := Config{Variant: VariantBatch, Mistake: tc.mistake}.withDefaults()
			if err := shutdown(cfg, nil, tel, NewMetrics(prometheus.NewRegistry()), prometheus.NewRegistry(), &stderr); err != nil {
				t.Fatal(err)
			}
			if got := exp.n.Load(); got != tc.want {
				t.Errorf("exported %d spans at shutdown, want %d\n%s", got, tc.want, stderr.String())
			}
			if tc.mistake == MistakeNoFlush && !strings.Contains(stderr.String(), "skipping tracer provider") {
				t.Errorf("stderr does not say the flush was skipped:\n%s", stderr.String())
			}
			_ = tp.Shutdown(context.Background()) // stop the worker; no leak
		})
	}
}

func TestReadyLineUnchangedByDefault(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the line
		not  []string // substrings it must not have
	}{
		// The benchmark's ready line has none of the verify fields.
		{name: "default", cfg: Config{}, not: []string{"mistake", "downstream", "handoff"}},
		// When set, they are recorded.
		{name: "verify", cfg: Config{Variant: VariantBatch, Mistake: MistakeNoFilter, Handoff: true, Downstream: "http://127.0.0.1:9/d"},
			want: []string{`"mistake":"no-filter"`, `"downstream":"http://127.0.0.1:9/d"`, `"handoff":true`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeReady(&b, "127.0.0.1:1", tc.cfg.withDefaults(), &telemetry{}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("ready line lacks %s: %s", w, b.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("ready line has %q: %s", n, b.String())
				}
			}
		})
	}
}
