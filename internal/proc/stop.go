package proc

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// ErrExited is returned (wrapped, with how it ended) by Stop when the
// process had exited before Stop was called.
var ErrExited = errors.New("had exited before Stop")

// ErrKilled is returned (wrapped, with why) by Stop when the process had
// to be killed.
var ErrKilled = errors.New("killed")

// killWait bounds the wait for a killed process to be reaped.
const killWait = 5 * time.Second

// Signal sends sig to the whole process group, unless the group has gone.
func (p *Process) Signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.goneLocked() {
		return nil
	}
	return syscall.Kill(-p.pid, sig)
}

// goneLocked reports whether the group has gone, looking again once the
// leader has exited. Once gone, its id may be another process's: it is
// never signalled again. p.mu must be held.
func (p *Process) goneLocked() bool {
	if p.gone {
		return true
	}
	select {
	case <-p.reaped:
	default:
		return false // the leader, unreaped, holds the group's id
	}
	err := syscall.Kill(-p.pid, 0)
	p.gone = errors.Is(err, syscall.ESRCH) || errors.Is(err, syscall.EPERM)
	return p.gone
}

// Stop ends the process: SIGTERM to its group, then, if the process has
// not exited within grace or ctx ends first, SIGKILL to the group. It
// returns how long the process took to exit after SIGTERM. The error wraps
// ErrExited when the process had exited before (with how it ended), or
// ErrKilled when it had to be killed (with why).
//
// Once the process itself has exited, Stop waits, within the same grace,
// for its output to end, that is for whatever else of its group holds the
// pipes (a service that `sh -c` started, which got SIGTERM too); what is
// left of the group then gets SIGKILL. That is no error.
func (p *Process) Stop(ctx context.Context, grace time.Duration) (time.Duration, error) {
	select {
	case <-p.reaped:
		return 0, fmt.Errorf("%w: %s", ErrExited, p.ExitStatus())
	default:
	}
	start := time.Now()
	_ = p.Signal(syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	var why string
	select {
	case <-p.reaped:
		took := p.exitedAt.Sub(start)
		select {
		case <-p.outputDone:
		case <-timer.C:
		case <-ctx.Done():
		}
		_ = p.Signal(syscall.SIGKILL)
		<-p.exited
		return took, nil
	case <-timer.C:
		why = fmt.Sprintf("did not exit within %v of SIGTERM", grace)
	case <-ctx.Done():
		why = fmt.Sprintf("was still running when the context ended (%v)", context.Cause(ctx))
	}
	err := p.Kill()
	took := time.Since(start)
	if err != nil {
		return took, fmt.Errorf("%s; %w; %w", why, ErrKilled, err)
	}
	return took, fmt.Errorf("%s; %w", why, ErrKilled)
}

// Kill sends SIGKILL to the process group and waits, at most a few
// seconds, for the process to be reaped and its output to end. It may be
// called any number of times, also after Stop.
func (p *Process) Kill() error {
	_ = p.Signal(syscall.SIGKILL)
	timer := time.NewTimer(killWait)
	defer timer.Stop()
	select {
	case <-p.reaped:
	case <-timer.C:
		return fmt.Errorf("process %d not reaped within %v of SIGKILL", p.pid, killWait)
	}
	<-p.exited // at most pipeWait after the exit
	return nil
}
