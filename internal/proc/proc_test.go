package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		helperMain()
		return
	}
	goleak.VerifyTestMain(m)
}

// sh returns Options that run script with /bin/sh and log to a file in a
// fresh directory.
func sh(t *testing.T, script string) Options {
	t.Helper()
	return Options{Path: "/bin/sh", Args: []string{"-c", script}, LogPath: filepath.Join(t.TempDir(), "log")}
}

// readLog returns the log file of p once p has exited.
func readLog(t *testing.T, p *Process) string {
	t.Helper()
	<-p.Exited()
	b, err := os.ReadFile(p.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertGone fails unless no process of group pgid is left.
func assertGone(t *testing.T, pgid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(-pgid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still there: kill(-%d, 0) = %v", pgid, pgid, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStartReady covers processes that announce themselves with a ready
// line, or fail to.
func TestStartReady(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		timeout time.Duration
		ready   string   // the ready line; "" means Start fails
		wantErr []string // substrings of Start's error
		log     []string // substrings of the log
		tail    string   // the last line of Tail
	}{
		// Ready, then more on both streams: the log holds both, stdout
		// marked, and the child never blocks on 300 KB of stdout.
		{name: "ready", script: `echo '{"event":"ready","addr":"x"}'; echo oops >&2; head -c 300000 /dev/zero | tr '\0' a; echo; echo last; sleep 0.1; echo bye >&2`,
			ready: `{"event":"ready","addr":"x"}`, log: []string{"oops\n", "stdout: last\n", "bye\n"}, tail: "bye"},
		// Exits first: the error says how, with its stderr.
		{name: "exits", script: "echo 'simulated crash' >&2; exit 3",
			wantErr: []string{"exited before its ready line", "exit status 3", "simulated crash"}},
		// Killed by a signal first.
		{name: "killed", script: "kill -9 $$",
			wantErr: []string{"exited before its ready line", "signal: killed"}},
		// Says something that is not JSON.
		{name: "not json", script: "echo hello; sleep 30",
			wantErr: []string{"not a JSON ready line", `"hello"`}},
		// Says nothing in time: killed, with what it said on stderr.
		{name: "silent", script: "echo waiting >&2; sleep 30", timeout: 200 * time.Millisecond,
			wantErr: []string{"no ready line within 200ms", "waiting"}},
		// A ready line without its newline, then exit: still its line.
		{name: "no newline", script: `printf '{"event":"ready"}'`, ready: `{"event":"ready"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := sh(t, tc.script)
			o.ReadyLine, o.ReadyTimeout = true, tc.timeout
			p, err := Start(t.Context(), o)
			if tc.ready == "" {
				if err == nil {
					_ = p.Kill()
					t.Fatal("Start succeeded, want an error")
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("Start error lacks %q: %v", s, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			defer p.Kill()
			if string(p.Ready()) != tc.ready {
				t.Errorf("Ready() = %s, want %s", p.Ready(), tc.ready)
			}
			log := readLog(t, p)
			for _, s := range tc.log {
				if !strings.Contains(log, s) {
					t.Errorf("log lacks %q:\n%.300s", s, log)
				}
			}
			if strings.Contains(log, `"event"`) {
				t.Errorf("the ready line reached the log")
			}
			if tail := p.Tail(); tc.tail != "" && (len(tail) == 0 || tail[len(tail)-1] != tc.tail) {
				t.Errorf("Tail() = %q, want it to end with %q", tail, tc.tail)
			}
		})
	}
}

// TestStartCancelled checks that a start whose context ends leaves
// nothing behind.
func TestStartCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pidFile := filepath.Join(t.TempDir(), "pid")
	o := sh(t, "echo $$ > "+pidFile+"; exec sleep 30")
	o.ReadyLine = true
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := Start(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("Start = %v, want context.Canceled", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	assertGone(t, pid)
}

// TestEnv checks that the process gets exactly the environment given.
func TestEnv(t *testing.T) {
	envBin, err := exec.LookPath("env")
	if err != nil {
		t.Skip("no env binary")
	}
	t.Setenv("PROC_TEST_LEAK", "1")
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		// Nil is empty, not ours.
		{"nil", nil, ""},
		// Given: that and nothing else.
		{"given", []string{"A=1", "B=two"}, "A=1\nB=two\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Start(t.Context(), Options{Path: envBin, Env: tc.env, LogPath: filepath.Join(t.TempDir(), "log")})
			if err != nil {
				t.Fatal(err)
			}
			if got := readLog(t, p); got != tc.want {
				t.Errorf("environment %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTee checks that the tee receives what the log does, and Tail keeps
// only the last lines.
func TestTee(t *testing.T) {
	var tee lockedBuffer
	o := sh(t, "for i in 1 2 3 4 5 6; do echo line $i; done; echo err >&2")
	o.Tee, o.TailLines = &tee, 3
	p, err := Start(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	log := readLog(t, p)
	if tee.String() != log || !strings.Contains(log, "line 6\nerr\n") {
		t.Errorf("tee %q, log %q: want the same, ending with line 6 and err", tee.String(), log)
	}
	if got := strings.Join(p.Tail(), ","); got != "line 5,line 6,err" {
		t.Errorf("Tail() = %q, want the last 3 lines", got)
	}
}

// TestStop covers the ways a process ends when stopped.
func TestStop(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		exited  bool          // wait for it to exit before Stop
		is      error         // errors.Is(Stop's error, is); nil means no error
		wantErr string        // a substring of Stop's error
		status  string        // ExitStatus after Stop
		within  time.Duration // the exit took less than this
	}{
		// Exits on SIGTERM.
		{name: "term", script: "exec sleep 30", status: "signal: terminated", within: time.Second},
		// Handles SIGTERM and exits 0.
		{name: "handles term", script: "trap 'exit 0' TERM; sleep 30 & wait", status: "exit status 0", within: time.Second},
		// Ignores SIGTERM, and so does its child: both get SIGKILL.
		{name: "ignores term", script: "trap '' TERM; sleep 30; sleep 30", is: ErrKilled,
			wantErr: "did not exit within 300ms of SIGTERM; killed", status: "signal: killed"},
		// Exits on SIGTERM, but leaves a child that ignores it: the child
		// gets SIGKILL after the grace, and the stop is clean.
		{name: "leaves a child", script: "(trap '' TERM; exec sleep 30) & trap 'exit 0' TERM; sleep 30 & wait",
			status: "exit status 0", within: time.Second},
		// Died on its own before Stop: say how.
		{name: "died", script: "exit 2", exited: true, is: ErrExited, wantErr: "had exited before Stop: exit status 2", status: "exit status 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Start(t.Context(), sh(t, tc.script))
			if err != nil {
				t.Fatal(err)
			}
			if tc.exited {
				<-p.Exited()
			} else {
				time.Sleep(100 * time.Millisecond) // let the shell set its traps
			}
			took, err := p.Stop(t.Context(), 300*time.Millisecond)
			switch {
			case tc.is == nil && err != nil:
				t.Errorf("Stop: %v", err)
			case tc.is != nil && (!errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Stop error = %v, want %v containing %q", err, tc.is, tc.wantErr)
			}
			if tc.within > 0 && (took <= 0 || took >= tc.within) {
				t.Errorf("exit took %v, want between 0 and %v", took, tc.within)
			}
			if got := p.ExitStatus(); got != tc.status {
				t.Errorf("ExitStatus() = %q, want %q", got, tc.status)
			}
			assertGone(t, p.Pid())
			// Stopping or killing again changes nothing.
			if err := p.Kill(); err != nil {
				t.Errorf("Kill after Stop: %v", err)
			}
		})
	}
}

// TestKill checks that Kill ends the whole group, grandchildren included.
func TestKill(t *testing.T) {
	p, err := Start(t.Context(), sh(t, "sleep 30 & sleep 30 & wait"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := p.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	if got := p.ExitStatus(); got != "signal: killed" {
		t.Errorf("ExitStatus() = %q", got)
	}
	var ee *exec.ExitError
	if !errors.As(p.Err(), &ee) {
		t.Errorf("Err() = %v, want an *exec.ExitError", p.Err())
	}
	assertGone(t, p.Pid())
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
