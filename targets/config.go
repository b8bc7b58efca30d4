package targets

import (
	"fmt"
	"net/url"
	"time"
)

// Variant names how the service is instrumented.
type Variant string

const (
	// VariantNone serves the routes with no tracing at all: no otelhttp, no
	// SDK, no exporter and no span code on the request path.
	VariantNone Variant = "none"
	// VariantNoop serves the routes under otelhttp, with the handler's
	// manual spans, against the API's noop TracerProvider: the
	// instrumentation with no SDK. No span is recorded, ended through a
	// processor or exported.
	VariantNoop Variant = "noop"
	// VariantSync ends spans through the SDK's SimpleSpanProcessor, which
	// exports each span on the request's goroutine (what WithSyncer does).
	VariantSync Variant = "sync"
	// VariantBatch ends spans through the SDK's BatchSpanProcessor,
	// configured by the standard OTEL_BSP_* environment variables.
	VariantBatch Variant = "batch"
)

// Variants lists every known variant, in the order they are documented.
var Variants = []Variant{VariantNone, VariantNoop, VariantSync, VariantBatch}

// ParseVariant returns the Variant named s, or an error naming s and the
// known variants.
func ParseVariant(s string) (Variant, error) {
	for _, v := range Variants {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown variant %q (want one of %v)", s, Variants)
}

const (
	// DefaultListen is the address the service listens on when Config.Listen
	// is empty: loopback with a port chosen by the kernel.
	DefaultListen = "127.0.0.1:0"
	// DefaultShutdownTimeout bounds the whole graceful shutdown (draining
	// requests, flushing and shutting down the tracer provider) when
	// Config.ShutdownTimeout is zero.
	DefaultShutdownTimeout = 15 * time.Second
)

// Config is what Run needs to build and serve one variant of the target.
// The zero value of each field means its default.
type Config struct {
	// Listen is the TCP address to listen on; port 0 lets the kernel choose.
	// Empty means DefaultListen.
	Listen string
	// Variant selects the instrumentation. Empty means VariantNone.
	Variant Variant
	// CPU is how long each /process request busy-loops inside its span.
	CPU time.Duration
	// Sleep is how long each /process request then sleeps (cut short if the
	// request's context ends).
	Sleep time.Duration
	// ExtraSpans is how many process_item_step child spans each /process
	// request starts and ends, one after another.
	ExtraSpans int
	// Blocking makes the batch processor block OnEnd when its queue is full
	// instead of dropping the span (sdktrace.WithBlocking). It is the one
	// batch option with no standard environment variable. Only valid with
	// VariantBatch.
	Blocking bool
	// ShutdownTimeout bounds the whole graceful shutdown. Zero means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// FinalMetricsPath, if set, is where the registry is written in the
	// Prometheus text format after the tracer provider has shut down.
	FinalMetricsPath string
	// Profile serves a CPU profile at ProfilePath (net/http/pprof), for
	// the runner's per-cell profile. Off, the route does not exist.
	Profile bool

	// The fields below exist for `otelbench verify`. All are off by
	// default, and off they add nothing to the request path of /process
	// beyond a nil check.

	// Mistake builds the traced service with one classic wiring mistake.
	// Empty means MistakeNone. Only valid with a traced variant.
	Mistake Mistake
	// Downstream, if set, is an absolute http URL that every /process
	// request GETs, with the request's context, through otelhttp.Transport
	// (a plain client in VariantNone), before it answers.
	Downstream string
	// Handoff adds the routes GET /handoff/good/{item_id} and
	// GET /handoff/bad/{item_id}, which hand work to goroutines the right
	// and the wrong way.
	Handoff bool
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Variant == "" {
		c.Variant = VariantNone
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Mistake == "" {
		c.Mistake = MistakeNone
	}
	return c
}

// Validate reports the first field of c that makes no sense: an unknown
// variant, a negative duration or count, Blocking without VariantBatch, an
// unknown mistake or one without tracing, or a Downstream that is not an
// absolute http URL. Run calls it after applying the defaults (an empty
// Variant means VariantNone, an empty Mistake MistakeNone).
func (c Config) Validate() error {
	if _, err := ParseVariant(string(c.Variant)); err != nil {
		return err
	}
	if err := c.validateVerify(); err != nil {
		return err
	}
	switch {
	case c.CPU < 0:
		return fmt.Errorf("cpu %v: must not be negative", c.CPU)
	case c.Sleep < 0:
		return fmt.Errorf("sleep %v: must not be negative", c.Sleep)
	case c.ExtraSpans < 0:
		return fmt.Errorf("extra spans %d: must not be negative", c.ExtraSpans)
	case c.ShutdownTimeout < 0:
		return fmt.Errorf("shutdown timeout %v: must not be negative", c.ShutdownTimeout)
	case c.Blocking && c.Variant != VariantBatch:
		return fmt.Errorf("blocking applies only to variant %q, not %q", VariantBatch, c.Variant)
	}
	return nil
}

// validateVerify checks the fields that exist for `otelbench verify`.
func (c Config) validateVerify() error {
	if c.Mistake != "" {
		if _, err := ParseMistake(string(c.Mistake)); err != nil {
			return err
		}
		if c.Mistake != MistakeNone && (c.Variant == VariantNone || c.Variant == VariantNoop) {
			return fmt.Errorf("mistake %q needs a variant that sends spans, not %q", c.Mistake, c.Variant)
		}
		if c.Mistake == MistakeDroppedContext && !c.Handoff {
			return fmt.Errorf("mistake %q applies to the hand-off routes: enable them", c.Mistake)
		}
	}
	if c.Downstream != "" {
		u, err := url.Parse(c.Downstream)
		if err != nil {
			return fmt.Errorf("downstream %q: %w", c.Downstream, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("downstream %q: want an absolute http:// or https:// URL", c.Downstream)
		}
	}
	return nil
}
