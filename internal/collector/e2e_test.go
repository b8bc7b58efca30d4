package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// testBinary returns the collector to test with: OTELBENCH_OTELCOL, or the
// one `make collector` builds. Without it the test skips, except under CI,
// which must run it.
func testBinary(t *testing.T) string {
	t.Helper()
	bin := DefaultBinary(filepath.Join("..", ".."))
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("collector binary: %v (CI must run scripts/build-collector.sh before the tests)", err)
		}
		t.Skipf("collector binary: %v; run `make collector` (or set %s) to run this test", err, EnvBinary)
	}
	return bin // relative unless set: Start makes it absolute
}

// TestCollectorCountsSpans sends spans over real OTLP/gRPC with the real
// SDK to a real collector and checks that its counters see each one.
func TestCollectorCountsSpans(t *testing.T) {
	bin := testBinary(t)
	const spans = 1000
	for _, tc := range []struct {
		name  string
		batch bool
		tee   bool // also copy the collector's output to Options.Stderr
	}{
		// Receiver straight to the nop exporter: Exported follows at once.
		{"direct", false, false},
		// Batch processor in between: Exported lags by up to 200 ms.
		{"batch", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			opts := Options{Binary: bin, Dir: t.TempDir(), BatchProcessor: tc.batch, Env: []string{"GOMAXPROCS=1"}}
			var tee bytes.Buffer // written until the process is reaped; read after Stop
			if tc.tee {
				opts.Stderr = &tee
			}
			c, err := Start(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			stopped := false
			defer func() {
				if !stopped {
					_ = c.Stop(context.Background())
				}
			}()
			if !strings.HasPrefix(c.Endpoint(), "http://127.0.0.1:") {
				t.Errorf("Endpoint() = %q, want http://127.0.0.1:PORT", c.Endpoint())
			}

			// Before any span: the receiver has not exported its counters yet.
			if got, err := c.Counters(ctx); err != nil || got != (Counters{}) {
				t.Errorf("Counters() before any span = %+v, %v; want zero", got, err)
			}

			sendSpans(ctx, t, c.Endpoint(), spans)

			// Accepted is counted before the Export call returns.
			got, err := c.Counters(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Accepted != spans || got.Refused != 0 || got.Failed != 0 {
				t.Errorf("Counters() after ForceFlush = %+v, want Accepted %d, Refused 0, Failed 0", got, spans)
			}
			// Exported follows, at once or after the batch processor's timeout.
			deadline := time.Now().Add(10 * time.Second)
			for got.Exported < spans && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				if got, err = c.Counters(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got.Exported != spans || got.Sent != 0 {
				t.Errorf("Counters() = %+v, want Exported %d and Sent 0 (the nop exporter has no sent counter)", got, spans)
				logMetrics(ctx, t, c)
			}

			if env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", c.Pid())); err == nil &&
				!bytes.Contains(env, []byte("\x00GOMAXPROCS=1\x00")) && !bytes.HasPrefix(env, []byte("GOMAXPROCS=1\x00")) {
				t.Error("Options.Env did not reach the collector: no GOMAXPROCS=1 in its environment")
			}

			pid := c.Pid()
			stopped = true
			if err := c.Stop(ctx); err != nil {
				t.Fatalf("Stop: %v", err)
			}
			select {
			case <-c.Exited():
			default:
				t.Fatal("Exited() not closed after Stop")
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("after Stop, kill(%d, 0) = %v, want ESRCH (process gone)", pid, err)
			}
			if err := c.Stop(ctx); err != nil {
				t.Errorf("second Stop: %v, want the first's nil", err)
			}
			log, err := os.ReadFile(c.LogPath())
			if err != nil || !bytes.Contains(log, []byte("Shutdown complete")) {
				t.Errorf("collector log lacks a clean shutdown (%v):\n%s", err, log)
			}
			if tc.tee && !bytes.Equal(tee.Bytes(), log) {
				t.Errorf("Options.Stderr got %d bytes, the log %d; want the same", tee.Len(), len(log))
			}
		})
	}
}

// sendSpans ends n spans through a batch span processor and an OTLP/gRPC
// exporter to endpoint, then flushes and shuts the provider down.
func sendSpans(ctx context.Context, t *testing.T, endpoint string, n int) {
	t.Helper()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		// Explicit options win over any OTEL_BSP_* in the environment; a
		// queue larger than n cannot drop.
		sdktrace.WithBatcher(exp,
			sdktrace.WithMaxQueueSize(2*n),
			sdktrace.WithMaxExportBatchSize(256),
			sdktrace.WithBatchTimeout(time.Second),
		),
	)
	tr := tp.Tracer("otelbench/internal/collector")
	for i := range n {
		_, span := tr.Start(ctx, fmt.Sprintf("span-%d", i))
		span.End()
	}
	if err := tp.ForceFlush(ctx); err != nil {
		t.Fatalf("ForceFlush: %v", err)
	}
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// logMetrics logs the collector's otelcol_ metrics, to show what it counted.
func logMetrics(ctx context.Context, t *testing.T, c *Collector) {
	t.Helper()
	body, err := c.scrape(ctx)
	if err != nil {
		t.Log(err)
		return
	}
	var lines []string
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, "otelcol") {
			lines = append(lines, l)
		}
	}
	t.Logf("collector metrics:\n%s", strings.Join(lines, "\n"))
}
