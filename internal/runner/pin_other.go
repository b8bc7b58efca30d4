//go:build !linux

package runner

import (
	"fmt"
	"runtime"
)

// errPinUnsupported is what pinning says outside Linux, which alone has
// sched_setaffinity.
var errPinUnsupported = fmt.Errorf("pinning CPUs is not supported on this OS (%s); run without -pin", runtime.GOOS)

// pinProcess would restrict pid to cpus.
func pinProcess(pid int, cpus []int) error { return errPinUnsupported }

// affinity would return the CPUs thread tid may run on.
func affinity(tid int) ([]int, error) { return nil, errPinUnsupported }
