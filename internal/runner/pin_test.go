package runner

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestPinProcess pins a child process to one CPU and checks every one of its
// threads reports that mask.
func TestPinProcess(t *testing.T) {
	p, err := SplitCPUs()
	if err != nil {
		t.Skipf("cannot split CPUs here: %v", err)
	}
	if len(p.LoadGen) == 0 || len(p.Target) == 0 || slices.Contains(p.LoadGen, p.Target[0]) {
		t.Fatalf("split %+v overlaps or is empty", p)
	}
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep binary: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := pinProcess(cmd.Process.Pid, p.Target); err != nil {
		t.Fatal(err)
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", cmd.Process.Pid))
	for _, task := range tasks {
		tid, _ := strconv.Atoi(filepath.Base(task))
		got, err := affinity(tid)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, p.Target) {
			t.Errorf("thread %d may run on %v, want %v", tid, got, p.Target)
		}
	}
}
