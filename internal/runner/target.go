package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/otelbench/otelbench/internal/proc"
	"github.com/otelbench/otelbench/internal/wire"
)

// targetTailLines is how many of a target's last lines of output an error
// message quotes.
const targetTailLines = 5

// targetProc is one running target: the bundled one, or a user's service.
type targetProc struct {
	*proc.Process
	addr string
	// ready is what the cell records as the target's ready line.
	ready json.RawMessage
}

// startTarget starts bin with exactly env as its environment and waits for its
// ready line (wire.Ready). The target gets its own process group, so a
// Ctrl-C on the terminal reaches only otelbench, which then stops the target
// in order; and it gets SIGKILL if otelbench itself dies (on Linux).
func startTarget(ctx context.Context, bin string, args, env []string, logPath string, timeout time.Duration, cpus []int) (*targetProc, error) {
	p, err := proc.Start(ctx, proc.Options{
		Path: bin, Args: args, Env: env, LogPath: logPath,
		ReadyLine: true, ReadyTimeout: timeout, TailLines: targetTailLines, CPUs: cpus,
	})
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", bin, err)
	}
	r, err := wire.ParseReady(p.Ready())
	if err != nil {
		_ = p.Kill()
		return nil, fmt.Errorf("target's first line is not a ready line (%w): %q", err, truncate(string(p.Ready()), 200))
	}
	return &targetProc{Process: p, addr: r.Addr, ready: p.Ready()}, nil
}

// waitHealthy polls /healthz until it answers 200.
func (t *targetProc) waitHealthy(ctx context.Context, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	url := "http://" + t.addr + "/healthz"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		select {
		case <-t.Exited():
			return fmt.Errorf("target exited while waiting for /healthz: %s%s", t.ExitStatus(), t.stderrTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("/healthz did not answer 200 within %v: %v", timeout, err)
		}
	}
}

// stop sends SIGTERM and waits up to grace for the target to exit; past that
// it kills the whole process group. It returns how long the exit took. A
// target that had exited already died during the cell: the error says how.
func (t *targetProc) stop(grace time.Duration) (time.Duration, error) {
	took, err := t.Stop(context.Background(), grace)
	switch {
	case errors.Is(err, proc.ErrExited):
		return 0, fmt.Errorf("target exited during the cell with %s%s", t.ExitStatus(), t.stderrTail())
	case err != nil:
		return took, fmt.Errorf("target %w", err)
	}
	return took, nil
}

// rusage returns the target's whole-life CPU times once it has exited. (Its
// maxrss is not the target's own: see peakRSS.)
func (t *targetProc) rusage() (user, sys time.Duration) {
	st := t.State()
	if st == nil {
		return 0, 0
	}
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// stderrTail returns the last lines the target wrote, for errors.
func (t *targetProc) stderrTail() string {
	lines := t.Tail()
	if len(lines) == 0 {
		return ""
	}
	return "; target stderr: " + truncate(strings.Join(lines, " | "), 600)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
