package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/loopback"
	"github.com/otelbench/otelbench/internal/proc"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/svcenv"
	"github.com/otelbench/otelbench/internal/wire"
)

// Service is a user's own service measured instead of the bundled target.
// It is started once per cell, as `sh -c "exec COMMAND"` in a process
// group of its own, with the environment svcenv.Build gives it: the
// variant's standard OTEL_* variables (OTEL_BSP_*, OTEL_TRACES_SAMPLER*,
// OTEL_EXPORTER_OTLP_*) pointed at the receiver, the user's Env, a
// shell's essentials, and PORT when the URL asks for one; verify starts
// it the same way. Its spans are accounted for
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
	// Env holds the user's own variables (-env KEY=VALUE).
	Env map[string]string
	// SpansPerRequest is how many spans one traced request produces, as
	// the user says; zero means unknown. Each cell measures it from the
	// traces it matched, and a figure that disagrees is reported and not
	// used.
	SpansPerRequest int
}

// Validate checks the command and the URL: http, a loopback host, a port
// or {port}, {id} in the path.
func (s Service) Validate() error {
	if strings.TrimSpace(s.Command) == "" {
		return errors.New("-cmd: empty command")
	}
	if err := svcenv.URL(s.URL).RequireID(); err != nil {
		return err
	}
	if s.SpansPerRequest < 0 {
		return fmt.Errorf("-spans %d: want at least 1, or leave it out to measure it", s.SpansPerRequest)
	}
	return nil
}

// IsLoopbackHost reports whether host, from a URL, names the loopback
// interface (loopback.IsHost). Everything otelbench loads or exports to
// must be.
func IsLoopbackHost(host string) bool { return loopback.IsHost(host) }

// serviceEnv is a user service's environment for variant v (svcenv.Build)
// listening on port (0: its own). Kind none turns sampling off
// (OTEL_TRACES_SAMPLER=always_off), the closest a service traced in code
// comes to untraced from outside; its exporter still points at the
// receiver, so that a service that exports anyway is seen to.
func (r *Runner) serviceEnv(v profile.Variant, port int) map[string]string {
	return svcenv.Build(svcenv.Options{
		Endpoint:    r.recv.Endpoint(v.Protocol),
		Protocol:    v.Protocol,
		Compression: v.Compression,
		Variant:     v.Env(),
		Untraced:    v.Kind == profile.KindNone,
		User:        r.opts.Service.Env,
		Port:        port,
	})
}

// startService starts the user's service for one cell and waits until its
// port accepts connections. Its ready line is made up here: the service
// writes none.
func startService(ctx context.Context, svc Service, envFor func(port int) map[string]string, logPath string, timeout time.Duration, cpus []int) (*targetProc, string, error) {
	tmpl, port, err := svcenv.URL(svc.URL).Resolve()
	if err != nil {
		return nil, "", err
	}
	host, err := tmpl.Host()
	if err != nil {
		return nil, "", err
	}
	env := envFor(port)
	rawURL := string(tmpl)
	p, err := proc.Start(ctx, proc.Options{
		Path: "/bin/sh", Args: []string{"-c", "exec " + svc.Command}, Env: svcenv.List(env),
		LogPath: logPath, TailLines: targetTailLines, CPUs: cpus,
	})
	if err != nil {
		return nil, "", fmt.Errorf("starting %q: %w", svc.Command, err)
	}
	ready, _ := json.Marshal(map[string]any{"event": wire.EventReady, "addr": host, "pid": p.Pid(), "command": svc.Command, "env": env})
	t := &targetProc{Process: p, addr: host, ready: ready}
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err == nil {
			c.Close()
			return t, rawURL, nil
		}
		select {
		case <-t.Exited():
			return nil, "", fmt.Errorf("%q exited before it listened on %s: %s%s", svc.Command, host, t.ExitStatus(), t.stderrTail())
		case <-ctx.Done():
			_ = t.Kill()
			return nil, "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = t.Kill()
			return nil, "", fmt.Errorf("%q did not listen on %s within %v%s", svc.Command, host, timeout, t.stderrTail())
		}
	}
}
