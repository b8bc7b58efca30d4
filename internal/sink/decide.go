package sink

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// faults is the misbehaviour in effect. A value is never changed once
// published: setters publish a modified copy, so each Export call reads a
// consistent set with one atomic load. Only the random source and the
// token bucket inside are shared state, each with its own lock.
type faults struct {
	spec Faults
	// mu and sigma are the lognormal parameters when spec.Latency.P50 is
	// set.
	mu, sigma float64
	// injected is the answer to an injected error.
	injected error
	// origin is the start of the fault timeline; zero when no timeline
	// runs, and then no window applies.
	origin time.Time
	rng    *randSource // nil unless spec.random()
	bucket *bucket     // nil without a throughput cap
}

// newFaults returns the state for spec, which must be valid, on the
// timeline that starts at origin, with a fresh random sequence and a full
// token bucket.
func newFaults(spec Faults, origin time.Time) *faults {
	f := &faults{spec: spec.clone(), origin: origin}
	f.derive()
	if spec.random() {
		f.rng = newRandSource(spec.Seed)
	}
	if spec.CapSpansPerSec > 0 {
		f.bucket = newBucket(spec.CapSpansPerSec, spec.burst(), time.Now())
	}
	return f
}

// derive computes the fields that follow from f.spec alone.
func (f *faults) derive() {
	f.mu, f.sigma = lognormalParams(f.spec.Latency)
	f.injected = nil
	if f.spec.ErrorRate > 0 {
		st := status.New(f.spec.ErrorCode, fmt.Sprintf("otelbench sink: injected %s", errorCodeNames[f.spec.ErrorCode]))
		if f.spec.RetryAfter > 0 {
			// WithDetails fails only for a code OK or a detail that
			// cannot be marshalled: neither can happen here.
			if withInfo, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(f.spec.RetryAfter)}); err == nil {
				st = withInfo
			}
		}
		f.injected = st.Err()
	}
}

// faultsFrom returns the faults that opts ask for.
func faultsFrom(opts Options) (*faults, error) {
	spec := opts.Faults
	if opts.Delay > 0 {
		if spec.Latency != (LatencyDist{}) {
			return nil, fmt.Errorf("sink: Options.Delay %v and Options.Faults.Latency are both set; give one", opts.Delay)
		}
		spec.Latency.Fixed = opts.Delay
	}
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	return newFaults(spec, time.Time{}), nil
}

// SetFaults replaces the faults in effect by f, for calls that arrive from
// now on, after checking it with Validate; on error nothing changes. A
// running timeline keeps its start: windows are placed on it at once
// (an outage whose window has begun starts now). The random sequence and
// the token bucket start afresh. It is safe to call at any time.
func (s *Sink) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s.updateFaults(func(cur *faults) { *cur = *newFaults(f, cur.origin) })
	s.kickControl()
	return nil
}

// Faults returns the faults in effect, SetDelay included.
func (s *Sink) Faults() Faults {
	return s.faults.Load().spec.clone()
}

// SetDelay sets a fixed latency for calls that arrive from now on,
// replacing any latency distribution; a negative d means no latency. It is
// shorthand for changing Faults.Latency alone, and is safe to call at any
// time, from any goroutine.
func (s *Sink) SetDelay(d time.Duration) {
	s.updateFaults(func(f *faults) {
		f.spec.Latency = LatencyDist{Fixed: max(d, 0)}
		f.derive()
	})
}

// updateFaults publishes a copy of the current faults changed by fn. fn
// may run more than once.
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

// forever is a wait that only the client or Close can end.
const forever = time.Duration(math.MaxInt64)

// errClosing answers the calls a closing sink still holds.
var errClosing = status.Error(codes.Unavailable, "otelbench sink: closing")

// decide applies f to one Export call of the given number of spans whose
// client context is ctx, in the order documented on Faults. It returns how
// the call ends and, unless it is answered OK, the error to answer with.
func (s *Sink) decide(ctx context.Context, f *faults, spans int64) (outcome, error) {
	if f.blackHoleAt(time.Now()) {
		return s.ended(ctx, s.hold(ctx, forever))
	}
	var d draw
	if f.rng != nil {
		d = f.rng.draw()
	}
	if err := s.hold(ctx, f.latency(d)); err != nil {
		return s.ended(ctx, err)
	}
	if f.injected != nil && d.err < f.spec.ErrorRate {
		return rejected, f.injected
	}
	if f.bucket != nil {
		n := float64(spans)
		if err := s.hold(ctx, f.bucket.take(n, time.Now())); err != nil {
			f.bucket.giveBack(n)
			return s.ended(ctx, err)
		}
	}
	// The client may have given up just as the wait ended: it then
	// believes the export failed, so the sink must not count it as
	// received. A client deadline that passes after this check but before
	// the answer reaches it cannot be seen here; on loopback that window
	// is a few microseconds.
	if err := ctx.Err(); err != nil {
		return abandoned, status.FromContextError(err).Err()
	}
	return answered, nil
}

// hold waits for d, unless the client gives up (ctx's error) or the sink
// closes (errClosing) first. A d ≤ 0 returns nil at once.
func (s *Sink) hold(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return errClosing
	}
}

// ended returns how a call ends that hold cut short with err.
func (s *Sink) ended(ctx context.Context, err error) (outcome, error) {
	if errors.Is(err, errClosing) {
		return rejected, errClosing
	}
	return abandoned, status.FromContextError(ctx.Err()).Err()
}

// latency returns the latency of a call that drew d.
func (f *faults) latency(d draw) time.Duration {
	l := f.spec.Latency.Fixed
	if f.spec.Latency.P50 > 0 {
		l = lognormal(f.mu, f.sigma, d.z)
	}
	if f.spec.SpikeProb > 0 && d.spike < f.spec.SpikeProb {
		l += f.spec.SpikeLen
	}
	return l
}

// blackHoleAt reports whether t falls in a black hole.
func (f *faults) blackHoleAt(t time.Time) bool {
	if f.origin.IsZero() || len(f.spec.BlackHoles) == 0 {
		return false
	}
	in, _, _ := windowAt(f.spec.BlackHoles, t.Sub(f.origin))
	return in
}

// outageAt reports whether t falls in an outage and, when the answer
// changes later, at what time; next is zero when it never does.
func (f *faults) outageAt(t time.Time) (in bool, next time.Time) {
	if f.origin.IsZero() || len(f.spec.Outages) == 0 {
		return false, time.Time{}
	}
	in, edge, ok := windowAt(f.spec.Outages, t.Sub(f.origin))
	if !ok {
		return in, time.Time{}
	}
	return in, f.origin.Add(edge)
}

// windowAt reports whether offset at falls in one of ws (valid windows)
// and, when ok, the offset of the next edge where that changes.
func windowAt(ws []Window, at time.Duration) (in bool, edge time.Duration, ok bool) {
	for _, w := range ws {
		if at < w.From {
			return false, w.From, true
		}
		if w.To == 0 {
			return true, 0, false
		}
		if at < w.To {
			return true, w.To, true
		}
	}
	return false, 0, false
}
