package proc

import (
	"fmt"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// startOn starts cmd with its CPU affinity set to cpus from its first
// instruction: the child inherits the mask of the thread that forks it, so
// this thread takes the mask for the start and gives it back after. A Go
// child then sizes GOMAXPROCS to its CPUs, and any child's threads stay on
// them. With no cpus it is cmd.Start.
func startOn(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	var want, was unix.CPUSet
	for _, c := range cpus {
		if c < 0 || c >= 1024 {
			return fmt.Errorf("proc: no CPU %d", c)
		}
		want.Set(c)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.SchedGetaffinity(0, &was); err != nil {
		return fmt.Errorf("proc: reading this thread's CPUs: %w", err)
	}
	if err := unix.SchedSetaffinity(0, &want); err != nil {
		return fmt.Errorf("proc: CPUs %v: %w", cpus, err)
	}
	err := cmd.Start()
	if rerr := unix.SchedSetaffinity(0, &was); rerr != nil && err == nil {
		// The thread keeps the child's CPUs: better a failed start than a
		// runtime thread pinned by accident.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("proc: restoring this thread's CPUs: %w", rerr)
	}
	return err
}
