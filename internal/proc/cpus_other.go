//go:build unix && !linux

package proc

import (
	"fmt"
	"os/exec"
	"runtime"
)

// startOn is cmd.Start; placing a process on CPUs needs Linux.
func startOn(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) > 0 {
		return fmt.Errorf("proc: placing a process on CPUs is not supported on %s", runtime.GOOS)
	}
	return cmd.Start()
}
