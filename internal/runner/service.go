package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/loopback"
	"github.com/otelbench/otelbench/internal/proc"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/wire"
)

// Service is a user's own service measured instead of the bundled target.
// It is started once per cell, as `sh -c "exec COMMAND"` in a process
// group of its own, with exactly the variant's standard OTEL_* variables
// (OTEL_BSP_*, OTEL_TRACES_SAMPLER*, OTEL_EXPORTER_OTLP_*) pointed at the
// sink, plus PORT when the URL asks for one. Its spans are accounted for
// from outside, by trace-id matching: every request carries a sampled
// traceparent, so this works for any service whose SDK honours the
// standard variables and propagates W3C trace context.
type Service struct {
	// Command is a shell command that starts the service and keeps it in
	// the foreground; give a built binary (not `go run`, whose CPU would
	// be measured instead of the service's).
	Command string
	// URL is the route to load, on loopback: {id} is replaced by a number
	// per request, and {port}, if present, by a free port that the
	// service receives in $PORT.
	URL string
	// SpansPerRequest is how many spans one traced request produces;
	// missing spans are counted against it.
	SpansPerRequest int
}

// Validate checks the URL: http, a loopback host, {id} in the path.
func (s Service) Validate() error {
	if strings.TrimSpace(s.Command) == "" {
		return errors.New("-cmd: empty command")
	}
	u, err := url.Parse(strings.ReplaceAll(strings.ReplaceAll(s.URL, "{id}", "1"), "{port}", "1"))
	if err != nil {
		return fmt.Errorf("-url %q: %w", s.URL, err)
	}
	if u.Scheme != "http" {
		return fmt.Errorf("-url %q: want http://", s.URL)
	}
	if !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("-url %q: the host must be a loopback address such as 127.0.0.1", s.URL)
	}
	if u.Port() == "" {
		return fmt.Errorf("-url %q: give the port the service listens on, or {port}", s.URL)
	}
	if !strings.Contains(s.URL, "{id}") {
		return fmt.Errorf("-url %q: mark the path parameter with {id}, so that each request asks for a different item", s.URL)
	}
	if s.SpansPerRequest < 1 {
		return fmt.Errorf("spans per request %d: want at least 1", s.SpansPerRequest)
	}
	return nil
}

// IsLoopbackHost reports whether host, from a URL, names the loopback
// interface (loopback.IsHost). Everything otelbench loads or exports to
// must be.
func IsLoopbackHost(host string) bool { return loopback.IsHost(host) }

// serviceEnv is a user service's environment for variant v: its standard
// variables, the sink's endpoint and the essentials of a shell. Kind none
// turns sampling off (OTEL_TRACES_SAMPLER=always_off), the closest a
// service traced in code comes to untraced from outside.
func (r *Runner) serviceEnv(v profile.Variant) map[string]string {
	env := r.targetEnv(v)
	if v.Kind == profile.KindNone {
		env["OTEL_TRACES_SAMPLER"] = "always_off"
		env["OTEL_EXPORTER_OTLP_ENDPOINT"] = r.recv.Endpoint()
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LANG"} {
		if val, ok := os.LookupEnv(k); ok {
			env[k] = val
		}
	}
	return env
}

// startService starts the user's service for one cell and waits until its
// port accepts connections. Its ready line is made up here: the service
// writes none.
func startService(ctx context.Context, svc Service, env map[string]string, logPath string, timeout time.Duration, cpus []int) (*targetProc, string, error) {
	rawURL := svc.URL
	if strings.Contains(rawURL, "{port}") {
		port, err := freePort()
		if err != nil {
			return nil, "", err
		}
		env["PORT"] = strconv.Itoa(port)
		rawURL = strings.ReplaceAll(rawURL, "{port}", strconv.Itoa(port))
	}
	u, err := url.Parse(strings.ReplaceAll(rawURL, "{id}", "1"))
	if err != nil {
		return nil, "", err
	}
	p, err := proc.Start(ctx, proc.Options{
		Path: "/bin/sh", Args: []string{"-c", "exec " + svc.Command}, Env: envList(env),
		LogPath: logPath, TailLines: targetTailLines, CPUs: cpus,
	})
	if err != nil {
		return nil, "", fmt.Errorf("starting %q: %w", svc.Command, err)
	}
	ready, _ := json.Marshal(map[string]any{"event": wire.EventReady, "addr": u.Host, "pid": p.Pid(), "command": svc.Command, "env": env})
	t := &targetProc{Process: p, addr: u.Host, ready: ready}
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			c.Close()
			return t, rawURL, nil
		}
		select {
		case <-t.Exited():
			return nil, "", fmt.Errorf("%q exited before it listened on %s: %s%s", svc.Command, u.Host, t.ExitStatus(), t.stderrTail())
		case <-ctx.Done():
			_ = t.Kill()
			return nil, "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = t.Kill()
			return nil, "", fmt.Errorf("%q did not listen on %s within %v%s", svc.Command, u.Host, timeout, t.stderrTail())
		}
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
