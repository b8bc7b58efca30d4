package runner

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Pinning places the target and otelbench (the load generator and the
// embedded sink) on separate CPUs, so that neither steals the other's
// cores. The target starts on its CPUs, so a Go target sizes GOMAXPROCS to
// them. It is recorded in run.json: the CPUs a target gets are a condition
// of the experiment, like the rate.
type Pinning struct {
	// Mode says how the split was chosen: PinAuto or PinManual.
	Mode string `json:"mode"`
	// LoadGen and Target are the CPUs (indices) each may run on.
	LoadGen []int `json:"loadgen_cpus"`
	Target  []int `json:"target_cpus"`
}

// The -pin modes.
const (
	// PinAuto splits the CPUs when there are two or more, else pins
	// nothing.
	PinAuto = "auto"
	// PinOff pins nothing: the target and otelbench share every CPU.
	PinOff = "off"
	// PinManual is a split given as TARGET/LOADGEN CPU lists ("1/0").
	PinManual = "manual"
)

// ParsePinning reads a -pin value: "auto" (split the CPUs this process
// may use when there are two or more: the target gets the upper half),
// "off", or "TARGET/LOADGEN" as CPU lists ("1/0", "2-3/0-1", "2,3/0").
// It returns nil for no pinning.
func ParsePinning(spec string) (*Pinning, error) {
	switch spec {
	case PinOff:
		return nil, nil
	case PinAuto, "":
		cpus, err := affinity(0)
		if err != nil || len(cpus) < 2 {
			return nil, nil //nolint:nilerr // nothing to split: no pinning
		}
		half := len(cpus) / 2
		return &Pinning{Mode: PinAuto, LoadGen: cpus[:half], Target: cpus[half:]}, nil
	}
	t, l, ok := strings.Cut(spec, "/")
	if !ok {
		return nil, fmt.Errorf("-pin %q: want auto, off or TARGET/LOADGEN CPU lists such as 1/0", spec)
	}
	target, err := cpuList(t)
	if err != nil {
		return nil, fmt.Errorf("-pin %q: target CPUs: %w", spec, err)
	}
	loadgen, err := cpuList(l)
	if err != nil {
		return nil, fmt.Errorf("-pin %q: otelbench's CPUs: %w", spec, err)
	}
	return &Pinning{Mode: PinManual, LoadGen: loadgen, Target: target}, nil
}

// cpuList reads "0", "0,2" or "0-3".
func cpuList(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || a < 0 {
			return nil, fmt.Errorf("%q is not a CPU number", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a {
				return nil, fmt.Errorf("%q is not a CPU range", part)
			}
		}
		for c := a; c <= b; c++ {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no CPU given")
	}
	return out, nil
}

// SplitCPUs pins the load generator to the first half of the CPUs this
// process may use and the target to the second half. It needs at least two.
func SplitCPUs() (*Pinning, error) {
	p, err := ParsePinning(PinAuto)
	if err == nil && p == nil {
		err = fmt.Errorf("pinning needs at least 2 CPUs")
	}
	return p, err
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
