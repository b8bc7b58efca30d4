package sink

import (
	"sync"
	"time"
)

// bucket is the token bucket of a throughput cap, one token per span. A
// call takes its tokens at once, driving the balance below zero when they
// are not there yet, and waits until the balance it owes is repaid: calls
// are served in the order they ask, and a call larger than the burst
// still passes. Over any interval T, the spans let through never exceed
// burst + rate·T.
type bucket struct {
	rate  float64 // tokens per second
	burst float64 // capacity

	mu     sync.Mutex
	tokens float64 // may be negative: tokens promised to waiting calls
	last   time.Time
}

// newBucket returns a full bucket.
func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take takes n tokens at time now and returns how long the caller must
// wait before they are its to use.
func (b *bucket) take(n float64, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	b.tokens -= n
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// giveBack returns n tokens taken by a call that did not use them,
// because its client gave up while it waited.
func (b *bucket) giveBack(n float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.burst, b.tokens+n)
}
