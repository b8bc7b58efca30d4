package sink

import "sync/atomic"

// DefaultMaxInflightBytes is the limit on the bytes of Export requests a
// Sink holds at once (being checked, held by a fault, or being counted)
// when Options.MaxInflightBytes is zero: four requests of the largest
// size, or about 400 of the SDK's default batches of 512 spans.
const DefaultMaxInflightBytes = 4 * MaxRecvMsgSize

// budget bounds the bytes of requests in flight. A request takes its size
// when its body has been read and gives it back when it is answered; one
// that does not fit is refused at once rather than queued, so that memory
// stays bounded however many clients send at once.
type budget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n bytes and reports whether they fit under the limit.
func (b *budget) take(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// give returns n bytes taken by take.
func (b *budget) give(n int64) { b.used.Add(-n) }
