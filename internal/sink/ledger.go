package sink

import (
	"encoding/binary"
	"sync"
	"time"

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
// The traces a TraceIndex knows are counted in an item table (items.go);
// the others live in a slab indexed by a map rather than as map values or
// pointers: a span costs one map lookup and, for a new trace, no
// allocation beyond the amortised growth of the map and the slab.
type ledger struct {
	mu     sync.Mutex
	stats  Stats
	index  map[TraceID]int // position of each trace in traces
	traces []traceSpans
	// last is the trace of the last span counted in the map, and lastAt
	// its position in traces (-1: none): the spans of a trace mostly come
	// one after another, and then need no map lookup.
	last   TraceID
	lastAt int
	// ix is the TraceIndex in effect, items its table (nil without one).
	ix    TraceIndex
	items *itemTable
	since time.Time
	// fresh and arrivals describe the distinct spans received in the
	// period: how long after their end, and when (ArrivalBucket buckets
	// from origin: since, or the start of the fault timeline).
	fresh    Freshness
	arrivals []int64
	origin   time.Time
}

// newLedger returns an empty ledger whose period starts at since.
func newLedger(since time.Time) *ledger {
	return &ledger{index: make(map[TraceID]int), lastAt: -1, since: since, origin: since}
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

// refused counts one Export call of n spans that ended with o (not
// answered) and, when rejected, status code.
func (l *ledger) refused(o outcome, code codes.Code, n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if o == abandoned {
		l.stats.Abandoned++
		l.stats.AbandonedSpans += n
		return
	}
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

// recordWire counts one Export call that ended with o and, when rejected,
// status code: body is the request, already checked by walkExport, which
// found spans spans in it.
func (l *ledger) recordWire(o outcome, code codes.Code, body []byte, spans int64) {
	if o != answered {
		l.refused(o, code, spans)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	nowNano := now.UnixNano()
	l.stats.Requests++
	fresh := int64(0)
	// The body was checked: the walk cannot fail now.
	_, _ = walkExport(body, func(_ *wireResource, sp *wireSpan) {
		if l.add(sp.TraceID, sp.SpanID, sp.Kind == SpanKindServer) {
			fresh++
			l.fresh.add(time.Duration(nowNano - int64(sp.EndTimeUnixNano))) //nolint:gosec // OTLP timestamps fit in int64 until 2262
		}
	})
	l.arrived(now, fresh)
}

// arrived files fresh distinct spans received at now on the arrival
// timeline. l.mu must be held.
func (l *ledger) arrived(now time.Time, fresh int64) {
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
func (l *ledger) add(tid, sid []byte, server bool) bool {
	l.stats.Spans++
	if server {
		l.stats.ServerSpans++
	}
	if len(tid) != len(TraceID{}) || len(sid) != 8 {
		l.stats.InvalidIDs++
		return true
	}
	id := TraceID(tid)
	// The byte order only has to be the same every time.
	s := binary.LittleEndian.Uint64(sid)
	var isNew bool
	if n, ok := l.ix.item(id); ok {
		isNew = l.items.add(n, s, server)
	} else {
		isNew = l.trace(id).add(s, server)
	}
	if !isNew {
		l.stats.Duplicates++
	}
	return isNew
}

// trace returns the span set of trace id in the map, adding an empty one
// if need be. l.mu must be held.
func (l *ledger) trace(id TraceID) *traceSpans {
	if l.lastAt >= 0 && id == l.last {
		return &l.traces[l.lastAt]
	}
	i, ok := l.index[id]
	if !ok {
		i = len(l.traces)
		l.traces = append(l.traces, traceSpans{})
		l.index[id] = i
	}
	l.last, l.lastAt = id, i
	return &l.traces[i]
}

// setIndex puts ix in effect at once. Traces already counted move to
// where ix says they belong, so that each trace is counted in one place.
func (l *ledger) setIndex(ix TraceIndex) {
	l.mu.Lock()
	defer l.mu.Unlock()
	oldItems, oldIx := l.items, l.ix
	l.ix, l.items = ix, nil
	if ix.enabled() {
		l.items = newItemTable(ix.slots())
	}
	if len(l.index) > 0 && ix.enabled() {
		index, traces := l.index, l.traces
		l.index, l.traces, l.lastAt = make(map[TraceID]int, len(index)), nil, -1
		var buf []uint64
		for id, i := range index {
			buf = traces[i].appendIDs(buf[:0])
			l.place(id, traces[i].count, buf)
		}
	}
	if oldItems != nil {
		oldItems.each(func(n uint64, c TraceCount, ids []uint64) { l.place(oldIx.ID(n), c, ids) })
	}
}

// place counts trace id, with count c and span ids ids, where l.ix says
// it belongs. The trace must not be counted yet. l.mu must be held.
func (l *ledger) place(id TraceID, c TraceCount, ids []uint64) {
	if n, ok := l.ix.item(id); ok {
		l.items.put(n, c, ids)
		return
	}
	ts := l.trace(id)
	for _, sid := range ids {
		ts.add(sid, false)
	}
	ts.count.ServerSpans = c.ServerSpans
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
	if l.items != nil {
		snap.Items = &ItemCounts{index: l.ix, table: l.items}
		l.items = newItemTable(l.ix.slots())
	}
	oldIndex, oldTraces := l.index, l.traces
	l.stats = Stats{}
	l.fresh = Freshness{}
	l.arrivals = nil
	l.index = index
	l.traces = nil
	l.lastAt = -1
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
