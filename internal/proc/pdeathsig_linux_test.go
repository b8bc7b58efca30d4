package proc

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPdeathsig checks that a child dies with its parent: the helper
// starts one and is then killed without a chance to stop it.
func TestPdeathsig(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("reading the child's pid: %v", err)
	}
	child, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	assertGone(t, child)
}

// TestStartOnCPUs: a process started on a CPU set runs on it from its
// start, and the starting thread gets its own CPUs back.
func TestStartOnCPUs(t *testing.T) {
	runtime.LockOSThread() // so that "this thread" below is Start's
	defer runtime.UnlockOSThread()
	var mine unix.CPUSet
	if err := unix.SchedGetaffinity(0, &mine); err != nil {
		t.Fatal(err)
	}
	first := -1
	for i := 0; i < 1024 && first < 0; i++ {
		if mine.IsSet(i) {
			first = i
		}
	}
	p, err := Start(t.Context(), Options{Path: "/bin/sh", Args: []string{"-c", "grep Cpus_allowed_list /proc/self/status"}, CPUs: []int{first}, TailLines: 5})
	if err != nil {
		t.Fatal(err)
	}
	<-p.Exited()
	tail := strings.Join(p.Tail(), "\n")
	if !strings.Contains(tail, fmt.Sprintf("Cpus_allowed_list:\t%d\n", first)) && !strings.HasSuffix(tail, fmt.Sprintf("Cpus_allowed_list:\t%d", first)) {
		t.Errorf("the child ran on %q, want CPU %d only", tail, first)
	}
	var after unix.CPUSet
	if err := unix.SchedGetaffinity(0, &after); err != nil {
		t.Fatal(err)
	}
	if after.Count() != mine.Count() {
		t.Errorf("this thread's CPUs went from %d to %d", mine.Count(), after.Count())
	}
}
