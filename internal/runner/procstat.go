package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processCPU returns the CPU time (user+sys) a process has used so far, summed
// over its threads from /proc/PID/task/*/schedstat, which counts nanoseconds.
// Go rarely ends threads, so the sum misses almost nothing; if schedstat is
// unavailable it falls back to /proc/PID/stat, which counts 10 ms ticks.
func processCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err == nil && len(tasks) > 0 {
		var sum int64
		ok := false
		for _, t := range tasks {
			data, err := os.ReadFile(t)
			if err != nil {
				continue // a thread that just ended
			}
			f := strings.Fields(string(data))
			if len(f) == 0 {
				continue
			}
			ns, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				continue
			}
			sum += ns
			ok = true
		}
		if ok {
			return time.Duration(sum), nil
		}
	}
	return statCPU(pid)
}

// statCPU reads utime+stime from /proc/PID/stat (clock ticks of 10 ms: Linux
// fixes USER_HZ at 100 on every architecture Go supports).
func statCPU(pid int) (time.Duration, error) {
	f, err := statFields(pid, 13)
	if err != nil {
		return 0, err
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// selfCPU returns this process's CPU time (user+sys) so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// selfCPUs is how many CPUs this process may run on now: its affinity
// (after -pin), else the CPUs Go saw at start.
func selfCPUs() int {
	if cpus, err := affinity(0); err == nil && len(cpus) > 0 {
		return len(cpus)
	}
	return runtime.NumCPU()
}

// peakRSS returns a live process's peak resident set size (VmHWM in
// /proc/PID/status). The runner reads it just before SIGTERM rather than
// taking ru_maxrss at exit: Linux carries the pre-exec address space's
// high-water mark into the child's maxrss at exec, and Go starts children
// vfork-style in otelbench's own address space, so ru_maxrss reports
// otelbench's peak, not the target's.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) != 2 || f[1] != "kB" {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				break
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// groupMembers returns the processes of the process group that leader
// leads (the target runs in a group of its own), leader first; just leader
// when it leads none (a process in another's group, such as otelbench
// itself in a test). A service that forks workers (gunicorn, uvicorn
// --workers, Node's cluster) is measured with them this way.
func groupMembers(leader int) []int {
	members := []int{leader}
	if pgrp, err := processGroup(leader); err != nil || pgrp != leader {
		return members
	}
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return members
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == leader {
			continue
		}
		if pgrp, err := processGroup(pid); err == nil && pgrp == leader {
			members = append(members, pid)
		}
	}
	return members
}

// processGroup reads the process group of pid from /proc/PID/stat.
func processGroup(pid int) (int, error) {
	// After the name: state, ppid, pgrp.
	f, err := statFields(pid, 3)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(f[2])
}

// statFields returns the fields of /proc/PID/stat after the command name
// (which may hold spaces and parentheses), at least n of them.
func statFields(pid, n int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < n {
		return nil, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return f, nil
}

// groupCPU is processCPU summed over groupMembers(leader): the CPU time of
// the target and of every process it started that is still running. A
// member that ended in between is not counted (its time goes to its parent
// only when reaped, as cutime, which processCPU does not read).
func groupCPU(leader int) (time.Duration, error) {
	sum, err := processCPU(leader)
	if err != nil {
		return 0, err
	}
	for _, pid := range groupMembers(leader)[1:] {
		if d, err := processCPU(pid); err == nil {
			sum += d
		}
	}
	return sum, nil
}

// groupPeakRSS is peakRSS summed over groupMembers(leader), with how many
// processes it covers: for one process its peak, for several the sum of
// each one's peak, an upper bound of their peak together.
func groupPeakRSS(leader int) (int64, int, error) {
	sum, err := peakRSS(leader)
	if err != nil {
		return 0, 0, err
	}
	n := 1
	for _, pid := range groupMembers(leader)[1:] {
		if b, err := peakRSS(pid); err == nil {
			sum += b
			n++
		}
	}
	return sum, n, nil
}

// machineBusy returns the CPU time every CPU of the machine has spent busy
// so far (user, nice, system, irq, softirq and steal from the "cpu" line of
// /proc/stat, in 10 ms ticks), to tell how much of it went to processes
// other than the target and otelbench during a cell, and how many CPUs
// the machine has (its "cpuN" lines).
func machineBusy() (time.Duration, int, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, rest, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	cpus := 0
	for _, l := range strings.Split(rest, "\n") {
		if strings.HasPrefix(l, "cpu") {
			cpus++
		}
	}
	var ticks int64
	// user nice system idle iowait irq softirq steal: all but idle and iowait.
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("unexpected /proc/stat: %q", line)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, cpus, nil
}
