package runner

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// burnCPU busy-loops until this process has used at least d more CPU time,
// however long that takes on a busy machine.
func burnCPU(t *testing.T, d time.Duration) {
	t.Helper()
	start := selfCPU()
	x := uint64(1)
	for selfCPU()-start < d {
		for i := 0; i < 10_000; i++ {
			x = mix64(x)
		}
	}
	if x == 0 {
		t.Log("unlikely") // keep the loop from being optimised away
	}
}

func TestProcessCPU(t *testing.T) {
	pid := os.Getpid()
	before, err := processCPU(pid)
	if err != nil {
		t.Fatalf("processCPU(self): %v", err)
	}
	if before <= 0 {
		t.Errorf("processCPU(self) = %v, want > 0", before)
	}
	burnCPU(t, 50*time.Millisecond)
	after, err := processCPU(pid)
	if err != nil {
		t.Fatalf("processCPU(self): %v", err)
	}
	// Only a lower bound: how much more depends on the machine.
	if after <= before {
		t.Errorf("processCPU(self) went from %v to %v across a busy loop, want an increase", before, after)
	}
}

func TestProcStatCPU(t *testing.T) {
	burnCPU(t, 50*time.Millisecond) // at least a few 10 ms ticks
	got, err := statCPU(os.Getpid())
	if err != nil {
		t.Fatalf("statCPU(self): %v", err)
	}
	if got <= 0 {
		t.Errorf("statCPU(self) = %v after a busy loop, want > 0", got)
	}
	if got%(10*time.Millisecond) != 0 {
		t.Errorf("statCPU(self) = %v, want a whole number of 10 ms ticks", got)
	}
}

// TestProcStatCPUOddName checks a process whose name holds spaces and
// parentheses, which /proc/PID/stat shows verbatim inside its own parentheses.
func TestProcStatCPUOddName(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Skip(err)
	}
	bin := filepath.Join(t.TempDir(), "a) 1 2 (b")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot run a copy of %s: %v", sleep, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	pid := cmd.Process.Pid

	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(stat), "(a) 1 2 (b)") {
		t.Skipf("/proc/%d/stat does not show the odd name: %q", pid, stat)
	}
	if got, err := statCPU(pid); err != nil || got < 0 {
		t.Errorf("statCPU(%q) = %v, %v; want a non-negative time", stat, got, err)
	}
	if got, err := processCPU(pid); err != nil || got < 0 {
		t.Errorf("processCPU(child) = %v, %v; want a non-negative time", got, err)
	}
}

func TestProcessCPUNoSuchProcess(t *testing.T) {
	// No PID can exceed pid_max.
	pid := math.MaxInt32
	if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			pid = n + 1
		}
	}
	if got, err := processCPU(pid); err == nil {
		t.Errorf("processCPU(%d) = %v, want an error", pid, got)
	}
	if got, err := statCPU(pid); err == nil {
		t.Errorf("statCPU(%d) = %v, want an error", pid, got)
	}
}

func TestProcSelfCPU(t *testing.T) {
	burnCPU(t, 10*time.Millisecond)
	if got := selfCPU(); got <= 0 {
		t.Errorf("selfCPU() = %v, want > 0", got)
	}
}

// TestPeakRSSIsTheChilds checks that peakRSS measures the child's own address
// space: a child started after this process grew by 256 MiB reports far less
// (ru_maxrss would report this process's peak, inherited at exec).
func TestPeakRSSIsTheChilds(t *testing.T) {
	ballast := make([]byte, 256<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep binary: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var rss int64
	var err error
	for i := 0; i < 50; i++ { // until exec has replaced the address space
		if rss, err = peakRSS(cmd.Process.Pid); err == nil && rss > 0 && rss < 64<<20 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || rss <= 0 || rss >= 64<<20 {
		t.Fatalf("peakRSS of sleep = %d bytes, err %v; want a small positive number", rss, err)
	}
	runtime.KeepAlive(ballast)
	if _, err := peakRSS(1 << 30); err == nil {
		t.Error("peakRSS of a process that does not exist: no error")
	}
}

// TestGroupCPUCountsWorkers starts a shell in a group of its own that
// forks two busy workers and waits, as a pre-forking server does: the
// shell itself uses almost no CPU, so the group's CPU and its members
// must be the workers'.
func TestGroupCPUCountsWorkers(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "(while :; do :; done) & (while :; do :; done) & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// Wait until both workers have run for a while.
	deadline := time.Now().Add(10 * time.Second)
	var group, leader time.Duration
	var members []int
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		members = groupMembers(pid)
		var err error
		if group, err = groupCPU(pid); err != nil {
			t.Fatal(err)
		}
		if leader, err = processCPU(pid); err != nil {
			t.Fatal(err)
		}
		if len(members) == 3 && group > 200*time.Millisecond {
			break
		}
	}
	if len(members) != 3 || members[0] != pid {
		t.Fatalf("group members %v, want the shell %d and its two workers", members, pid)
	}
	if group < 200*time.Millisecond || group < 10*leader {
		t.Errorf("group CPU %v, the shell's own %v: want the workers' time counted", group, leader)
	}
	rss, n, err := groupPeakRSS(pid)
	if single, err1 := peakRSS(pid); err != nil || err1 != nil || n != 3 || rss <= single {
		t.Errorf("group peak RSS %d over %d processes (%v), the shell's %d (%v): want the sum over 3", rss, n, err, single, err1)
	}
	// A process that leads no group is measured alone.
	if m := groupMembers(os.Getpid()); len(m) != 1 {
		t.Errorf("groupMembers(self) = %v, want self alone", m)
	}
}

// TestMachineBusy checks that the machine's busy time grows across a busy
// loop of this process, by at least most of what the loop used (the
// counter has 10 ms ticks), and that the CPUs are counted.
func TestMachineBusy(t *testing.T) {
	busy0, cpus, err := machineBusy()
	if err != nil {
		t.Skipf("no /proc/stat: %v", err)
	}
	self0 := selfCPU()
	burnCPU(t, 200*time.Millisecond)
	busy1, _, err := machineBusy()
	if err != nil {
		t.Fatal(err)
	}
	used := selfCPU() - self0
	if cpus < 1 || busy1-busy0 < used-50*time.Millisecond {
		t.Errorf("machine busy %v across a loop that used %v, %d CPUs: want at least the loop's time", busy1-busy0, used, cpus)
	}
}
