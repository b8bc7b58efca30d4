package targetbuild

import (
	"context"
	"os"
	"time"
)

// lockPoll is how often lockFile tries again for a lock another process
// holds.
const lockPoll = 200 * time.Millisecond

// lockFile takes an exclusive lock on the file at path (creating it),
// waiting for another process that holds it until ctx ends, and calling
// waiting once if it has to. The returned function releases it; the
// kernel releases it too if this process dies.
func lockFile(ctx context.Context, path string, waiting func()) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	told := false
	for {
		held, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		if held {
			return func() { f.Close() }, nil // closing releases the flock
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, context.Cause(ctx)
		case <-time.After(lockPoll):
		}
	}
}
