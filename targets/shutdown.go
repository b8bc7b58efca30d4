package targets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/otelbench/otelbench/internal/wire"
)

// shutdown stops srv (if not nil) and the tracer provider of tel within
// cfg.ShutdownTimeout, one step after another, each bounded by what is left
// of it, then writes the final metrics. It logs every step with its duration
// to stderr. It returns an error naming each step that ran out of time, and
// any error writing the metrics; other errors of a step (an export that
// failed during the flush) are logged only.
//
// For a traced variant it records into m, as the shutdown begins, the spans
// ended so far and, once the tracer provider has shut down, whether it did
// so cleanly and how many spans were never handed to the exporter (see
// wire.MetricSpansUnexportedAtExit). The SDK's self-observability, if any, is
// shut down after the final metrics are written, so that they include it.
func shutdown(cfg Config, srv *http.Server, tel *telemetry, m *Metrics, reg prometheus.Gatherer, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()

	var errs, timeouts []error
	var endedBefore float64
	if tel.tp != nil {
		var err error
		if endedBefore, err = m.recordShutdownBegins(); err != nil {
			errs = append(errs, fmt.Errorf("recording %s: %w", wire.MetricSpansEndedBeforeShutdown, err))
		}
	}
	step := func(name string, f func(context.Context) error) error {
		start := time.Now()
		err := f(ctx)
		d := time.Since(start)
		switch {
		case err != nil && ctx.Err() != nil:
			fmt.Fprintf(stderr, "shutdown: %s timed out after %v: %v\n", name, d, err)
			timeouts = append(timeouts, fmt.Errorf("shutdown step %q timed out after %v (shutdown timeout %v): %w",
				name, d, cfg.ShutdownTimeout, err))
		case err != nil:
			fmt.Fprintf(stderr, "shutdown: %s done in %v with error: %v\n", name, d, err)
		default:
			fmt.Fprintf(stderr, "shutdown: %s done in %v\n", name, d)
		}
		return err
	}

	if srv != nil {
		step("http server shutdown", func(ctx context.Context) error {
			err := srv.Shutdown(ctx)
			if err != nil {
				// Out of time: drop the connections still open.
				_ = srv.Close()
			}
			return err
		})
	}
	if tel.tp != nil {
		if err := shutdownTracing(cfg, tel, m, step, endedBefore, stderr); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.FinalMetricsPath != "" {
		start := time.Now()
		if err := writeMetricsFile(cfg.FinalMetricsPath, reg); err != nil {
			fmt.Fprintf(stderr, "shutdown: writing final metrics failed after %v: %v\n", time.Since(start), err)
			errs = append(errs, err)
		} else {
			fmt.Fprintf(stderr, "shutdown: final metrics written to %s in %v\n", cfg.FinalMetricsPath, time.Since(start))
		}
	}
	if tel.mp != nil {
		// Not bounded by ctx, which may be over: with only a pull reader this
		// has nothing to wait for.
		mctx, mcancel := context.WithTimeout(context.Background(), time.Second)
		defer mcancel()
		if err := tel.mp.Shutdown(mctx); err != nil {
			fmt.Fprintf(stderr, "shutdown: meter provider shutdown: %v\n", err)
		}
	}
	if len(errs) == 0 && len(timeouts) > 0 {
		return &IncompleteError{Steps: timeouts}
	}
	return errors.Join(append(timeouts, errs...)...)
}

// shutdownTracing flushes and shuts down the tracer provider of tel, each
// a step, and records into m whether it did so cleanly and how many spans
// were never handed to the exporter. It returns only an error recording
// them.
func shutdownTracing(cfg Config, tel *telemetry, m *Metrics, step func(string, func(context.Context) error) error, endedBefore float64, stderr io.Writer) error {
	var clean, drained bool
	if cfg.Mistake == MistakeNoFlush {
		// The mistake on purpose: exit with the batch processor's queue
		// unexported.
		fmt.Fprintf(stderr, "shutdown: skipping tracer provider force flush and shutdown (mistake %s)\n", cfg.Mistake)
	} else {
		flushErr := step("tracer provider force flush", tel.tp.ForceFlush)
		shutdownErr := step("tracer provider shutdown", tel.tp.Shutdown)
		clean = flushErr == nil && shutdownErr == nil
		// Shutdown drains the queue whatever ForceFlush returned, and
		// returns nil only if it did so in time.
		drained = shutdownErr == nil
	}
	ended, unexported, err := m.recordExit(clean, drained)
	fmt.Fprintf(stderr, "shutdown: spans ended %v (%v before shutdown), never handed to the exporter %v; clean %v, drained %v\n",
		ended, endedBefore, unexported, clean, drained)
	if err != nil {
		return fmt.Errorf("recording the spans unexported at exit: %w", err)
	}
	return nil
}

// IncompleteError is the error of a shutdown whose only problems were
// steps that ran out of time: the target exited with requests or spans
// still in flight (a slow or absent collector does this), but it recorded
// what it could, final metrics included.
type IncompleteError struct {
	// Steps are the steps out of time, in order.
	Steps []error
}

// Error lists the steps out of time.
func (e *IncompleteError) Error() string { return errors.Join(e.Steps...).Error() }

// Unwrap returns the steps' errors.
func (e *IncompleteError) Unwrap() []error { return e.Steps }

// ExitShutdownIncomplete is the exit status of a target whose only error was
// an IncompleteError: what it measured
// holds, and the spans it could not export count as lost at shutdown.
const ExitShutdownIncomplete = 3

// writeMetricsFile gathers g and writes it in the Prometheus text format to
// path atomically: to a temporary file in the same directory, then renamed,
// so a reader sees either nothing or the whole file.
func writeMetricsFile(path string, g prometheus.Gatherer) (err error) {
	mfs, gatherErr := g.Gather()
	if gatherErr != nil && len(mfs) == 0 {
		return fmt.Errorf("gathering final metrics: %w", gatherErr)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing final metrics %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	enc := expfmt.NewEncoder(tmp, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("writing final metrics %s: %w", path, err)
		}
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing final metrics %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing final metrics %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing final metrics %s: %w", path, err)
	}
	if gatherErr != nil {
		// Partial metrics are written, but say so.
		return fmt.Errorf("gathering final metrics (written partially to %s): %w", path, gatherErr)
	}
	return nil
}
