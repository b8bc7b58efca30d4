package sink

import (
	"time"
)

// relistenRetry is how often a sink whose outage has ended tries again to
// listen on its address while that address is taken.
const relistenRetry = 100 * time.Millisecond

// StartTimeline starts the fault timeline at t: the windows of
// Faults.Outages and Faults.BlackHoles are offsets from t. The runner calls
// it at the start of each measurement. It also starts the random sequence
// again and fills the token bucket, so that each measurement sees the
// same faults, and starts Snapshot.Arrivals over from t. A timeline
// already running starts over.
func (s *Sink) StartTimeline(t time.Time) {
	s.ledger.startArrivals(t)
	s.updateFaults(func(f *faults) { *f = *newFaults(f.spec, t) })
	s.kickControl()
}

// StopTimeline stops the fault timeline: no window applies any more, and
// an outage in progress ends. Calls already swallowed by a black hole stay
// held until their clients give up. The runner calls it at the end of each
// measurement.
func (s *Sink) StopTimeline() {
	s.updateFaults(func(f *faults) { f.origin = time.Time{} })
	s.kickControl()
}

// ListenErr returns why the sink could not listen on its address again
// after an outage (another process took the port), or nil when it
// listens. While it fails, the sink keeps trying every 100 ms, and clients
// see the outage go on; Stats.RelistenFailures counts such outages.
func (s *Sink) ListenErr() error {
	if p := s.listenErr.Load(); p != nil {
		return *p
	}
	return nil
}

// kickControl wakes the control goroutine to look at the faults again.
func (s *Sink) kickControl() {
	select {
	case s.kick <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// control opens and closes the sink's socket as the outages of the fault
// timeline say, until the sink closes. It looks at the faults whenever
// they change and at every window edge, so it needs no state of its own
// beyond whether opening failed.
func (s *Sink) control() {
	defer close(s.ctlDone)
	// Since Go 1.23 Stop and Reset leave no stale tick in timer.C.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	failing := false // opening the socket failed since the last outage
	for {
		now := time.Now()
		down, next := s.faults.Load().outageAt(now)
		if down {
			s.lis.down()
			failing = false
		} else if err := s.lis.up(); err != nil {
			s.listenErr.Store(&err)
			if !failing {
				failing = true
				s.ledger.relistenFailed()
			}
			if retry := now.Add(relistenRetry); next.IsZero() || retry.Before(next) {
				next = retry
			}
		} else {
			s.listenErr.Store(nil)
		}

		var wake <-chan time.Time
		if !next.IsZero() {
			timer.Reset(time.Until(next))
			wake = timer.C
		}
		select {
		case <-wake:
		case <-s.kick:
		case <-s.closing:
			timer.Stop()
			return
		}
		timer.Stop()
	}
}
