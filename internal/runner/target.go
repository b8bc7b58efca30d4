package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// readyLine is the first line a target prints on stdout once it listens.
type readyLine struct {
	Event string `json:"event"`
	Addr  string `json:"addr"`
	PID   int    `json:"pid"`
}

// targetProc is one running target process.
type targetProc struct {
	cmd     *exec.Cmd
	log     *os.File
	logPath string
	ready   json.RawMessage
	addr    string
	exited  chan struct{} // closed when the process has been reaped
	waitErr error
}

// startTarget starts bin with exactly env as its environment and waits for its
// ready line. The target gets its own process group, so a Ctrl-C on the
// terminal reaches only otelbench, which then stops the target in order; and
// it gets SIGKILL if otelbench itself dies.
func startTarget(ctx context.Context, bin string, args, env []string, logPath string, timeout time.Duration) (*targetProc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{}, env...) // never nil: nil would inherit ours
	cmd.Stdout = pw
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		logf.Close()
		return nil, fmt.Errorf("starting target %s: %w", bin, err)
	}
	pw.Close()
	t := &targetProc{cmd: cmd, log: logf, logPath: logPath, exited: make(chan struct{})}
	go func() {
		t.waitErr = cmd.Wait()
		close(t.exited)
	}()

	readyc := make(chan json.RawMessage, 1)
	go func() {
		// Read stdout to its end so the target never blocks on a full pipe.
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		first := true
		for sc.Scan() {
			if first {
				first = false
				readyc <- json.RawMessage(append([]byte{}, sc.Bytes()...))
				continue
			}
			fmt.Fprintf(logf, "stdout: %s\n", sc.Bytes())
		}
		if first {
			close(readyc)
		}
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case line, ok := <-readyc:
		if !ok {
			<-t.exited
			return nil, fmt.Errorf("target exited before it was ready: %v%s", t.waitErr, t.stderrTail())
		}
		var r readyLine
		if err := json.Unmarshal(line, &r); err != nil || r.Event != "ready" || r.Addr == "" {
			t.kill()
			return nil, fmt.Errorf("target's first line is not a ready line: %q", truncate(string(line), 200))
		}
		t.ready, t.addr = line, r.Addr
		return t, nil
	case <-timer.C:
		t.kill()
		return nil, fmt.Errorf("target not ready after %v%s", timeout, t.stderrTail())
	case <-ctx.Done():
		t.kill()
		return nil, ctx.Err()
	}
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
		case <-t.exited:
			return fmt.Errorf("target exited while waiting for /healthz: %v%s", t.waitErr, t.stderrTail())
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
// it kills the whole process group. It returns how long the exit took.
func (t *targetProc) stop(grace time.Duration) (time.Duration, error) {
	start := time.Now()
	select {
	case <-t.exited:
		return 0, fmt.Errorf("target exited during the cell with %s%s", t.cmd.ProcessState, t.stderrTail())
	default:
	}
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.exited:
		return time.Since(start), nil
	case <-time.After(grace):
		t.kill()
		return time.Since(start), fmt.Errorf("target did not exit within %v of SIGTERM; killed", grace)
	}
}

// kill ends the target's process group at once and reaps it.
func (t *targetProc) kill() {
	if t.cmd.Process != nil {
		_ = syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
		_ = t.cmd.Process.Kill()
	}
	<-t.exited
	t.log.Close()
}

// close releases the log file once the process has exited.
func (t *targetProc) close() { t.log.Close() }

// rusage returns the target's whole-life CPU times once it has exited. (Its
// maxrss is not the target's own: see peakRSS.)
func (t *targetProc) rusage() (user, sys time.Duration) {
	if t.cmd.ProcessState == nil {
		return 0, 0
	}
	ru, ok := t.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// stderrTail returns the last lines the target wrote to stderr, for errors.
func (t *targetProc) stderrTail() string {
	data, err := os.ReadFile(t.logPath)
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return "; target stderr: " + truncate(strings.Join(lines, " | "), 600)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
