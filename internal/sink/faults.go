package sink

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
)

// Faults is the misbehaviour a Sink is asked for. The zero value is a
// well-behaved sink. Set it with Options.Faults or Sink.SetFaults, which
// check it with Validate.
//
// Each Export call goes through the faults in this order, all decided when
// the call arrives:
//
//  1. In a black hole, the call is never answered.
//  2. It is held for its latency: Latency, plus SpikeLen on a spike.
//  3. With probability ErrorRate it is then answered with ErrorCode
//     (Rejected); its spans are not received.
//  4. Otherwise, under a throughput cap, it waits until the cap lets its
//     spans through: the cap applies after the latency, so the rate of
//     spans answered OK never exceeds it, whatever the latency.
//  5. It is answered OK and its spans are received.
//
// A client that gives up at any step is counted as Abandoned. Outages act
// on connections instead: while one lasts, no call reaches the sink.
//
// Outages and BlackHoles are windows on a timeline that starts when the
// runner calls Sink.StartTimeline (at the start of each measurement); they
// do nothing until then. The other faults apply from the moment they are
// set.
type Faults struct {
	// Latency is how long each Export call is held before it is
	// answered.
	Latency LatencyDist
	// SpikeProb is the probability, in [0, 1], that an Export call is a
	// spike: SpikeLen is added to its latency.
	SpikeProb float64
	// SpikeLen is the latency a spike adds.
	SpikeLen time.Duration

	// ErrorRate is the fraction of Export calls, in [0, 1], answered
	// with ErrorCode.
	ErrorRate float64
	// ErrorCode is the gRPC status of an injected error:
	// codes.Unavailable, codes.ResourceExhausted or codes.Internal
	// (codes.Code unmarshals from JSON names such as "UNAVAILABLE").
	// The otlptracegrpc exporter retries UNAVAILABLE, retries
	// RESOURCE_EXHAUSTED only when it carries RetryInfo, and never
	// retries INTERNAL.
	ErrorCode codes.Code
	// RetryAfter, when positive, attaches a google.rpc.RetryInfo with
	// this retry delay to each injected error: a server asking its
	// clients to wait. Not allowed with codes.Internal.
	RetryAfter time.Duration

	// Outages are windows in which the sink refuses connections: its
	// socket is closed, with every open connection, and opened again on
	// the same address when the window ends. A call in flight when an
	// outage begins fails on the client and is counted as Abandoned.
	Outages []Window
	// BlackHoles are windows in which the sink accepts connections and
	// calls but never answers them. A call that arrives in a black hole
	// is held until its client gives up (Abandoned) or the sink closes
	// (Rejected), even after the window ends, like a request lost on the
	// way.
	BlackHoles []Window

	// CapSpansPerSec, when positive, caps the rate of spans the sink
	// accepts: a token bucket that fills at this rate; a call of n spans
	// waits until n tokens are available and takes them. Calls that wait
	// longer than their client does give their tokens back.
	CapSpansPerSec float64
	// CapBurst is the capacity of the bucket, in spans, which starts
	// full; zero means one second's worth, CapSpansPerSec. A call larger
	// than the burst still passes, after waiting for the tokens it lacks.
	CapBurst float64

	// Seed seeds the pseudo-random choices (latency distribution, spikes,
	// errors), so that a run can be repeated: the same seed with the same
	// order of calls makes the same choices. Every SetFaults and
	// StartTimeline starts the sequence again. Zero is a seed like any
	// other.
	Seed uint64
}

// LatencyDist is a distribution of latency per Export call: fixed, or
// lognormal given its median and 99th percentile. The zero value means no
// latency.
type LatencyDist struct {
	// Fixed is the latency of every call. It excludes P50 and P99.
	Fixed time.Duration
	// P50 and P99 set a lognormal distribution with this median and
	// 99th percentile: mu = ln(P50), sigma = (ln(P99) − ln(P50)) / z,
	// z = 2.3263, the 0.99 quantile of the standard normal. Both or
	// neither must be set, and P99 ≥ P50 (equal means fixed).
	P50, P99 time.Duration
}

// Window is a span of time on the fault timeline, relative to the time
// given to Sink.StartTimeline: it begins at From and ends at To. A zero To
// means no end: the window lasts until the timeline stops, so
// Window{} covers a whole measurement.
type Window struct {
	From, To time.Duration
}

// errorCodeNames maps the gRPC status codes a Sink can inject to their
// canonical names.
var errorCodeNames = map[codes.Code]string{
	codes.Unavailable:       "UNAVAILABLE",
	codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.Internal:          "INTERNAL",
}

// Validate reports every problem with f, each naming its field, joined
// with errors.Join; nil when f is valid.
func (f Faults) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("sink faults: "+format, args...))
	}

	l := f.Latency
	switch {
	case l.Fixed < 0 || l.P50 < 0 || l.P99 < 0:
		bad("Latency %+v has a negative duration", l)
	case l.Fixed > 0 && (l.P50 > 0 || l.P99 > 0):
		bad("Latency.Fixed %v and Latency.P50/P99 are both set; give one or the other", l.Fixed)
	case (l.P50 > 0) != (l.P99 > 0):
		bad("Latency.P50 %v and Latency.P99 %v: set both or neither", l.P50, l.P99)
	case l.P99 < l.P50:
		bad("Latency.P99 %v is below Latency.P50 %v", l.P99, l.P50)
	}

	if !inUnit(f.SpikeProb) {
		bad("SpikeProb %v is not in [0, 1]", f.SpikeProb)
	}
	if f.SpikeLen < 0 {
		bad("SpikeLen %v is negative", f.SpikeLen)
	} else if f.SpikeProb > 0 && f.SpikeLen == 0 {
		bad("SpikeProb %v needs a positive SpikeLen", f.SpikeProb)
	}

	if !inUnit(f.ErrorRate) {
		bad("ErrorRate %v is not in [0, 1]", f.ErrorRate)
	}
	if _, ok := errorCodeNames[f.ErrorCode]; !ok && (f.ErrorRate > 0 || f.ErrorCode != codes.OK) {
		bad("ErrorCode %v is not one the sink injects (UNAVAILABLE, RESOURCE_EXHAUSTED, INTERNAL)", f.ErrorCode)
	}
	if f.RetryAfter < 0 {
		bad("RetryAfter %v is negative", f.RetryAfter)
	} else if f.RetryAfter > 0 && f.ErrorCode == codes.Internal {
		bad("RetryAfter %v means nothing with ErrorCode INTERNAL, which clients do not retry", f.RetryAfter)
	}

	errs = append(errs, validWindows("Outages", f.Outages)...)
	errs = append(errs, validWindows("BlackHoles", f.BlackHoles)...)

	if f.CapSpansPerSec < 0 || math.IsNaN(f.CapSpansPerSec) || math.IsInf(f.CapSpansPerSec, 0) {
		bad("CapSpansPerSec %v is not a finite rate ≥ 0", f.CapSpansPerSec)
	}
	if f.CapBurst < 0 || math.IsNaN(f.CapBurst) || math.IsInf(f.CapBurst, 0) {
		bad("CapBurst %v is not a finite count ≥ 0", f.CapBurst)
	} else if f.CapBurst > 0 && !(f.CapSpansPerSec > 0) {
		bad("CapBurst %v needs a CapSpansPerSec", f.CapBurst)
	}
	return errors.Join(errs...)
}

// validWindows checks that ws are well formed, in order and apart.
func validWindows(field string, ws []Window) []error {
	var errs []error
	for i, w := range ws {
		name := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case w.From < 0:
			errs = append(errs, fmt.Errorf("sink faults: %s.From %v is negative", name, w.From))
		case w.To != 0 && w.To <= w.From:
			errs = append(errs, fmt.Errorf("sink faults: %s ends at %v, not after it begins at %v", name, w.To, w.From))
		case w.To == 0 && i < len(ws)-1:
			errs = append(errs, fmt.Errorf("sink faults: %s has no end (To 0) but is not the last window", name))
		}
		if i > 0 {
			if prev := ws[i-1]; prev.To != 0 && w.From < prev.To {
				errs = append(errs, fmt.Errorf("sink faults: %s begins at %v, before %s[%d] ends at %v: windows must be in order and must not overlap",
					name, w.From, field, i-1, prev.To))
			}
		}
	}
	return errs
}

// inUnit reports whether x is in [0, 1]; NaN is not.
func inUnit(x float64) bool { return x >= 0 && x <= 1 }

// Active describes, one line each, the faults f configures, for a report;
// it is empty for a well-behaved sink. f is assumed valid.
func (f Faults) Active() []string {
	var out []string
	switch l := f.Latency; {
	case l.Fixed > 0:
		out = append(out, fmt.Sprintf("latency: %v per export", l.Fixed))
	case l.P50 > 0:
		out = append(out, fmt.Sprintf("latency: lognormal per export, p50 %v, p99 %v", l.P50, l.P99))
	}
	if f.SpikeProb > 0 {
		out = append(out, fmt.Sprintf("latency spikes: +%v on %s of exports", f.SpikeLen, percent(f.SpikeProb)))
	}
	if f.ErrorRate > 0 {
		s := fmt.Sprintf("errors: %s of exports answered %s", percent(f.ErrorRate), errorCodeNames[f.ErrorCode])
		if f.RetryAfter > 0 {
			s += fmt.Sprintf(" with RetryInfo %v", f.RetryAfter)
		}
		out = append(out, s)
	}
	for _, w := range f.Outages {
		out = append(out, fmt.Sprintf("outage: %s (connections refused)", w))
	}
	for _, w := range f.BlackHoles {
		out = append(out, fmt.Sprintf("black hole: %s (exports never answered)", w))
	}
	if f.CapSpansPerSec > 0 {
		out = append(out, fmt.Sprintf("throughput cap: %s spans/s, burst %s spans, after the latency",
			num(f.CapSpansPerSec), num(f.burst())))
	}
	if f.random() {
		out = append(out, fmt.Sprintf("seed: %d", f.Seed))
	}
	return out
}

// String returns the window as "10s to 20s" or "10s to the end", times
// from the start of the timeline.
func (w Window) String() string {
	if w.To == 0 {
		return fmt.Sprintf("%v to the end", w.From)
	}
	return fmt.Sprintf("%v to %v", w.From, w.To)
}

// burst returns the capacity of the token bucket in spans.
func (f Faults) burst() float64 {
	if f.CapBurst > 0 {
		return f.CapBurst
	}
	return f.CapSpansPerSec
}

// random reports whether f makes pseudo-random choices.
func (f Faults) random() bool {
	return f.Latency.P50 > 0 || f.SpikeProb > 0 || f.ErrorRate > 0
}

// clone returns a copy of f that shares no slice with it.
func (f Faults) clone() Faults {
	f.Outages = slices.Clone(f.Outages)
	f.BlackHoles = slices.Clone(f.BlackHoles)
	return f
}

// percent formats a fraction as a percentage: 0.005 is "0.5%".
func percent(x float64) string { return num(100*x) + "%" }

// num formats x with at most six significant digits and no exponent, so
// that 100·0.07 prints as 7.
func num(x float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}
