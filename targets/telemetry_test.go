package targets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/otelbench/otelbench/internal/wire"
)

func TestResource(t *testing.T) {
	tests := []struct {
		name        string
		serviceName string // OTEL_SERVICE_NAME
		attrs       string // OTEL_RESOURCE_ATTRIBUTES
		wantService string
		wantEnv     string
		wantPartial bool
	}{
		// No environment: the programmatic defaults, never unknown_service.
		{name: "defaults", wantService: "otelbench-target", wantEnv: "benchmark"},
		// OTEL_SERVICE_NAME overrides the default name only.
		{name: "service name from env", serviceName: "checkout", wantService: "checkout", wantEnv: "benchmark"},
		// OTEL_RESOURCE_ATTRIBUTES overrides both defaults.
		{name: "attributes from env", attrs: "service.name=cart,deployment.environment=staging", wantService: "cart", wantEnv: "staging"},
		// OTEL_SERVICE_NAME wins over service.name in the attributes.
		{name: "service name wins", serviceName: "checkout", attrs: "service.name=cart", wantService: "checkout", wantEnv: "benchmark"},
		// A malformed pair is reported as partial; the rest still applies.
		{name: "malformed attributes", attrs: "deployment.environment=perf,garbage", wantService: "otelbench-target", wantEnv: "perf", wantPartial: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_SERVICE_NAME", tc.serviceName)
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", tc.attrs)
			res, err := newResource(context.Background())
			if gotPartial := errors.Is(err, resource.ErrPartialResource); gotPartial != tc.wantPartial || (err != nil && !gotPartial) {
				t.Fatalf("newResource error = %v, want partial %v", err, tc.wantPartial)
			}
			got := map[attribute.Key]string{}
			for _, kv := range res.Attributes() {
				got[kv.Key] = kv.Value.Emit()
			}
			if got["service.name"] != tc.wantService || got["deployment.environment"] != tc.wantEnv {
				t.Errorf("resource = %v, want service.name=%s deployment.environment=%s", got, tc.wantService, tc.wantEnv)
			}
		})
	}
}

func TestNewTelemetryProcessorConfig(t *testing.T) {
	unused := unusedEndpoint(t)
	tests := []struct {
		name  string
		cfg   Config
		env   map[string]string
		check func(t *testing.T, raw json.RawMessage)
	}{
		// The simple processor is just named.
		{
			name: "sync",
			cfg:  Config{Variant: VariantSync},
			check: func(t *testing.T, raw json.RawMessage) {
				if string(raw) != `{"type":"SimpleSpanProcessor"}` {
					t.Errorf("processor = %s", raw)
				}
			},
		},
		// With no OTEL_BSP_* the SDK's defaults are in effect.
		{
			name: "batch defaults",
			cfg:  Config{Variant: VariantBatch},
			check: func(t *testing.T, raw json.RawMessage) {
				c := decodeBatch(t, raw)
				if c.Type != "BatchSpanProcessor" || c.Config.MaxQueueSize != 2048 || c.Config.MaxExportBatchSize != 512 ||
					c.Config.BatchTimeout != 5*time.Second || c.Config.ExportTimeout != 30*time.Second || c.Config.BlockOnQueueFull {
					t.Errorf("processor = %s", raw)
				}
			},
		},
		// Every OTEL_BSP_* variable is honoured, read by the SDK itself.
		{
			name: "batch from env",
			cfg:  Config{Variant: VariantBatch},
			env: map[string]string{
				"OTEL_BSP_MAX_QUEUE_SIZE":        "100",
				"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "10",
				"OTEL_BSP_SCHEDULE_DELAY":        "200",
				"OTEL_BSP_EXPORT_TIMEOUT":        "1000",
			},
			check: func(t *testing.T, raw json.RawMessage) {
				c := decodeBatch(t, raw)
				if c.Config.MaxQueueSize != 100 || c.Config.MaxExportBatchSize != 10 ||
					c.Config.BatchTimeout != 200*time.Millisecond || c.Config.ExportTimeout != time.Second {
					t.Errorf("processor = %s", raw)
				}
			},
		},
		// The blocking flag is the one option not from the environment.
		{
			name: "batch blocking",
			cfg:  Config{Variant: VariantBatch, Blocking: true},
			check: func(t *testing.T, raw json.RawMessage) {
				if c := decodeBatch(t, raw); !c.Config.BlockOnQueueFull {
					t.Errorf("processor = %s", raw)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", unused)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stderr bytes.Buffer
			tel, err := newTelemetry(context.Background(), tc.cfg, NewMetrics(prometheus.NewRegistry()), &stderr)
			if err != nil {
				t.Fatal(err)
			}
			defer shutdownNow(t, tel)
			if tel.tp == nil || tel.tracer() == nil {
				t.Fatal("traced variant has no tracer provider")
			}
			tc.check(t, tel.processor)
		})
	}
}

// decodeBatch decodes a batch processor's MarshalLog JSON into the ready
// line's wire.Processor, refusing any field it lacks: an SDK that reports
// more must not go unnoticed.
func decodeBatch(t *testing.T, raw json.RawMessage) wire.Processor {
	t.Helper()
	var c wire.Processor
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("decoding processor %s: %v", raw, err)
	}
	if c.Config == nil {
		t.Fatalf("processor %s has no Config", raw)
	}
	return c
}

// shutdownNow shuts tel's provider down with a short bound; nothing was
// exported, so there is nothing to wait for.
func shutdownNow(t *testing.T, tel *telemetry) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tel.tp.Shutdown(ctx); err != nil {
		t.Errorf("shutting down tracer provider: %v", err)
	}
}

// unusedEndpoint returns an OTLP endpoint URL on a loopback port that was
// free a moment ago, so exports to it fail fast with connection refused.
func unusedEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}
