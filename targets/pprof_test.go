package targets

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/otelbench/otelbench/internal/pprofmap"
)

func TestProfileRoute(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	work := workload{cpu: 20 * time.Microsecond}
	traced := httptest.NewServer(instrument(newMux(work, tp.Tracer(tracerName), m.requests, reg, extras{profile: true}), tp, newPropagators(), MistakeNone))
	defer traced.Close()
	plain := httptest.NewServer(newMux(work, nil, m.requests, reg, extras{}))
	defer plain.Close()

	tests := []struct {
		name   string
		url    string
		status int
	}{
		// net/http/pprof's profile, at 100 Hz.
		{"profile", traced.URL + ProfilePath + "?seconds=1", http.StatusOK},
		// Without Config.Profile the route does not exist.
		{"off", plain.URL + ProfilePath + "?seconds=1", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != http.StatusOK {
				return
			}
			b, err := pprofmap.Attribute(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if b.Period != 10*time.Millisecond || b.Duration < 900*time.Millisecond {
				t.Errorf("period %v over %v, want 10ms over about 1s", b.Period, b.Duration)
			}
		})
	}
	// The profile route is not traced.
	if n := len(spans.Ended()); n != 0 {
		t.Errorf("%d spans for profile requests, want none", n)
	}
}
