package sink

// inlineSpans is how many span ids a trace keeps without allocating:
// enough for a SERVER span and a few children, the usual shape.
const inlineSpans = 4

// scanLimit is how many span ids a trace keeps in a plain list, searched
// one by one, before it switches to a hash set.
const scanLimit = 64

// traceSpans is the set of distinct span ids received for one trace, with
// their counts. Most traces hold a handful of spans, for which a linear
// scan of an inline array beats any hash set and allocates nothing; a
// large trace moves to a map so that it never costs quadratic time.
type traceSpans struct {
	count  TraceCount
	inline [inlineSpans]uint64
	more   []uint64            // ids after the inline ones, up to scanLimit in all
	set    map[uint64]struct{} // every id, once there are more than scanLimit
}

// add records span id sid, of a SERVER span when server is true. It
// returns false, changing nothing, when sid is already in the set.
func (t *traceSpans) add(sid uint64, server bool) bool {
	if !t.insert(sid) {
		return false
	}
	t.count.Spans++
	if server {
		t.count.ServerSpans++
	}
	return true
}

// insert adds sid to the set and reports whether it was new.
func (t *traceSpans) insert(sid uint64) bool {
	if t.set != nil {
		if _, dup := t.set[sid]; dup {
			return false
		}
		t.set[sid] = struct{}{}
		return true
	}

	n := int(t.count.Spans)
	for _, id := range t.inline[:min(n, inlineSpans)] {
		if id == sid {
			return false
		}
	}
	for _, id := range t.more {
		if id == sid {
			return false
		}
	}
	switch {
	case n < inlineSpans:
		t.inline[n] = sid
	case n < scanLimit:
		t.more = append(t.more, sid)
	default:
		t.set = make(map[uint64]struct{}, 2*n)
		for _, id := range t.inline {
			t.set[id] = struct{}{}
		}
		for _, id := range t.more {
			t.set[id] = struct{}{}
		}
		t.set[sid] = struct{}{}
		t.more = nil
	}
	return true
}

// appendIDs appends the span ids of the set to buf, in no particular
// order.
func (t *traceSpans) appendIDs(buf []uint64) []uint64 {
	if t.set != nil {
		for id := range t.set {
			buf = append(buf, id)
		}
		return buf
	}
	buf = append(buf, t.inline[:min(int(t.count.Spans), inlineSpans)]...)
	return append(buf, t.more...)
}
