package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Pinning places the target and the load generator on separate CPUs, so that
// neither steals the other's core. It is recorded in run.json.
type Pinning struct {
	// LoadGen and Target are the CPUs (indices) each may run on.
	LoadGen []int `json:"loadgen_cpus"`
	Target  []int `json:"target_cpus"`
}

// SplitCPUs pins the load generator to the first half of the CPUs this
// process may use and the target to the second half. It needs at least two.
func SplitCPUs() (*Pinning, error) {
	cpus, err := affinity(0)
	if err != nil {
		return nil, fmt.Errorf("reading CPU affinity: %w", err)
	}
	if len(cpus) < 2 {
		return nil, fmt.Errorf("pinning needs at least 2 CPUs, this process may use %d", len(cpus))
	}
	half := len(cpus) / 2
	return &Pinning{LoadGen: cpus[:half], Target: cpus[half:]}, nil
}

// pinProcess restricts every thread of pid to cpus. Threads created later
// inherit the mask of the thread that creates them, so after a few passes
// (a Go program may be starting threads meanwhile) the process stays pinned.
func pinProcess(pid int, cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	var last error
	for pass := 0; pass < 3; pass++ {
		tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
		if err != nil || len(tasks) == 0 {
			return fmt.Errorf("listing threads of %d: %v", pid, err)
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(filepath.Base(t))
			if err != nil {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				last = fmt.Errorf("pinning thread %d of %d: %w", tid, pid, err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	return last
}

// PinSelf pins the calling process (the load generator and the embedded
// sink) to cpus. Like GOMAXPROCS it is process-wide state, so only a main
// package should call it.
func PinSelf(cpus []int) error {
	if err := pinProcess(os.Getpid(), cpus); err != nil {
		return err
	}
	runtime.Gosched()
	return nil
}

// affinity returns the CPUs thread tid (0: the calling thread) may run on.
func affinity(tid int) ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(tid, &set); err != nil {
		return nil, err
	}
	var cpus []int
	for i := 0; i < 1024 && len(cpus) < set.Count(); i++ {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}
