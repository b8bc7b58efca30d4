package collector

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeBinary writes a shell script that stands in for the collector.
func fakeBinary(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-otelcol")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
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

// TestDefaultBinary checks the environment override.
func TestDefaultBinary(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		want string
	}{
		// Unset (or empty): the one `make collector` builds.
		{"repo", "", filepath.Join("/src/otelbench", "collector", "bin", "otelcol")},
		// Set: used as it is.
		{"env", "/opt/otelcol-contrib", "/opt/otelcol-contrib"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvBinary, tc.env)
			if got := DefaultBinary("/src/otelbench"); got != tc.want {
				t.Errorf("DefaultBinary() with %s=%q = %q, want %q", EnvBinary, tc.env, got, tc.want)
			}
		})
	}
}

// TestStartErrors covers starts that fail, none of which may leave a
// process behind.
func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	attempts := filepath.Join(dir, "attempts")
	for _, tc := range []struct {
		name    string
		opts    Options
		wantErr []string // substrings of the error
		inUse   bool     // errors.Is(err, errAddrInUse)
	}{
		{
			// No binary given.
			name:    "no binary",
			opts:    Options{Dir: t.TempDir()},
			wantErr: []string{"no binary", "make collector"},
		},
		{
			// No directory given.
			name:    "no dir",
			opts:    Options{Binary: "/bin/true"},
			wantErr: []string{"no directory"},
		},
		{
			// The binary is not there: say how to build it.
			name:    "missing binary",
			opts:    Options{Binary: filepath.Join(dir, "nope"), Dir: t.TempDir()},
			wantErr: []string{"no such file", "make collector", EnvBinary},
		},
		{
			// A directory is not a binary.
			name:    "directory",
			opts:    Options{Binary: dir, Dir: t.TempDir()},
			wantErr: []string{"not an executable"},
		},
		{
			// It exits at once: the error quotes its log.
			name:    "exits",
			opts:    Options{Binary: fakeBinary(t, "echo 'Error: invalid configuration: boom' >&2; exit 3"), Dir: t.TempDir()},
			wantErr: []string{"exited before it was ready", "exit status 3", "invalid configuration: boom"},
		},
		{
			// A port was taken: Start tries new ones, startAttempts times.
			name: "address in use",
			opts: Options{
				Binary: fakeBinary(t, "echo x >> "+attempts+"\n"+
					"echo 'listen tcp 127.0.0.1:4317: bind: address already in use' >&2; exit 1"),
				Dir: t.TempDir(),
			},
			wantErr: []string{"address already in use"},
			inUse:   true,
		},
		{
			// It never gets ready: Start gives up in time and kills it.
			name: "never ready",
			opts: Options{
				Binary:       fakeBinary(t, "echo $$ > "+pidFile+"; exec sleep 30"),
				Dir:          t.TempDir(),
				StartTimeout: 300 * time.Millisecond,
			},
			wantErr: []string{"not ready within 300ms", "ready log line"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Start(t.Context(), tc.opts)
			if err == nil {
				c.Stop(context.Background())
				t.Fatal("Start succeeded, want an error")
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Start error lacks %q:\n%v", s, err)
				}
			}
			if got := errors.Is(err, errAddrInUse); got != tc.inUse {
				t.Errorf("errors.Is(err, errAddrInUse) = %v, want %v", got, tc.inUse)
			}
		})
	}

	// The retries happened.
	if b, err := os.ReadFile(attempts); err != nil || strings.Count(string(b), "x") != startAttempts {
		t.Errorf("address in use: %d attempts (%v), want %d", strings.Count(string(b), "x"), err, startAttempts)
	}
	// The process that never got ready is gone.
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	assertGone(t, pid)
}

// TestStop covers the ways a process can end, with a shell standing in for
// the collector.
func TestStop(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		exited  bool   // wait for it to exit before Stop
		wantErr string // a substring of Stop's error; "" means none
	}{
		// Exits on SIGTERM, as the collector does.
		{"term", "exec sleep 30", false, ""},
		// Ignores SIGTERM, and so does its child: both get SIGKILL.
		{"ignores term", "trap '' TERM; sleep 30; sleep 30", false, "did not exit within 200ms of SIGTERM; killed"},
		// Died on its own before Stop.
		{"died", "exit 2", true, "had exited before Stop: exit status 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := &Collector{
				logPath:     filepath.Join(dir, logFile),
				stopTimeout: 200 * time.Millisecond,
				client:      newMetricsClient(),
			}
			if err := c.run("/bin/sh", []string{"-c", tc.script}, nil, dir, nil); err != nil {
				t.Fatal(err)
			}
			if tc.exited {
				<-c.Exited()
			} else {
				time.Sleep(50 * time.Millisecond) // let the shell set its trap
			}
			err := c.Stop(t.Context())
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Stop: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Stop error = %v, want one containing %q", err, tc.wantErr)
			}
			select {
			case <-c.Exited():
			default:
				t.Error("Exited() not closed after Stop")
			}
			assertGone(t, c.Pid())
		})
	}
}

// TestFreePorts checks that the ports differ and can be bound.
func TestFreePorts(t *testing.T) {
	ports, err := freePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("freePorts(3) = %v, want three distinct ports", ports)
		}
		seen[p] = true
	}
}
