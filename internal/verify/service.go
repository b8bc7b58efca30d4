package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/proc"
	"github.com/otelbench/otelbench/internal/wire"
)

// serviceTailLines is how many of a service's last lines of output an
// error message quotes.
const serviceTailLines = 30

// service is a running service process (the bundled target, or sh -c and
// the user's command) in a process group of its own, so that signals reach
// the service itself and nothing it started outlives verify.
type service struct {
	*proc.Process
	addr string // host:port it serves on
}

// startBundled starts the bundled target and waits, up to limit, for its
// ready line, which gives its address. Its output goes to log.
func startBundled(ctx context.Context, bin string, args, env []string, log io.Writer, limit time.Duration) (*service, error) {
	p, err := proc.Start(ctx, proc.Options{
		Path: bin, Args: args, Env: env, Tee: log,
		ReadyLine: true, ReadyTimeout: limit, TailLines: serviceTailLines,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", bin, strings.Join(args, " "), err)
	}
	s := &service{Process: p}
	ready, err := wire.ParseReady(p.Ready())
	if err != nil {
		s.kill()
		return nil, fmt.Errorf("%s %s: no ready line (got %q)%s", bin, strings.Join(args, " "), p.Ready(), s.tail())
	}
	s.addr = ready.Addr
	return s, nil
}

// startCommand starts the user's command with sh -c and waits, up to
// limit, until probe answers any HTTP status. The probe carries a
// traceparent with the sampled flag unset, so a service that honours it
// records nothing.
func startCommand(ctx context.Context, command, addr, probe string, env []string, log io.Writer, limit time.Duration) (*service, error) {
	p, err := proc.Start(ctx, proc.Options{
		Path: "sh", Args: []string{"-c", command}, Env: env, Tee: log, TailLines: serviceTailLines,
	})
	if err != nil {
		return nil, fmt.Errorf("starting sh -c %q: %w", command, err)
	}
	s := &service{Process: p}
	s.addr = addr
	tid, sid := newIDs()
	tp := Request{TraceID: tid, ParentID: sid}.Traceparent()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, probe, nil)
		if err != nil {
			s.kill()
			return nil, fmt.Errorf("probing %s: %w", probe, err)
		}
		req.Header.Set("Traceparent", tp)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return s, nil
		}
		select {
		case <-s.Exited():
			s.kill()
			return nil, fmt.Errorf("sh -c %q exited before %s answered: %s%s", command, probe, s.ExitStatus(), s.tail())
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("sh -c %q: %s did not answer within %v: %v%s", command, probe, limit, err, s.tail())
		}
	}
}

// stop sends SIGTERM to the group and waits up to limit for the service
// to exit; then it kills what is left. It reports whether the service went
// by itself (or had gone before).
func (s *service) stop(limit time.Duration) bool {
	_, err := s.Stop(context.Background(), limit)
	return err == nil || errors.Is(err, proc.ErrExited)
}

// kill sends SIGKILL to the group and waits (bounded) for it to go.
func (s *service) kill() {
	_ = s.Kill()
}

// tail returns the service's last lines of output as "; its output ends
// with: …", or "" when there is none.
func (s *service) tail() string {
	lines := s.Tail()
	if len(lines) == 0 {
		return ""
	}
	return "; its output ends with:\n" + strings.Join(lines, "\n")
}
