package results

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// holdEnv names the run directory the helper process locks.
const holdEnv = "OTELBENCH_TEST_HOLD_LOCK"

// TestHelperHoldLock is not a test: started by TestDeadRun with holdEnv
// set, it locks that run directory, says so and waits to be killed.
func TestHelperHoldLock(t *testing.T) {
	dir := os.Getenv(holdEnv)
	if dir == "" {
		t.Skip("a helper process for TestDeadRun")
	}
	if _, err := LockRun(dir); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
}

// TestDeadRun checks that Open tells a run whose process was killed (SIGKILL:
// no chance to write its status) from one still running.
func TestDeadRun(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("run locks are flocks")
	}
	dir := writeRun(t, StatusRunning)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Dead || !l.LastSeen.IsZero() {
		t.Errorf("a run whose process holds its lock: Dead %v, LastSeen %v", l.Dead, l.LastSeen)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Dead {
		t.Fatal("a run whose process was killed: Dead false")
	}
	cellFile := filepath.Join(dir, CellsDir, l.Cells[0].Dir, CellFile)
	st, err := os.Stat(cellFile)
	if err != nil {
		t.Fatal(err)
	}
	if l.LastSeen.Before(st.ModTime()) {
		t.Errorf("LastSeen %v, before the last cell was written at %v", l.LastSeen, st.ModTime())
	}
	if l.Run.Status != StatusRunning || len(l.Cells) != 1 || len(l.Run.Cells) != 2 {
		t.Errorf("status %s, %d of %d cells", l.Run.Status, len(l.Cells), len(l.Run.Cells))
	}
}

// TestNotDead checks the runs Open never calls dead: finished ones, and
// those from before run locks, which have no lock file.
func TestNotDead(t *testing.T) {
	for _, status := range []Status{StatusComplete, StatusInterrupted} {
		dir := writeRun(t, status)
		lock, err := LockRun(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := lock.Release(); err != nil {
			t.Fatal(err)
		}
		if l, err := Open(dir); err != nil || l.Dead {
			t.Errorf("%s run: Dead %v, %v", status, l != nil && l.Dead, err)
		}
	}
	if l, err := Open(writeRun(t, StatusRunning)); err != nil || l.Dead {
		t.Errorf("running, no lock file: Dead %v, %v", l != nil && l.Dead, err)
	}
}

// TestLockRunTwice checks that a second process, or a second lock in the
// same one, cannot take a run that is being measured.
func TestLockRunTwice(t *testing.T) {
	dir := writeRun(t, StatusRunning)
	lock, err := LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockRun(dir); err == nil {
		t.Error("a second LockRun succeeded")
	}
	if l, err := Open(dir); err != nil || l.Dead {
		t.Errorf("Open while locked: Dead %v, %v", l != nil && l.Dead, err)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if l, err := Open(dir); err != nil || !l.Dead {
		t.Errorf("Open after Release of a running run: Dead %v, %v", l != nil && l.Dead, err)
	}
}
