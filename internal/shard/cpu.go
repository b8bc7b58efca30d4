package shard

import (
	"runtime"
	"syscall"
	"time"
)

// selfCPU returns this process's CPU time (user+sys) so far; 0 when it
// cannot be read.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// usableCPUs is how many CPUs this process's goroutines run on: Go sizes
// GOMAXPROCS to its CPU affinity at start.
func usableCPUs() int { return runtime.GOMAXPROCS(0) }
