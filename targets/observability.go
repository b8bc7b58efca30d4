package targets

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// sdkObservabilityEnabled reports whether the environment switches on the
// SDK's experimental self-observability, by the SDK's own rule
// (sdk/internal/x): the first of sdkObservabilityKeys that is set and not
// empty must be "true", in any case. Built for a release without it
// (observability_none.go), it is always false. The runner sets
// OTEL_GO_X_OBSERVABILITY=true per variant; the target follows the SDK
// rather than the letter of that, so that it never leaves the SDK
// instrumenting into nothing.
func sdkObservabilityEnabled() bool {
	for _, k := range sdkObservabilityKeys {
		if v := os.Getenv(k); v != "" {
			return strings.EqualFold(v, "true")
		}
	}
	return false
}

// newSDKObservability builds a MeterProvider whose only reader is the otel
// prometheus exporter registered on reg, and makes it the global
// MeterProvider, from which each SDK component takes its meter when it is
// built (the tracer provider's tracers, the batch or simple processor,
// otlptracegrpc's client as it starts): call it before building them. The
// SDK's metrics then appear on reg beside the target's own, named as listed
// with wire.SDKMetricProcessorSpanProcessed.
//
// No target_info series: the resource says nothing the ready line does not.
// Shut the provider down only after the final metrics are written: a reader
// that is shut down collects nothing.
func newSDKObservability(reg prometheus.Registerer) (*metric.MeterProvider, error) {
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutTargetInfo())
	if exp == nil {
		return nil, fmt.Errorf("creating the prometheus exporter for SDK self-observability: %w", err)
	}
	if err != nil {
		// The exporter works; only its own instrumentation failed.
		otel.Handle(fmt.Errorf("prometheus exporter: %w", err))
	}
	mp := metric.NewMeterProvider(metric.WithReader(exp), metric.WithResource(resource.Empty()))
	otel.SetMeterProvider(mp)
	return mp, nil
}

// shutdownMeterProvider shuts mp down if it is not nil.
func shutdownMeterProvider(ctx context.Context, mp *metric.MeterProvider) error {
	if mp == nil {
		return nil
	}
	return mp.Shutdown(ctx)
}
