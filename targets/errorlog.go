package targets

import (
	"fmt"
	"io"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"

	"github.com/otelbench/otelbench/internal/wire"
)

const (
	// errorsVerbatim is how many OpenTelemetry errors are logged in full.
	errorsVerbatim = 20
	// errorsEvery is how often, after that, a running count is logged. During
	// a collector outage every export fails; the log must stay readable.
	errorsEvery = 1000
)

var _ otel.ErrorHandler = (*errorLog)(nil)

// errorLog is the global OpenTelemetry error handler of a traced target: it
// counts every error and writes the first errorsVerbatim to w, then only a
// running count every errorsEvery errors.
type errorLog struct {
	counter prometheus.Counter

	mu sync.Mutex // guards n and writes to w
	n  uint64
	w  io.Writer
}

// newErrorLog returns an errorLog writing to w and counting into m.
func newErrorLog(w io.Writer, m *Metrics) *errorLog {
	return &errorLog{w: w, counter: m.otelErrors}
}

// Handle records err.
func (e *errorLog) Handle(err error) {
	e.counter.Inc()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	switch {
	case e.n < errorsVerbatim:
		fmt.Fprintf(e.w, "otel error: %v\n", err)
	case e.n == errorsVerbatim:
		fmt.Fprintf(e.w, "otel error: %v\n", err)
		fmt.Fprintf(e.w, "otel errors: %d logged; from now on only a count every %d (see %s)\n",
			e.n, errorsEvery, wire.MetricOtelErrors)
	case e.n%errorsEvery == 0:
		fmt.Fprintf(e.w, "otel errors: %d so far, last: %v\n", e.n, err)
	}
}

// lockedWriter serialises writes to w, which may be shared by the error
// handler, the HTTP server's error log and the shutdown log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p to the underlying writer while holding the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
