package sink

// TraceIndex tells a Sink how the load generator numbers its traces, so
// that the sink can count them in a table indexed by item number instead
// of a map keyed by trace id: a few bytes per request (the span ids that
// exact duplicate detection needs, and two counts), allocated a page at a
// time, with no per-trace allocation and nothing for the garbage collector
// to scan. The zero value means no index: every trace goes to the map.
//
// The runner derives each request's trace id from its item number by a
// bijection, so both directions are cheap and need no table.
type TraceIndex struct {
	// Item returns the item number of a trace id the load generator
	// derived, and false for any other id. It must be safe for concurrent
	// use and fast: the sink calls it for every span.
	Item func(id TraceID) (n uint64, ok bool)
	// ID returns the trace id of item n; Item(ID(n)) must be n, true.
	ID func(n uint64) TraceID
	// Spans is how many spans each trace is expected to hold: the table
	// keeps that many span ids per item (between 1 and 16; 4 when zero).
	// A trace with more spans is still counted exactly, in a map of its
	// own.
	Spans int
}

// enabled reports whether ix is an index rather than the zero value.
func (ix TraceIndex) enabled() bool { return ix.Item != nil && ix.ID != nil }

// slots returns how many span ids the table keeps per item.
func (ix TraceIndex) slots() int {
	switch {
	case ix.Spans <= 0:
		return inlineSpans
	case ix.Spans > maxItemSlots:
		return maxItemSlots
	default:
		return ix.Spans
	}
}

// item returns the item number of id when the table holds its trace.
func (ix TraceIndex) item(id TraceID) (uint64, bool) {
	if !ix.enabled() {
		return 0, false
	}
	n, ok := ix.Item(id)
	return n, ok && n < maxItems
}

const (
	// itemPageBits sets the page size of an item table: 4096 items.
	itemPageBits = 12
	itemPageSize = 1 << itemPageBits
	// maxItems bounds the item numbers an item table holds, and so its
	// page directory (64 Ki pointers at most); a trace of a larger item
	// is counted in the map. At 20,000 requests per second it is more
	// than three hours of one cell.
	maxItems = 1 << 28
	// maxItemSlots bounds TraceIndex.Spans.
	maxItemSlots = 16
	// overflowed marks an item whose spans moved to itemTable.over.
	overflowed = 0xff
)

// itemTable counts the distinct spans of the traces a TraceIndex knows,
// by item number.
type itemTable struct {
	slots  int
	pages  []*itemPage
	over   map[uint64]*traceSpans // items with more than slots spans
	traces int                    // items with at least one span
}

// itemPage holds itemPageSize consecutive items.
type itemPage struct {
	spans  [itemPageSize]uint8 // distinct spans, up to slots, or overflowed
	server [itemPageSize]uint8 // how many of them are SERVER spans
	ids    []uint64            // slots span ids per item
}

// newItemTable returns an empty table that keeps slots span ids per item.
func newItemTable(slots int) *itemTable {
	return &itemTable{slots: slots}
}

// add records span sid of item n, a SERVER span when server is true, and
// reports whether it is new. The page directory grows to n: callers keep
// n below maxItems, or dense.
func (t *itemTable) add(n, sid uint64, server bool) bool {
	pi := int(n >> itemPageBits)
	if pi >= len(t.pages) {
		t.pages = append(t.pages, make([]*itemPage, pi+1-len(t.pages))...)
	}
	p := t.pages[pi]
	if p == nil {
		p = &itemPage{ids: make([]uint64, itemPageSize*t.slots)}
		t.pages[pi] = p
	}
	i := int(n & (itemPageSize - 1))
	c := int(p.spans[i])
	if c == overflowed {
		return t.over[n].add(sid, server)
	}
	ids := p.ids[i*t.slots : i*t.slots+c]
	for _, id := range ids {
		if id == sid {
			return false
		}
	}
	if c == t.slots {
		// One span more than the table keeps: the item moves to a set
		// of its own, counts and all.
		ts := &traceSpans{}
		for _, id := range ids {
			ts.add(id, false)
		}
		ts.count.ServerSpans = int32(p.server[i])
		ts.add(sid, server)
		if t.over == nil {
			t.over = make(map[uint64]*traceSpans)
		}
		t.over[n] = ts
		p.spans[i] = overflowed
		return true
	}
	if c == 0 {
		t.traces++
	}
	p.ids[i*t.slots+c] = sid
	p.spans[i]++
	if server {
		p.server[i]++
	}
	return true
}

// put counts item n, not counted yet, with count c and span ids ids: a
// trace that moves here from elsewhere (see ledger.setIndex).
func (t *itemTable) put(n uint64, c TraceCount, ids []uint64) {
	if len(ids) == 0 {
		return
	}
	t.add(n, ids[0], false) // allocates the page and counts the item
	p, i := t.pages[n>>itemPageBits], int(n&(itemPageSize-1))
	if len(ids) <= t.slots {
		copy(p.ids[i*t.slots:], ids)
		p.spans[i] = uint8(len(ids))       //nolint:gosec // at most maxItemSlots
		p.server[i] = uint8(c.ServerSpans) //nolint:gosec // at most the spans
		return
	}
	ts := &traceSpans{}
	for _, id := range ids {
		ts.add(id, false)
	}
	ts.count.ServerSpans = c.ServerSpans
	if t.over == nil {
		t.over = make(map[uint64]*traceSpans)
	}
	t.over[n] = ts
	p.spans[i] = overflowed
}

// count returns the distinct spans received for item n.
func (t *itemTable) count(n uint64) TraceCount {
	pi := int(n >> itemPageBits)
	if pi >= len(t.pages) || t.pages[pi] == nil {
		return TraceCount{}
	}
	p, i := t.pages[pi], n&(itemPageSize-1)
	if p.spans[i] == overflowed {
		return t.over[n].count
	}
	return TraceCount{Spans: int32(p.spans[i]), ServerSpans: int32(p.server[i])}
}

// appendIDs appends the span ids of item n to buf.
func (t *itemTable) appendIDs(n uint64, buf []uint64) []uint64 {
	pi := int(n >> itemPageBits)
	if pi >= len(t.pages) || t.pages[pi] == nil {
		return buf
	}
	p, i := t.pages[pi], int(n&(itemPageSize-1))
	c := int(p.spans[i])
	if c == overflowed {
		return t.over[n].appendIDs(buf)
	}
	return append(buf, p.ids[i*t.slots:i*t.slots+c]...)
}

// each calls fn for every item with at least one span, in item order,
// with its count and its span ids (valid only during the call).
func (t *itemTable) each(fn func(n uint64, c TraceCount, ids []uint64)) {
	var buf []uint64
	for pi, p := range t.pages {
		if p == nil {
			continue
		}
		for i := range itemPageSize {
			c := int(p.spans[i])
			if c == 0 {
				continue
			}
			n := uint64(pi)<<itemPageBits | uint64(i)
			if c == overflowed {
				ts := t.over[n]
				buf = ts.appendIDs(buf[:0])
				fn(n, ts.count, buf)
				continue
			}
			fn(n, TraceCount{Spans: int32(c), ServerSpans: int32(p.server[i])}, p.ids[i*t.slots:i*t.slots+c])
		}
	}
}

// ItemCounts is the part of a Snapshot that a TraceIndex knew: the
// distinct spans of each trace, by item number.
type ItemCounts struct {
	index TraceIndex
	table *itemTable
}

// Count returns the distinct spans received for the trace of item n.
func (c *ItemCounts) Count(n uint64) TraceCount {
	if c == nil {
		return TraceCount{}
	}
	return c.table.count(n)
}

// Len returns the number of items whose trace delivered at least one span.
func (c *ItemCounts) Len() int {
	if c == nil {
		return 0
	}
	return c.table.traces
}

// Each calls fn for every item whose trace delivered at least one span,
// in item order, with its trace id and count.
func (c *ItemCounts) Each(fn func(n uint64, id TraceID, tc TraceCount)) {
	if c == nil {
		return
	}
	c.table.each(func(n uint64, tc TraceCount, _ []uint64) { fn(n, c.index.ID(n), tc) })
}
