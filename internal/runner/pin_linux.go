package runner

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

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
