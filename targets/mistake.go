package targets

import "fmt"

// Mistake names one classic wiring mistake the traced service can be built
// with on purpose, so that `otelbench verify` can be shown to catch it. The
// benchmark never selects one: the runner passes only the flags it knows,
// and the default is MistakeNone.
type Mistake string

const (
	// MistakeNone is the correct wiring.
	MistakeNone Mistake = "none"
	// MistakeNoPropagator never installs a propagator: otelhttp extracts
	// and injects nothing (the global default), so an inbound traceparent
	// is ignored, each request starts a new trace (sampled by the root
	// sampler alone) and nothing reaches the downstream service.
	MistakeNoPropagator Mistake = "no-propagator"
	// MistakeNoFilter traces every request, /healthz and /metrics too.
	MistakeNoFilter Mistake = "no-filter"
	// MistakeRawPathNames names server spans after the raw request path
	// ("GET /process/42") instead of the route template.
	MistakeRawPathNames Mistake = "raw-path-names"
	// MistakeNoFlush skips ForceFlush and Shutdown of the tracer provider
	// on SIGTERM: the spans still queued in the batch processor are lost.
	MistakeNoFlush Mistake = "no-flush"
	// MistakeDroppedContext makes GET /handoff/good/{item_id} hand its
	// work to a goroutine with context.Background() instead of the
	// request's context, so the work's span is an orphan root. It needs
	// Config.Handoff.
	MistakeDroppedContext Mistake = "dropped-context"
	// MistakeNoServiceName builds the tracer provider without the
	// service's resource, so spans carry the SDK default
	// service.name=unknown_service:<executable>.
	MistakeNoServiceName Mistake = "no-service-name"
)

// Mistakes lists every known mistake, MistakeNone first.
var Mistakes = []Mistake{
	MistakeNone,
	MistakeNoPropagator,
	MistakeNoFilter,
	MistakeRawPathNames,
	MistakeNoFlush,
	MistakeDroppedContext,
	MistakeNoServiceName,
}

// ParseMistake returns the Mistake named s, or an error naming s and the
// known mistakes.
func ParseMistake(s string) (Mistake, error) {
	for _, m := range Mistakes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mistake %q (want one of %v)", s, Mistakes)
}
