package runner

import (
	"fmt"
	"os"
	"runtime"
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
