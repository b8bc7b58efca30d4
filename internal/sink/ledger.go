package sink

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
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
// The traces a TraceIndex knows are counted in an item table (items.go)
// by item number. The others get numbers of their own, in the order they
// come, and are counted in a second item table, dense: a new trace costs a
// map entry, its id and a few bytes of a page, and nothing holds a
// pointer for the garbage collector to follow. The map is keyed by the low
// half of the trace id, random in W3C ids, which Go's maps look up several
// times faster than a 16-byte key; a trace whose low half another has
// taken goes to a second map, keyed by its whole id.
type ledger struct {
	mu    sync.Mutex
	stats Stats
	index map[uint64]uint32  // low half of the trace id → number in dense
	clash map[TraceID]uint32 // the numbers of traces whose low half was taken
	ids   []TraceID          // the trace id of each number
	dense *itemTable
	// last is the trace of the last span counted in the map, and lastN
	// its number (-1: none): the spans of a trace mostly come one after
	// another, and then need no map lookup.
	last  TraceID
	lastN int64
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
	// transport and resources describe how calls came, and from whom.
	transport Transport
	resources []Resource
	// wire counts the bytes read from the exporters' connections in the
	// period (Transport.WireBytes). It is atomic, outside mu, since every
	// read of a connection adds to it.
	wire atomic.Int64
}

// newLedger returns an empty ledger whose period starts at since.
func newLedger(since time.Time) *ledger {
	return &ledger{index: make(map[uint64]uint32), dense: newItemTable(inlineSpans), lastN: -1, since: since, origin: since}
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

// spanRecord is what the ledger reads of one span, copied out of the
// request so that counting it needs no second walk over the bytes.
type spanRecord struct {
	traceID TraceID
	spanID  uint64 // the span id's bytes, little endian
	end     uint64 // end time, Unix nanoseconds
	valid   bool   // a 16-byte trace id and an 8-byte span id
	server  bool   // kind SERVER
}

// newSpanRecord copies what the ledger reads of sp.
func newSpanRecord(sp *wireSpan) spanRecord {
	r := spanRecord{end: sp.EndTimeUnixNano, server: sp.Kind == SpanKindServer}
	if len(sp.TraceID) == len(TraceID{}) && len(sp.SpanID) == 8 {
		r.valid = true
		r.traceID = TraceID(sp.TraceID)
		r.spanID = binary.LittleEndian.Uint64(sp.SpanID)
	}
	return r
}

// recordSpans counts one Export call as recordWire does, from the
// records of its spans.
func (l *ledger) recordSpans(o outcome, code codes.Code, recs []spanRecord) {
	if o != answered {
		l.refused(o, code, int64(len(recs)))
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	nowNano := now.UnixNano()
	l.stats.Requests++
	fresh := int64(0)
	for i := range recs {
		r := &recs[i]
		var isNew bool
		if r.valid {
			isNew = l.addID(r.traceID, r.spanID, r.server)
		} else {
			isNew = l.addInvalid(r.server)
		}
		if isNew {
			fresh++
			l.fresh.add(time.Duration(nowNano - int64(r.end))) //nolint:gosec // OTLP timestamps fit in int64 until 2262
		}
	}
	l.arrived(now, fresh)
}

// add counts one received span and reports whether it is a distinct span
// seen for the first time (spans with invalid ids count as distinct).
// l.mu must be held.
func (l *ledger) add(tid, sid []byte, server bool) bool {
	if len(tid) != len(TraceID{}) || len(sid) != 8 {
		return l.addInvalid(server)
	}
	// The byte order only has to be the same every time.
	return l.addID(TraceID(tid), binary.LittleEndian.Uint64(sid), server)
}

// addInvalid counts a span whose ids are not valid. l.mu must be held.
func (l *ledger) addInvalid(server bool) bool {
	l.stats.Spans++
	if server {
		l.stats.ServerSpans++
	}
	l.stats.InvalidIDs++
	return true
}

// addID counts span sid of trace id and reports whether it is new. l.mu
// must be held.
func (l *ledger) addID(id TraceID, sid uint64, server bool) bool {
	l.stats.Spans++
	if server {
		l.stats.ServerSpans++
	}
	var isNew bool
	if n, ok := l.ix.item(id); ok {
		isNew = l.items.add(n, sid, server)
	} else {
		isNew = l.dense.add(l.number(id), sid, server)
	}
	if !isNew {
		l.stats.Duplicates++
	}
	return isNew
}

// number returns the number of trace id in l.dense, giving it the next
// one if it has none. l.mu must be held.
func (l *ledger) number(id TraceID) uint64 {
	if l.lastN >= 0 && id == l.last {
		return uint64(l.lastN)
	}
	low := binary.LittleEndian.Uint64(id[8:])
	n, ok := l.index[low]
	switch {
	case !ok:
		n = l.next(id)
		l.index[low] = n
	case l.ids[n] != id:
		if n, ok = l.clash[id]; !ok {
			if l.clash == nil {
				l.clash = make(map[TraceID]uint32)
			}
			n = l.next(id)
			l.clash[id] = n
		}
	}
	l.last, l.lastN = id, int64(n)
	return uint64(n)
}

// next gives trace id the next number. l.mu must be held.
func (l *ledger) next(id TraceID) uint32 {
	n := uint32(len(l.ids)) //nolint:gosec // 4 billion traces in a period would take hundreds of GB first
	l.ids = append(l.ids, id)
	return n
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
	var buf []uint64
	if len(l.ids) > 0 && ix.enabled() {
		ids, dense := l.ids, l.dense
		l.index, l.clash, l.ids = make(map[uint64]uint32, len(ids)), nil, nil
		l.dense, l.lastN = newItemTable(inlineSpans), -1
		for n, id := range ids {
			buf = dense.appendIDs(uint64(n), buf[:0])
			l.place(id, dense.count(uint64(n)), buf)
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
	l.dense.put(l.number(id), c, ids)
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
	index := make(map[uint64]uint32) // allocated outside the lock

	l.mu.Lock()
	now := time.Now()
	snap := Snapshot{Stats: l.stats, Since: l.since, Until: now, Freshness: l.fresh, Arrivals: l.arrivals, ArrivalsFrom: l.origin,
		Transport: l.transport, Resources: l.resources}
	snap.Transport.WireBytes = l.wire.Swap(0)
	if l.items != nil {
		snap.Items = &ItemCounts{index: l.ix, table: l.items}
		l.items = newItemTable(l.ix.slots())
	}
	oldIDs, oldDense := l.ids, l.dense
	l.stats = Stats{}
	l.transport, l.resources = Transport{}, nil
	l.fresh = Freshness{}
	l.arrivals = nil
	l.index, l.clash, l.ids = index, nil, nil
	l.dense = newItemTable(inlineSpans)
	l.lastN = -1
	l.since = now
	l.origin = now
	l.mu.Unlock()

	// The old period is private now: convert it without the lock, so
	// that Export calls keep flowing.
	snap.Traces = make(map[TraceID]TraceCount, len(oldIDs))
	for n, id := range oldIDs {
		snap.Traces[id] = oldDense.count(uint64(n))
	}
	return snap
}
