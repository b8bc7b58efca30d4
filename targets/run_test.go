package targets

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/wire"
)

// syncBuffer is a strings.Builder safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is a Run in a goroutine.
type running struct {
	cancel context.CancelFunc
	done   chan error
	ready  wire.Ready
	stdout chan string // everything after the ready line, once Run returns
	stderr *syncBuffer
}

// startRun starts Run with cfg and waits (bounded) for its ready line.
func startRun(t *testing.T, cfg Config) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	r := &running{cancel: cancel, done: make(chan error, 1), stdout: make(chan string, 1), stderr: &syncBuffer{}}
	go func() {
		err := Run(ctx, cfg, pw, r.stderr)
		pw.Close()
		r.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("Run did not return")
		}
	})

	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(pr)
		line, _ := br.ReadString('\n')
		lines <- line
		rest, _ := io.ReadAll(br)
		r.stdout <- string(rest)
	}()
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &r.ready); err != nil {
			t.Fatalf("ready line %q: %v (stderr: %s)", line, err, r.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no ready line (stderr: %s)", r.stderr)
	}
	return r
}

// stop cancels Run and returns its error, bounded.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("Run did not return after cancel (stderr: %s)", r.stderr)
		return nil
	}
}

func TestRunNone(t *testing.T) {
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "7")    // recorded, though unused
	t.Setenv("OTEL_GO_X_OBSERVABILITY", "true") // no SDK, nothing to observe
	final := filepath.Join(t.TempDir(), "final.prom")
	r := startRun(t, Config{Variant: VariantNone, CPU: 50 * time.Microsecond, ExtraSpans: 1, FinalMetricsPath: final})

	ev := r.ready
	if ev.Event != "ready" || ev.Variant != string(VariantNone) || ev.PID != os.Getpid() || ev.GoVersion != runtime.Version() ||
		ev.GOMAXPROCS != runtime.GOMAXPROCS(0) || string(ev.Processor) != "null" || ev.Blocking || ev.Observability {
		t.Errorf("ready = %+v", ev)
	}
	if ev.Workload != (wire.Workload{CPU: "50µs", Sleep: "0s", ExtraSpans: 1}) {
		t.Errorf("workload = %+v", ev.Workload)
	}
	if ev.OtelEnv["OTEL_BSP_MAX_QUEUE_SIZE"] != "7" {
		t.Errorf("otel_env = %v", ev.OtelEnv)
	}

	for _, path := range []string{"/healthz", "/process/7", "/process/8"} {
		if code, _ := get(t, "http://"+ev.Addr+path, nil); code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rest := <-r.stdout; rest != "" {
		t.Errorf("stdout after the ready line: %q", rest)
	}
	b, err := os.ReadFile(final)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), wire.MetricRequests+" 2\n") {
		t.Errorf("final metrics lack %s 2:\n%s", wire.MetricRequests, b)
	}
	// No spans, so nothing to account for at shutdown.
	if strings.Contains(string(b), wire.MetricShutdownClean) || strings.Contains(string(b), "otel_sdk_") {
		t.Errorf("final metrics of variant none hold span accounting:\n%s", b)
	}
	for _, step := range []string{"http server shutdown done", "final metrics written"} {
		if !strings.Contains(r.stderr.String(), step) {
			t.Errorf("stderr lacks %q:\n%s", step, r.stderr)
		}
	}
	// Only the final file remains: the temporary one was renamed.
	if entries, _ := os.ReadDir(filepath.Dir(final)); len(entries) != 1 {
		t.Errorf("dir holds %d entries, want 1", len(entries))
	}
}

func TestRunShutdownTimeout(t *testing.T) {
	final := filepath.Join(t.TempDir(), "final.prom")
	r := startRun(t, Config{Variant: VariantNone, Sleep: time.Hour, ShutdownTimeout: 200 * time.Millisecond, FinalMetricsPath: final})

	// A request that would sleep for an hour keeps the server from draining.
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.ready.Addr+"/process/1", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, func() bool {
		return strings.Contains(get200(t, "http://"+r.ready.Addr+"/metrics"), wire.MetricRequests+" 1")
	})

	err := r.stop(t)
	if err == nil || !strings.Contains(err.Error(), "http server shutdown") || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Run error = %v, want the http server shutdown step timed out", err)
	}
	if _, statErr := os.Stat(final); statErr != nil {
		t.Errorf("final metrics not written after a timeout: %v", statErr)
	}
	select {
	case <-reqDone:
	case <-time.After(30 * time.Second):
		t.Error("in-flight request not released by the forced close")
	}
}

func TestRunInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		// An unknown variant is refused before anything starts.
		{name: "unknown variant", cfg: Config{Variant: "otel"}},
		// Blocking means nothing without the batch processor.
		{name: "blocking without batch", cfg: Config{Variant: VariantSync, Blocking: true}},
		// Negative work makes no sense.
		{name: "negative cpu", cfg: Config{CPU: -time.Second}},
		// An address that cannot be listened on.
		{name: "bad listen", cfg: Config{Listen: "256.0.0.1:bad"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			if err := Run(context.Background(), tc.cfg, &stdout, &stderr); err == nil {
				t.Error("Run succeeded")
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

// get200 returns the body of a GET that must succeed.
func get200(t *testing.T, url string) string {
	t.Helper()
	code, body := get(t, url, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", url, code)
	}
	return body
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 30s")
}
