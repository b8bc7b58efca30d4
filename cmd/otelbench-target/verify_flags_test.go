package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestRunUsageVerifyFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		// An unknown mistake is bad usage.
		{name: "unknown mistake", args: []string{"-variant", "batch", "-mistake", "typo"}, want: 2},
		// A mistake needs a traced variant.
		{name: "mistake untraced", args: []string{"-mistake", "no-filter"}, want: 2},
		// Dropping the context needs the hand-off routes.
		{name: "dropped context without routes", args: []string{"-variant", "batch", "-mistake", "dropped-context"}, want: 2},
		// The downstream must be an absolute URL.
		{name: "relative downstream", args: []string{"-downstream", "/x"}, want: 2},
		// Asking for help is still not an error.
		{name: "help", args: []string{"-h"}, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(context.Background(), tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("run(%q) = %d, want %d; stderr: %s", tc.args, got, tc.want, stderr.String())
			}
		})
	}
}

func TestParseVerifyFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-variant", "sync", "-mistake", "dropped-context", "-handoff-routes", "-downstream", "http://127.0.0.1:9/d"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mistake != "dropped-context" || !cfg.Handoff || cfg.Downstream != "http://127.0.0.1:9/d" {
		t.Errorf("config = %+v", cfg)
	}
	// Without the flags nothing of verify is on: what the benchmark runs.
	cfg, err = parseFlags([]string{"-variant", "batch"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mistake != "none" || cfg.Handoff || cfg.Downstream != "" {
		t.Errorf("default config = %+v", cfg)
	}
}

func TestProcessNoFlushLosesQueuedSpans(t *testing.T) {
	s, err := sink.Start(context.Background(), sink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	final := filepath.Join(t.TempDir(), "final.prom")
	env := []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + s.Endpoint(),
		"OTEL_BSP_SCHEDULE_DELAY=60000", // the spans stay queued until the flush
	}
	p := start(t, env, "-variant", "batch", "-mistake", "no-flush", "-final-metrics", final)
	if code := p.get(t, "/process/1"); code != http.StatusOK {
		t.Fatalf("GET /process/1: %d", code)
	}
	if code := p.terminate(t, time.Minute); code != 0 {
		t.Errorf("exit code %d, want 0\nstderr: %s", code, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "skipping tracer provider force flush") {
		t.Errorf("stderr does not say the flush was skipped:\n%s", p.stderr)
	}
	b, err := os.ReadFile(final)
	if err != nil {
		t.Fatalf("final metrics: %v", err)
	}
	if !strings.Contains(string(b), "otelbench_target_spans_ended_total 2\n") {
		t.Errorf("final metrics lack 2 spans ended:\n%s", b)
	}
	if got := s.Stats().Spans; got != 0 {
		t.Errorf("sink received %d spans, want 0: nothing was flushed", got)
	}
}
