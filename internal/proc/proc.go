package proc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// DefaultReadyTimeout bounds Start's wait for a ready line when
// Options.ReadyTimeout is zero.
const DefaultReadyTimeout = 15 * time.Second

// DefaultTailLines is how many lines of output Tail keeps when
// Options.TailLines is zero.
const DefaultTailLines = 10

// StdoutPrefix starts each line of stdout after the ready line in the log,
// to tell it from stderr.
const StdoutPrefix = "stdout: "

// pipeWait bounds how long, once the process has exited, Exited waits for
// its output to end: a grandchild may hold the pipes open.
const pipeWait = 2 * time.Second

// Options says what to start and where its output goes.
type Options struct {
	// Path is the executable; Args its arguments (without the name).
	Path string
	Args []string
	// Env is exactly the environment of the process. Nil means an empty
	// environment, never this process's own.
	Env []string
	// Dir is the working directory; "" means this process's.
	Dir string
	// Stdin, when set, is the process's standard input; nil means none
	// (the null device).
	Stdin io.Reader
	// LogPath, when set, is created (or truncated) and receives stderr
	// and whatever of stdout is not the ready line; it is closed once the
	// process has exited.
	LogPath string
	// Tee, when set, also receives everything the log receives. Writes
	// to it come from one goroutine at a time.
	Tee io.Writer
	// ReadyLine says the process writes one JSON line to stdout once it
	// is ready: Start waits for it, at most ReadyTimeout (zero means
	// DefaultReadyTimeout), and later lines of stdout go to the log,
	// each after StdoutPrefix. Without it stdout goes to the log as it is.
	ReadyLine    bool
	ReadyTimeout time.Duration
	// TailLines is how many of the last lines of output Tail keeps; zero
	// means DefaultTailLines.
	TailLines int
	// CPUs, when set, are the only CPUs the process and its threads run
	// on, from its start (Linux only): a Go program then sizes GOMAXPROCS
	// to them.
	CPUs []int
}

// Process is one running (or exited) child process and its process group.
// Its methods are safe for concurrent use.
type Process struct {
	cmd     *exec.Cmd
	pid     int
	out     *output
	logPath string
	ready   json.RawMessage

	reaped   chan struct{} // closed once the process has been reaped
	exitedAt time.Time     // when; set before reaped is closed
	waitErr  error         // cmd.Wait's result; set before reaped is closed
	// outputDone is closed once the output has been read to its end;
	// exited once the process has been reaped and the output has ended
	// (or pipeWait has passed).
	outputDone <-chan struct{}
	exited     chan struct{}

	mu   sync.Mutex
	gone bool // the whole group has gone: never signal its id again
}

// Start starts the process that o describes. With o.ReadyLine it returns
// once the ready line has come, or an error, after which nothing of the
// process is left running: the process exited first (the error says how
// and ends with its last lines of output), the line is not JSON, the wait
// timed out or ctx ended. ctx bounds only the start, not the life of the
// process.
func Start(ctx context.Context, o Options) (*Process, error) {
	if o.Path == "" {
		return nil, errors.New("proc: no executable given")
	}
	out, err := newOutput(o.LogPath, o.Tee, o.TailLines)
	if err != nil {
		return nil, err
	}
	var rw *readyWriter
	if o.ReadyLine {
		rw = newReadyWriter(out)
	}
	pipes, err := newPipes(out, rw)
	if err != nil {
		out.close()
		return nil, err
	}
	cmd := exec.Command(o.Path, o.Args...)
	cmd.Env = append([]string{}, o.Env...) // never nil: nil would inherit ours
	cmd.Dir = o.Dir
	cmd.Stdin = o.Stdin
	cmd.Stdout, cmd.Stderr = pipes.stdout, pipes.stderr
	cmd.SysProcAttr = sysProcAttr()
	err = startOn(cmd, o.CPUs)
	pipes.started()
	if err != nil {
		<-pipes.done
		return nil, fmt.Errorf("starting %s: %w", o.Path, err)
	}
	p := &Process{cmd: cmd, pid: cmd.Process.Pid, out: out, logPath: o.LogPath,
		reaped: make(chan struct{}), outputDone: pipes.done, exited: make(chan struct{})}
	go p.wait()
	if rw == nil {
		return p, nil
	}
	timeout := o.ReadyTimeout
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	if err := p.waitReady(ctx, rw, timeout); err != nil {
		_ = p.Kill()
		return nil, err
	}
	return p, nil
}

// wait reaps the process, then waits for its output to be read to the end,
// but no more than pipeWait: a grandchild may hold the pipes open.
func (p *Process) wait() {
	p.waitErr = p.cmd.Wait()
	p.exitedAt = time.Now()
	close(p.reaped)
	timer := time.NewTimer(pipeWait)
	defer timer.Stop()
	select {
	case <-p.outputDone:
	case <-timer.C:
	}
	close(p.exited)
}

// waitReady waits for the first line of stdout.
func (p *Process) waitReady(ctx context.Context, rw *readyWriter, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var line json.RawMessage
	var ok bool
	select {
	case line, ok = <-rw.ready:
	case <-p.exited:
		// A grandchild may hold stdout open: the line is no nearer.
		select {
		case line, ok = <-rw.ready:
		default:
		}
	case <-timer.C:
		return fmt.Errorf("no ready line within %v%s", timeout, p.tailNote())
	case <-ctx.Done():
		return ctx.Err()
	}
	if !ok {
		<-p.exited
		return fmt.Errorf("exited before its ready line: %s%s", p.ExitStatus(), p.tailNote())
	}
	if !json.Valid(line) {
		return fmt.Errorf("first line on stdout is not a JSON ready line: %q", truncate(string(line), 200))
	}
	p.ready = line
	return nil
}

// Pid is the process id, also the id of its process group.
func (p *Process) Pid() int { return p.pid }

// Ready is the ready line, without its newline; nil without
// Options.ReadyLine.
func (p *Process) Ready() json.RawMessage { return p.ready }

// LogPath is Options.LogPath.
func (p *Process) LogPath() string { return p.logPath }

// Exited is closed once the process has exited and its output has been
// read to the end (or, if a grandchild holds the pipes open, two seconds
// after the exit).
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is the wait error (an *exec.ExitError for a non-zero exit or a
// signal), nil while the process runs or after a clean exit.
func (p *Process) Err() error {
	select {
	case <-p.reaped:
		return p.waitErr
	default:
		return nil
	}
}

// State is the exited process's state (exit code, CPU times), nil while
// it runs.
func (p *Process) State() *os.ProcessState {
	select {
	case <-p.reaped:
		return p.cmd.ProcessState
	default:
		return nil
	}
}

// ExitStatus says how the process ended, such as "exit status 3" or
// "signal: killed"; "running" while it runs.
func (p *Process) ExitStatus() string {
	st := p.State()
	if st == nil {
		return "running"
	}
	s := st.String()
	if p.waitErr != nil && !errors.As(p.waitErr, new(*exec.ExitError)) {
		s += " (" + p.waitErr.Error() + ")"
	}
	return s
}

// Tail returns the last lines of the process's output (stderr, and stdout
// after the ready line), oldest first, each cut to a bounded length.
func (p *Process) Tail() []string { return p.out.tailLines() }

// tailNote formats Tail to end an error message.
func (p *Process) tailNote() string {
	t := p.Tail()
	if len(t) == 0 {
		return ""
	}
	return "; its output ends with: " + strings.Join(t, " | ")
}

// truncate cuts s to n bytes, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
