package verify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// groupGoneLimit bounds the wait for a process group to vanish after
// SIGKILL.
const groupGoneLimit = 5 * time.Second

// service is a running service process (the bundled target, or sh -c and
// the user's command) in a process group of its own, so that signals reach
// the service itself and nothing it started outlives verify.
type service struct {
	cmd    *exec.Cmd
	pgid   int
	addr   string        // host:port it serves on
	exited chan struct{} // closed once the group leader is reaped
	stderr *tailWriter

	mu   sync.Mutex
	gone bool // the whole group has gone; never signal it again
}

// startBundled starts the bundled target and waits, up to limit, for its
// ready line, which gives its address.
func startBundled(ctx context.Context, bin string, args, env []string, log io.Writer, limit time.Duration) (*service, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout = pw
	s, err := startGroup(cmd, log)
	pw.Close()
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}

	lines := make(chan string, 1)
	go func() {
		// Read stdout to its end, so the target never blocks on it.
		defer pr.Close()
		br := bufio.NewReader(pr)
		line, _ := br.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, br)
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case line := <-lines:
		var ready struct {
			Event string `json:"event"`
			Addr  string `json:"addr"`
		}
		if err := json.Unmarshal([]byte(line), &ready); err != nil || ready.Event != "ready" || ready.Addr == "" {
			s.kill()
			return nil, fmt.Errorf("%s %s: no ready line (got %q)%s", bin, strings.Join(args, " "), strings.TrimSpace(line), s.stderr.tail())
		}
		s.addr = ready.Addr
		return s, nil
	case <-timer.C:
		s.kill()
		return nil, fmt.Errorf("%s: not ready after %v%s", bin, limit, s.stderr.tail())
	case <-ctx.Done():
		s.kill()
		return nil, ctx.Err()
	}
}

// startCommand starts the user's command with sh -c and waits, up to
// limit, until probe answers any HTTP status. The probe carries a
// traceparent with the sampled flag unset, so a service that honours it
// records nothing.
func startCommand(ctx context.Context, command, addr, probe string, env []string, log io.Writer, limit time.Duration) (*service, error) {
	cmd := exec.Command("sh", "-c", command)
	cmd.Env = env
	s, err := startGroup(cmd, log)
	if err != nil {
		return nil, fmt.Errorf("starting sh -c %q: %w", command, err)
	}
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
		case <-s.exited:
			s.kill()
			return nil, fmt.Errorf("sh -c %q exited before %s answered: %v%s", command, probe, s.cmd.ProcessState, s.stderr.tail())
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("sh -c %q: %s did not answer within %v: %v%s", command, probe, limit, err, s.stderr.tail())
		}
	}
}

// startGroup starts cmd as the leader of a new process group, with stderr
// kept for error messages (and copied to log), and reaps it in a goroutine.
// It dies with verify (SIGKILL if verify's thread dies).
func startGroup(cmd *exec.Cmd, log io.Writer) (*service, error) {
	tw := &tailWriter{copyTo: log}
	cmd.Stderr = tw
	if cmd.Stdout == nil {
		cmd.Stdout = tw
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A grandchild holding the output pipes open must not hang Wait.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &service{cmd: cmd, pgid: cmd.Process.Pid, exited: make(chan struct{}), stderr: tw}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// signal sends sig to the whole group, unless it has gone.
func (s *service) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.gone {
		_ = syscall.Kill(-s.pgid, sig)
	}
}

// waitGone waits up to limit for the leader to exit and every other
// process of the group to vanish, and reports whether they did.
func (s *service) waitGone(limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	select {
	case <-s.exited:
	case <-deadline.C:
		return false
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		if s.gone || errors.Is(syscall.Kill(-s.pgid, 0), syscall.ESRCH) {
			s.gone = true
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
		select {
		case <-tick.C:
		case <-deadline.C:
			return false
		}
	}
}

// stop sends SIGTERM to the group and waits up to limit for it to go; then
// it kills what is left. It reports whether the group went by itself.
func (s *service) stop(limit time.Duration) bool {
	s.signal(syscall.SIGTERM)
	if s.waitGone(limit) {
		return true
	}
	s.kill()
	return false
}

// kill sends SIGKILL to the group and waits (bounded) for it to go.
func (s *service) kill() {
	s.signal(syscall.SIGKILL)
	s.waitGone(groupGoneLimit)
}

// tailWriter keeps the last lines written to it for error messages, and
// copies everything to copyTo when set. It is safe for concurrent use.
type tailWriter struct {
	copyTo io.Writer

	mu  sync.Mutex
	buf []byte
}

// tailBytes is how much of a service's output tailWriter keeps.
const tailBytes = 2048

// Write keeps the end of p and copies it.
func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.copyTo != nil {
		_, _ = t.copyTo.Write(p)
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

// tail returns the kept output as "; output: …", or "" when there is none.
func (t *tailWriter) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := bytes.TrimSpace(t.buf)
	if len(b) == 0 {
		return ""
	}
	return "; its output ends with:\n" + string(b)
}
