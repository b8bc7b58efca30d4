package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/otelbench/otelbench/targets"
)

// binDir holds the target binary, built once for all process tests.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "otelbench-target-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// targetBinary builds the real cmd/otelbench-target (once) and returns its
// path.
func targetBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		binPath = filepath.Join(binDir, "otelbench-target")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binPath, "./cmd/otelbench-target")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// lockedBuffer collects a process's stderr safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ready is the part of the ready line the tests read.
type ready struct {
	Event         string            `json:"event"`
	Addr          string            `json:"addr"`
	PID           int               `json:"pid"`
	Variant       string            `json:"variant"`
	Processor     json.RawMessage   `json:"processor"`
	OtelEnv       map[string]string `json:"otel_env"`
	Observability bool              `json:"observability"`
}

// process is a running target.
type process struct {
	cmd    *exec.Cmd
	ready  ready
	rest   chan string // stdout after the ready line, at exit
	stderr *lockedBuffer
}

// start runs the target with exactly env as its environment, and waits
// (bounded) for its ready line. The process is killed when the test ends if
// it is still running.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, targetBinary(t), args...)
	cmd.Env = append([]string{}, env...) // non-nil: a clean environment
	cmd.WaitDelay = 5 * time.Second
	p := &process{cmd: cmd, rest: make(chan string, 1), stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		line, _ := br.ReadString('\n')
		lines <- line
		rest, _ := io.ReadAll(br)
		p.rest <- string(rest)
	}()
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &p.ready); err != nil || p.ready.Event != "ready" {
			t.Fatalf("ready line %q: %v\nstderr: %s", line, err, p.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("no ready line within a minute\nstderr: %s", p.stderr)
	}
	return p
}

// get sends a bounded GET to the target and returns the status.
func (p *process) get(t *testing.T, path string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.ready.Addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// terminate sends SIGTERM and waits up to limit for the exit, returning the
// exit code.
func (p *process) terminate(t *testing.T, limit time.Duration) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest string
	select {
	case rest = <-p.rest:
	case <-time.After(limit):
		t.Fatalf("no exit within %v of SIGTERM\nstderr: %s", limit, p.stderr)
	}
	err := p.cmd.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("wait: %v", err)
	}
	if rest != "" {
		t.Errorf("stdout after the ready line: %q", rest)
	}
	return p.cmd.ProcessState.ExitCode()
}

// unusedPort returns a loopback port that was free a moment ago.
func unusedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestProcessNone(t *testing.T) {
	final := filepath.Join(t.TempDir(), "final.prom")
	p := start(t, nil, "-variant", "none", "-final-metrics", final)
	if p.ready.Variant != "none" || string(p.ready.Processor) != "null" || p.ready.PID != p.cmd.Process.Pid {
		t.Errorf("ready = %+v", p.ready)
	}
	if len(p.ready.OtelEnv) != 0 {
		t.Errorf("otel_env = %v, want empty in a clean environment", p.ready.OtelEnv)
	}
	for _, path := range []string{"/healthz", "/process/7"} {
		if code := p.get(t, path); code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	if code := p.terminate(t, time.Minute); code != 0 {
		t.Errorf("exit code %d, want 0\nstderr: %s", code, p.stderr)
	}
	b, err := os.ReadFile(final)
	if err != nil {
		t.Fatalf("final metrics: %v\nstderr: %s", err, p.stderr)
	}
	if !strings.Contains(string(b), "otelbench_target_requests_total 1\n") {
		t.Errorf("final metrics lack otelbench_target_requests_total 1:\n%s", b)
	}
}

func TestProcessBatchCollectorDown(t *testing.T) {
	tests := []struct {
		name          string
		observability bool     // OTEL_GO_X_OBSERVABILITY=true
		want          []string // lines expected besides the common ones
	}{
		// The target's own accounting only.
		{name: "plain"},
		// With the SDK's self-observability: the same spans, seen by the SDK.
		{
			name: "observed", observability: true,
			want: []string{
				`otel_sdk_processor_span_processed_total{otel_component_name="batching_span_processor/0",otel_component_type="batching_span_processor",otel_scope_name="go.opentelemetry.io/otel/sdk/trace/internal/observ",otel_scope_schema_url="https://opentelemetry.io/schemas/1.43.0",otel_scope_version="1.47.0"} 4` + "\n",
				`otel_sdk_exporter_span_exported_total{error_type="*fmt.wrapErrors",otel_component_name="otlp_grpc_span_exporter/0",`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			testCollectorDown(t, tc.observability, tc.want)
		})
	}
}

// testCollectorDown runs the batch variant against a collector that is down,
// serves one request with two extra spans and checks the final metrics for
// the common lines and want.
func testCollectorDown(t *testing.T, observability bool, want []string) {
	const shutdownTimeout = 10 * time.Second
	final := filepath.Join(t.TempDir(), "final.prom")
	env := []string{
		fmt.Sprintf("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:%d", unusedPort(t)),
		"OTEL_EXPORTER_OTLP_TIMEOUT=500",
		"OTEL_BSP_MAX_QUEUE_SIZE=100",
	}
	if observability {
		env = append(env, "OTEL_GO_X_OBSERVABILITY=true")
	}
	p := start(t, env, "-variant", "batch", "-extra-spans", "2", "-shutdown-timeout", shutdownTimeout.String(), "-final-metrics", final)
	if p.ready.Observability != observability {
		t.Errorf("ready observability = %v, want %v", p.ready.Observability, observability)
	}

	var proc struct {
		Type   string
		Config struct{ MaxQueueSize int }
	}
	if err := json.Unmarshal(p.ready.Processor, &proc); err != nil {
		t.Fatalf("processor %s: %v", p.ready.Processor, err)
	}
	if proc.Type != "BatchSpanProcessor" || proc.Config.MaxQueueSize != 100 {
		t.Errorf("processor = %s, want a BatchSpanProcessor with MaxQueueSize 100", p.ready.Processor)
	}
	if len(p.ready.OtelEnv) != len(env) {
		t.Errorf("otel_env = %v, want the %d variables given", p.ready.OtelEnv, len(env))
	}
	for _, path := range []string{"/healthz", "/process/7"} {
		if code := p.get(t, path); code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	// The flush fails (nobody listens) but within the exporter's 500 ms, so
	// the shutdown completes in time and is not a failure of the target.
	if code := p.terminate(t, shutdownTimeout+5*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0\nstderr: %s", code, p.stderr)
	}
	b, err := os.ReadFile(final)
	if err != nil {
		t.Fatalf("final metrics: %v\nstderr: %s", err, p.stderr)
	}
	for _, want := range append([]string{
		"otelbench_target_requests_total 1\n",
		"otelbench_target_spans_ended_total 4\n", // server, logic, two steps
		"otelbench_target_spans_ended_before_shutdown 4\n",
		"otelbench_target_export_started_spans_total 4\n",
		`otelbench_target_exported_spans_total{result="error"} 4` + "\n",
		// Refused, retried until the exporter's timeout: the last attempt's code.
		`otelbench_target_export_failed_spans_total{code="Unavailable"} 4` + "\n",
		"otelbench_target_export_errors_total 1\n",
		// ForceFlush returned the export's error, yet the queue drained:
		// nothing was dropped or lost.
		"otelbench_target_shutdown_clean 0\n",
		"otelbench_target_shutdown_drained 1\n",
		"otelbench_target_spans_unexported_at_exit 0\n",
	}, want...) {
		if !strings.Contains(string(b), want) {
			t.Errorf("final metrics lack %q:\n%s", want, b)
		}
	}
	if !observability && strings.Contains(string(b), "otel_sdk_") {
		t.Errorf("SDK metrics without OTEL_GO_X_OBSERVABILITY:\n%s", b)
	}
}

func TestProcessBadFlags(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, targetBinary(t), "-variant", "otel")
	cmd.Env = []string{}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Errorf("exit = %v, want code 2", err)
	}
	if !strings.Contains(stderr.String(), `unknown variant "otel"`) || stdout.Len() != 0 {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		// An unknown flag is bad usage.
		{name: "unknown flag", args: []string{"-qeue-size", "3"}, want: 2},
		// A flag value that does not parse is bad usage.
		{name: "bad duration", args: []string{"-cpu", "fast"}, want: 2},
		// An unknown variant is bad usage.
		{name: "unknown variant", args: []string{"-variant", "async"}, want: 2},
		// Blocking without the batch processor is bad usage.
		{name: "blocking without batch", args: []string{"-variant", "sync", "-blocking"}, want: 2},
		// Negative work is bad usage.
		{name: "negative sleep", args: []string{"-sleep", "-1s"}, want: 2},
		// Stray arguments are bad usage.
		{name: "positional argument", args: []string{"batch"}, want: 2},
		// Asking for help is not an error.
		{name: "help", args: []string{"-h"}, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("run(%q) = %d, want %d; stderr: %s", tc.args, got, tc.want, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

// TestOnlyIncomplete: exit status 3 only when the error is the shutdown
// running out of time alone; any other error, alone or joined, is 1.
func TestOnlyIncomplete(t *testing.T) {
	step := func(name string) error {
		return fmt.Errorf("shutdown step %q timed out: %w", name, context.DeadlineExceeded)
	}
	incomplete := &targets.IncompleteError{Steps: []error{step("http server shutdown"), step("tracer provider shutdown")}}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"steps out of time", incomplete, true},
		{"joined with another error", errors.Join(errors.New("listening: address in use"), incomplete), false},
		{"another error", errors.New("writing final metrics: disk full"), false},
	} {
		if got := onlyIncomplete(tc.err); got != tc.want {
			t.Errorf("%s: onlyIncomplete = %v, want %v", tc.name, got, tc.want)
		}
	}
}
