package results

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file of a run directory that the process measuring the
// run holds locked (flock) for as long as it runs. The kernel releases the
// lock when the process dies, however it dies, so a run.json that still
// says running with nobody holding the lock was left by a dead process.
const LockFile = "run.lock"

// RunLock is the lock on a run directory of the process measuring it.
type RunLock struct {
	f *os.File
}

// LockRun takes the lock of the run directory dir for this process, until
// Release or the process's end. It fails when another RunLock holds it.
// Open reports a run that says it is running while nobody holds its lock
// as Dead.
func LockRun(dir string) (*RunLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, FileMode)
	if err != nil {
		return nil, err
	}
	if err := lockExclusive(f); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "locking", Path: f.Name(), Err: err}
	}
	return &RunLock{f: f}, nil
}

// Release gives the lock up. The lock file stays, so that a later Open can
// tell whether a process holds it.
func (l *RunLock) Release() error {
	return l.f.Close() // closing the file releases its flock
}

// markDead sets l.Dead and l.LastSeen when run.json says the run is running
// but no process holds its lock. A run without a lock file, from before
// run locks, is never dead: nothing tells.
func (l *Loaded) markDead() {
	if l.Run.Status != StatusRunning {
		return
	}
	f, err := os.Open(filepath.Join(l.Path, LockFile))
	if err != nil {
		return
	}
	defer f.Close()
	if held, known := lockHeld(f); !known || held {
		return
	}
	l.Dead = true
	l.LastSeen = lastModified(l.Path)
}

// lastModified returns the latest modification time of a file under dir.
func lastModified(dir string) time.Time {
	var last time.Time
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable entry tells nothing
		}
		if info, err := d.Info(); err == nil && d.Type().IsRegular() && info.ModTime().After(last) {
			last = info.ModTime()
		}
		return nil
	})
	return last
}
