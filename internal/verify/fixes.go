package verify

import (
	"github.com/otelbench/otelbench/internal/sink"
)

// fixTopic is a kind of wiring a failed check points to.
type fixTopic int

const (
	// fixExclude: leaving health and metrics endpoints out of tracing.
	fixExclude fixTopic = iota
	// fixFlush: exporting what is queued before the process exits.
	fixFlush
	// fixPropagator: extracting the inbound traceparent.
	fixPropagator
	// fixSemconv: emitting the stable HTTP semantic conventions.
	fixSemconv
)

// attrSDKLanguage is the resource attribute that names the SDK's language.
const attrSDKLanguage = "telemetry.sdk.language"

// languageOf returns the telemetry.sdk.language of the first span that
// names one, "" when none does.
func languageOf(spans []sink.Span) string {
	for i := range spans {
		if l := spans[i].Resource[attrSDKLanguage]; l != "" {
			return l
		}
	}
	return ""
}

// fixes holds, per topic, how each SDK does it, by telemetry.sdk.language;
// "" is for an SDK verify cannot name.
var fixes = map[fixTopic]map[string]string{
	fixExclude: {
		"go":     `leave these paths out of tracing: otelhttp.WithFilter(filters.None(filters.Path("/healthz"), …)) (go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp/filters)`,
		"nodejs": `leave these paths out of tracing: new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => ['/healthz', '/metrics'].includes(req.url) })`,
		"python": `leave these paths out of tracing: FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,metrics") (or OTEL_PYTHON_FASTAPI_EXCLUDED_URLS; Flask and Django read OTEL_PYTHON_*_EXCLUDED_URLS too)`,
		"java":   `leave these paths out of tracing: a sampler that drops them by url.path, such as opentelemetry-java-contrib's RuleBasedRoutingSampler (the javaagent loads it as an extension)`,
		"":       `leave these paths out of tracing in the HTTP server instrumentation (a filter, an ignore hook or excluded URLs)`,
	},
	fixFlush: {
		"go":     `flush before exiting: on SIGTERM (signal.NotifyContext), shut the HTTP server down, then tp.ForceFlush(ctx) and tp.Shutdown(ctx)`,
		"nodejs": `flush before exiting: process.on('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)))`,
		"python": `flush before exiting: provider.force_flush() then provider.shutdown() when the app stops (FastAPI's lifespan handler after its yield); the SDK's atexit hook does not run when the process dies by the signal`,
		"java":   `flush before exiting: the javaagent and the autoconfigured SDK register a shutdown hook; a manual SDK needs Runtime.getRuntime().addShutdownHook(new Thread(sdk::close))`,
		"":       `flush before exiting: on SIGTERM, call the tracer provider's force-flush and shutdown`,
	},
	fixPropagator: {
		"go":     `set the propagator: otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})); the Go SDK sets none by default`,
		"nodejs": `set the propagator: NodeSDK uses W3C trace context unless OTEL_PROPAGATORS says otherwise; a manual setup needs propagation.setGlobalPropagator(new W3CTraceContextPropagator())`,
		"python": `set the propagator: OTEL_PROPAGATORS=tracecontext,baggage (the default) or set_global_textmap(...); and instrument the server so that it extracts it`,
		"java":   `set the propagator: OTEL_PROPAGATORS=tracecontext,baggage (the autoconfigured default), or ContextPropagators.create(W3CTraceContextPropagator.getInstance()) on a manual SDK`,
		"":       `set a W3C trace context propagator (OTEL_PROPAGATORS=tracecontext,baggage) and make the server instrumentation extract it`,
	},
	fixSemconv: {
		"go":     `a current otelhttp emits the stable keys; an older one reads OTEL_SEMCONV_STABILITY_OPT_IN=http`,
		"nodejs": `OTEL_SEMCONV_STABILITY_OPT_IN=http (or http/dup for both), read by @opentelemetry/instrumentation-http at start`,
		"python": `OTEL_SEMCONV_STABILITY_OPT_IN=http (or http/dup for both), read by the instrumentations at start`,
		"java":   `update the javaagent: 2.x emits the stable keys only (1.x: -Dotel.semconv-stability.opt-in=http)`,
		"":       `OTEL_SEMCONV_STABILITY_OPT_IN=http (or http/dup for both), or a release of the HTTP instrumentation that emits the stable keys`,
	},
}

// fix returns how the SDK of lang does topic.
func fix(topic fixTopic, lang string) string {
	if s, ok := fixes[topic][lang]; ok {
		return s
	}
	return fixes[topic][""]
}
