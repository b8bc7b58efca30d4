package targets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otelbench/otelbench/internal/wire"
)

// Run builds the variant in cfg, listens, writes one JSON ready line
// (wire.Ready) to stdout and serves until ctx is done. It then shuts down
// gracefully within cfg.ShutdownTimeout: it drains in-flight requests,
// force-flushes and shuts down the tracer provider, logging each step's
// duration to stderr, and finally writes the registry to
// cfg.FinalMetricsPath (if set) atomically.
//
// Run returns nil after a clean shutdown. If a step runs out of time it still
// writes the final metrics and returns an error naming the step. An export
// that fails during the flush (a collector that is down) is logged to stderr
// and counted in the export metrics, but is not a failure of Run.
//
// Run writes nothing else to stdout. In a traced variant it sets the global
// OpenTelemetry propagators and error handler, as a service would, and, when
// OTEL_GO_X_OBSERVABILITY=true, the global MeterProvider that carries the
// SDK's self-observability metrics into the target's registry.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	stderr = &lockedWriter{w: stderr}

	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	tel, err := newTelemetry(ctx, cfg, m, stderr)
	if err != nil {
		return err
	}
	ex, err := newExtras(cfg, tel)
	if err != nil {
		return errors.Join(err, shutdown(noFinalMetrics(cfg), nil, tel, m, reg, stderr))
	}
	defer ex.downstream.close()
	work := workload{cpu: cfg.CPU, sleep: cfg.Sleep, extraSpans: cfg.ExtraSpans}
	srv := &http.Server{
		Handler:           newServiceWith(work, tel, m, reg, ex),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(stderr, "http: ", 0),
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		err = fmt.Errorf("listening on %s: %w", cfg.Listen, err)
		return errors.Join(err, shutdown(noFinalMetrics(cfg), nil, tel, m, reg, stderr))
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	if err := writeReady(stdout, ln.Addr().String(), cfg, tel); err != nil {
		return errors.Join(err, shutdown(noFinalMetrics(cfg), srv, tel, m, reg, stderr))
	}

	select {
	case <-ctx.Done():
		fmt.Fprintf(stderr, "shutdown: %v, draining (timeout %v)\n", context.Cause(ctx), cfg.ShutdownTimeout)
	case err := <-serveErr:
		// Serve only returns early on a listener failure.
		err = fmt.Errorf("serving on %s: %w", ln.Addr(), err)
		return errors.Join(err, shutdown(cfg, srv, tel, m, reg, stderr))
	}
	err = shutdown(cfg, srv, tel, m, reg, stderr)
	// Shutdown (or Close) has made Serve return ErrServerClosed.
	if serr := <-serveErr; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("serving on %s: %w", ln.Addr(), serr))
	}
	return err
}

// newService returns the service's handler: the routes, wrapped in otelhttp
// when tel traces.
func newService(work workload, tel *telemetry, m *Metrics, g prometheus.Gatherer) http.Handler {
	return newServiceWith(work, tel, m, g, extras{})
}

// newServiceWith is newService with the opt-in parts in ex.
func newServiceWith(work workload, tel *telemetry, m *Metrics, g prometheus.Gatherer, ex extras) http.Handler {
	return tel.instrument(newMux(work, tel.tracer(), m.requests, g, ex))
}

// newExtras builds the opt-in parts that cfg asks for.
func newExtras(cfg Config, tel *telemetry) (extras, error) {
	ex := extras{handoff: cfg.Handoff, dropContext: cfg.Mistake == MistakeDroppedContext, profile: cfg.Profile}
	if cfg.Downstream != "" {
		d, err := newDownstream(cfg.Downstream, tel)
		if err != nil {
			return extras{}, err
		}
		ex.downstream = d
	}
	return ex, nil
}

// noFinalMetrics returns cfg without a final metrics path: a target that
// never became ready has no measurement to report.
func noFinalMetrics(cfg Config) Config {
	cfg.FinalMetricsPath = ""
	return cfg
}

// writeReady writes the ready line (wire.Ready) for a server listening on
// addr.
func writeReady(w io.Writer, addr string, cfg Config, tel *telemetry) error {
	ev := wire.Ready{
		Event:      wire.EventReady,
		Addr:       addr,
		PID:        os.Getpid(),
		Variant:    string(cfg.Variant),
		GoVersion:  runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Processor:  tel.processor,
		OtelEnv:    otelEnv(),
		Workload: wire.Workload{
			CPU:        cfg.CPU.String(),
			Sleep:      cfg.Sleep.String(),
			ExtraSpans: cfg.ExtraSpans,
		},
		Blocking:      cfg.Blocking,
		Observability: tel.mp != nil,
		Downstream:    cfg.Downstream,
		Handoff:       cfg.Handoff,
	}
	if cfg.Mistake != MistakeNone {
		ev.Mistake = string(cfg.Mistake)
	}
	if ev.Processor == nil {
		ev.Processor = json.RawMessage("null")
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding ready line: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing ready line: %w", err)
	}
	return nil
}

// otelEnv returns every OTEL_* variable in the environment, never nil.
func otelEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OTEL_") {
			env[k] = v
		}
	}
	return env
}
