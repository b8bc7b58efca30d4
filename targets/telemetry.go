package targets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp/filters"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tracerName is the instrumentation scope of the handler's manual spans.
const tracerName = "github.com/otelbench/otelbench/targets"

// Resource defaults, overridden by OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES.
const (
	defaultServiceName = "otelbench-target"
	defaultEnvironment = "benchmark"
)

// telemetry is what a variant adds to the service. For VariantNone every
// field is nil.
type telemetry struct {
	// api is the tracer provider the instrumentation uses: tp, or the
	// API's noop provider for VariantNoop; nil when not tracing.
	api trace.TracerProvider
	// tp is the SDK tracer provider, nil without the SDK.
	tp *sdktrace.TracerProvider
	// propagators extract an inbound traceparent and baggage.
	propagators propagation.TextMapPropagator
	// processor is the effective configuration of the real span processor,
	// as reported by its MarshalLog, ready to embed in the ready line.
	processor json.RawMessage
	// mistake is the wiring mistake built in on purpose; "" or MistakeNone
	// for the correct wiring.
	mistake Mistake
	// mp is the global MeterProvider that carries the SDK's
	// self-observability metrics to the registry, nil unless the
	// environment switched it on (sdkObservabilityEnabled).
	mp *sdkmetric.MeterProvider
}

// tracer returns the tracer for the handler's manual spans, or nil when not
// tracing.
func (t *telemetry) tracer() trace.Tracer {
	if t.api == nil {
		return nil
	}
	return t.api.Tracer(tracerName)
}

// instrument wraps h in otelhttp for a traced variant and returns h itself
// otherwise.
func (t *telemetry) instrument(h http.Handler) http.Handler {
	if t.api == nil {
		return h
	}
	return instrument(h, t.api, t.propagators, t.mistake)
}

// transport wraps base in otelhttp.Transport for a traced variant, with the
// same tracer provider and propagators as the server side, and returns base
// itself otherwise.
func (t *telemetry) transport(base http.RoundTripper) http.RoundTripper {
	if t.api == nil {
		return base
	}
	return otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(t.api),
		otelhttp.WithPropagators(t.propagators),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
}

// instrument wraps h (the whole ServeMux, so that the span takes its name
// from Request.Pattern) in otelhttp with an explicit tracer provider and
// propagators, a noop meter provider so only tracing is measured, and a
// filter that leaves /healthz and /metrics untraced. A mistake other than
// MistakeNone changes this on purpose (see instrumentOptions).
func instrument(h http.Handler, tp trace.TracerProvider, prop propagation.TextMapPropagator, mistake Mistake) http.Handler {
	return otelhttp.NewHandler(h, "otelbench-target", instrumentOptions(tp, prop, mistake)...)
}

// instrumentOptions returns the otelhttp options of instrument: without the
// filter for MistakeNoFilter, and naming spans after the raw path for
// MistakeRawPathNames (the formatter is called again after the handler, so
// the name stays raw).
func instrumentOptions(tp trace.TracerProvider, prop propagation.TextMapPropagator, mistake Mistake) []otelhttp.Option {
	opts := []otelhttp.Option{
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(prop),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	}
	if mistake != MistakeNoFilter {
		opts = append(opts, otelhttp.WithFilter(filters.None(filters.Path("/healthz"), filters.Path("/metrics"), filters.PathPrefix("/debug/pprof/"))))
	}
	if mistake == MistakeRawPathNames {
		opts = append(opts, otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return r.Method + " " + r.URL.Path
		}))
	}
	return opts
}

// newPropagators returns W3C trace context plus baggage.
func newPropagators() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// newResource returns the service's resource: the programmatic defaults,
// then the standard environment variables, which win (resource.New merges
// detectors in order and the later one's attributes overwrite the earlier).
// A malformed OTEL_RESOURCE_ATTRIBUTES yields a partial resource and an error
// wrapping resource.ErrPartialResource.
func newResource(ctx context.Context) (*resource.Resource, error) {
	return resource.New(ctx,
		resource.WithAttributes(
			attribute.String("service.name", defaultServiceName),
			attribute.String("deployment.environment", defaultEnvironment),
		),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
}

// newTelemetry builds the tracing of cfg.Variant. For VariantNone it builds
// nothing, not even the exporter. For a traced variant it also installs the
// global propagators and an error handler writing to stderr, as a
// user's service would. cfg.Mistake may leave out the propagators
// (MistakeNoPropagator) or the resource (MistakeNoServiceName) on purpose.
//
// When the environment switches on the SDK's self-observability
// (sdkObservabilityEnabled), it first installs a global MeterProvider that
// exposes the SDK's metrics on the registry of m, so that every component
// built after it reports there.
func newTelemetry(ctx context.Context, cfg Config, m *Metrics, stderr io.Writer) (tel *telemetry, err error) {
	switch cfg.Variant {
	case VariantNone:
		return &telemetry{}, nil
	case VariantNoop:
		return newNoopTelemetry(), nil
	}
	otel.SetErrorHandler(newErrorLog(stderr, m))
	var mp *sdkmetric.MeterProvider
	if sdkObservabilityEnabled() {
		if mp, err = newSDKObservability(m.reg); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				_ = mp.Shutdown(ctx)
			}
		}()
	}
	var prop propagation.TextMapPropagator
	if cfg.Mistake == MistakeNoPropagator {
		// What otelhttp falls back to when nobody set the global: a
		// composite of nothing, which extracts and injects nothing.
		prop = propagation.NewCompositeTextMapPropagator()
	} else {
		prop = newPropagators()
		otel.SetTextMapPropagator(prop)
	}

	var tpOpts []sdktrace.TracerProviderOption
	if cfg.Mistake != MistakeNoServiceName {
		res, err := newResource(ctx)
		switch {
		case errors.Is(err, resource.ErrPartialResource):
			fmt.Fprintf(stderr, "resource: %v (continuing with what was understood)\n", err)
		case err != nil:
			return nil, fmt.Errorf("building resource: %w", err)
		}
		tpOpts = append(tpOpts, sdktrace.WithResource(res))
	}

	otlp, err := newOTLPExporter(ctx)
	if err != nil {
		return nil, err
	}
	exp := newTimedExporter(otlp, m)

	var sp sdktrace.SpanProcessor
	switch cfg.Variant {
	case VariantSync:
		sp = sdktrace.NewSimpleSpanProcessor(exp)
	case VariantBatch:
		// Queue size, delay, batch size and export timeout come only from
		// OTEL_BSP_*, which the SDK reads itself.
		var opts []sdktrace.BatchSpanProcessorOption
		if cfg.Blocking {
			opts = append(opts, sdktrace.WithBlocking())
		}
		sp = sdktrace.NewBatchSpanProcessor(exp, opts...)
	default:
		_ = otlp.Shutdown(ctx)
		return nil, fmt.Errorf("unknown variant %q", cfg.Variant)
	}
	processor, err := processorConfig(cfg.Variant, sp)
	if err != nil {
		_ = sp.Shutdown(ctx)
		return nil, err
	}

	// No WithSampler: OTEL_TRACES_SAMPLER(_ARG) decide, default
	// ParentBased(AlwaysSample).
	tp := sdktrace.NewTracerProvider(append(tpOpts,
		sdktrace.WithSpanProcessor(newTimedProcessor(sp, m)),
	)...)
	return &telemetry{api: tp, tp: tp, propagators: prop, processor: processor, mistake: cfg.Mistake, mp: mp}, nil
}

// processorConfig returns the JSON for the ready line's "processor" field.
// For the batch processor it is its MarshalLog, the configuration actually in
// effect after the OTEL_BSP_* variables and options were applied; the simple
// processor has nothing to configure, so it is just named.
func processorConfig(v Variant, sp sdktrace.SpanProcessor) (json.RawMessage, error) {
	if v == VariantSync {
		return json.RawMessage(`{"type":"SimpleSpanProcessor"}`), nil
	}
	ml, ok := sp.(interface{ MarshalLog() any })
	if !ok {
		return nil, fmt.Errorf("span processor %T has no MarshalLog to report its config", sp)
	}
	b, err := json.Marshal(ml.MarshalLog())
	if err != nil {
		return nil, fmt.Errorf("marshalling span processor config: %w", err)
	}
	return b, nil
}
