package sink

import (
	"encoding/binary"
	"sync"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"
)

// outcome is how one Export call ended, as seen by the sink.
type outcome int

const (
	// answered: the call was answered OK; its spans are received.
	answered outcome = iota
	// abandoned: the client gave up before the answer.
	abandoned
	// rejected: the sink answered with an error of its own.
	rejected
)

// ledger counts what a Sink receives. One mutex, taken once per Export
// call, guards everything, so a Reset never splits a call.
//
// Traces live in a slab indexed by a map rather than as map values or
// pointers: a span costs one map lookup and, for a new trace, no
// allocation beyond the amortised growth of the map and the slab.
type ledger struct {
	mu     sync.Mutex
	stats  Stats
	index  map[TraceID]int // position of each trace in traces
	traces []traceSpans
	since  time.Time
	// fresh and arrivals describe the distinct spans received in the
	// period: how long after their end, and when (ArrivalBucket buckets
	// from origin: since, or the start of the fault timeline).
	fresh    Freshness
	arrivals []int64
	origin   time.Time
}

// newLedger returns an empty ledger whose period starts at since.
func newLedger(since time.Time) *ledger {
	return &ledger{index: make(map[TraceID]int), since: since, origin: since}
}

// ArrivalIndex is the index of the ArrivalBucket that holds instant t on a
// timeline that starts at origin: (t − origin) / ArrivalBucket rounded
// down, negative before origin. The sink files its arrivals by it and the
// runner its requests, so that an arrival and a request at the same
// instant share a bucket.
func ArrivalIndex(origin, t time.Time) int {
	d := t.Sub(origin)
	i := int(d / ArrivalBucket)
	if d < 0 && d%ArrivalBucket != 0 {
		i--
	}
	return i
}

// startArrivals starts the arrival timeline of the period over, at t.
func (l *ledger) startArrivals(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.arrivals = nil
	l.origin = t
}

// record counts one Export call that ended with o and, when rejected,
// status code.
func (l *ledger) record(o outcome, code codes.Code, rss []*tracepb.ResourceSpans) {
	if o != answered {
		// Spans that were not received are only counted, so count them
		// before taking the lock.
		n := countSpans(rss)
		l.mu.Lock()
		if o == abandoned {
			l.stats.Abandoned++
			l.stats.AbandonedSpans += n
		} else {
			l.stats.Rejected++
			l.stats.RejectedSpans += n
			switch code {
			case codes.Unavailable:
				l.stats.RejectedUnavailable++
			case codes.ResourceExhausted:
				l.stats.RejectedResourceExhausted++
			case codes.Internal:
				l.stats.RejectedInternal++
			}
		}
		l.mu.Unlock()
		return
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	nowNano := now.UnixNano()
	l.stats.Requests++
	fresh := int64(0)
	for _, rs := range rss {
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				if l.add(sp) {
					fresh++
					l.fresh.add(time.Duration(nowNano - int64(sp.GetEndTimeUnixNano())))
				}
			}
		}
	}
	// Spans that arrive before the origin (a timeline started ahead of
	// now) are on no bucket.
	if b := min(ArrivalIndex(l.origin, now), maxArrivalBuckets-1); fresh > 0 && b >= 0 {
		if b >= len(l.arrivals) {
			l.arrivals = append(l.arrivals, make([]int64, b+1-len(l.arrivals))...)
		}
		l.arrivals[b] += fresh
	}
}

// add counts one received span and reports whether it is a distinct span
// seen for the first time (spans with invalid ids count as distinct).
// l.mu must be held.
func (l *ledger) add(sp *tracepb.Span) bool {
	server := sp.GetKind() == tracepb.Span_SPAN_KIND_SERVER
	l.stats.Spans++
	if server {
		l.stats.ServerSpans++
	}

	tid, sid := sp.GetTraceId(), sp.GetSpanId()
	if len(tid) != len(TraceID{}) || len(sid) != 8 {
		l.stats.InvalidIDs++
		return true
	}
	id := TraceID(tid)
	i, ok := l.index[id]
	if !ok {
		i = len(l.traces)
		l.traces = append(l.traces, traceSpans{})
		l.index[id] = i
	}
	// The byte order only has to be the same every time.
	if !l.traces[i].add(binary.LittleEndian.Uint64(sid), server) {
		l.stats.Duplicates++
		return false
	}
	return true
}

// relistenFailed counts an outage after which the sink could not listen
// again at once.
func (l *ledger) relistenFailed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stats.RelistenFailures++
}

// current returns the counters of the current period.
func (l *ledger) current() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// reset ends the current period, returns it, and starts a new one.
func (l *ledger) reset() Snapshot {
	index := make(map[TraceID]int) // allocated outside the lock

	l.mu.Lock()
	now := time.Now()
	snap := Snapshot{Stats: l.stats, Since: l.since, Until: now, Freshness: l.fresh, Arrivals: l.arrivals, ArrivalsFrom: l.origin}
	oldIndex, oldTraces := l.index, l.traces
	l.stats = Stats{}
	l.fresh = Freshness{}
	l.arrivals = nil
	l.index = index
	l.traces = nil
	l.since = now
	l.origin = now
	l.mu.Unlock()

	// The old period is private now: convert it without the lock, so
	// that Export calls keep flowing.
	snap.Traces = make(map[TraceID]TraceCount, len(oldIndex))
	for id, i := range oldIndex {
		snap.Traces[id] = oldTraces[i].count
	}
	return snap
}

// countSpans returns the number of spans in rss.
func countSpans(rss []*tracepb.ResourceSpans) int64 {
	var n int64
	for _, rs := range rss {
		for _, ss := range rs.GetScopeSpans() {
			n += int64(len(ss.GetSpans()))
		}
	}
	return n
}
