package sink

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// faults is the misbehaviour in effect. A value is never changed once
// published: setters publish a modified copy, so each Export call reads a
// consistent set with one atomic load. New faults (errors, outages, black
// holes, throughput caps) become new fields here, new Options fields, and
// new setters built on updateFaults; decide is where they take effect.
type faults struct {
	// delay is how long each Export call is held before its answer.
	delay time.Duration
}

// faultsFrom returns the faults that opts ask for.
func faultsFrom(opts Options) *faults {
	return &faults{delay: max(opts.Delay, 0)}
}

// SetDelay sets the delay before each Export call is answered, for calls
// that arrive from now on; a negative d means no delay. It is safe to call
// at any time, from any goroutine.
func (s *Sink) SetDelay(d time.Duration) {
	s.updateFaults(func(f *faults) { f.delay = max(d, 0) })
}

// updateFaults publishes a copy of the current faults changed by fn.
func (s *Sink) updateFaults(fn func(*faults)) {
	for {
		old := s.faults.Load()
		next := *old
		fn(&next)
		if s.faults.CompareAndSwap(old, &next) {
			return
		}
	}
}

// decide applies f to one Export call whose client context is ctx. It
// returns how the call ends and, unless it is answered OK, the error to
// answer with.
func (s *Sink) decide(ctx context.Context, f *faults) (outcome, error) {
	if f.delay > 0 {
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		case <-s.closing:
			return rejected, status.Error(codes.Unavailable, "otelbench sink: closing")
		}
	}
	// The client may have given up just as the delay ended: it then
	// believes the export failed, so the sink must not count it as
	// received. A client deadline that passes after this check but before
	// the answer reaches it cannot be seen here; on loopback that window
	// is a few microseconds.
	if err := ctx.Err(); err != nil {
		return abandoned, status.FromContextError(err).Err()
	}
	return answered, nil
}
