package profile

import (
	"math"
	"time"
)

// Hits returns how many requests an attack at rate per second, with burst b
// (nil: none), has due by elapsed: the integral of its rate.
func (b *Burst) Hits(rate float64, elapsed time.Duration) float64 {
	t := elapsed.Seconds()
	if b == nil {
		return rate * t
	}
	at, end := b.At.D().Seconds(), (b.At.D() + b.Length.D()).Seconds()
	switch {
	case t <= at:
		return rate * t
	case t <= end:
		return rate*at + rate*b.Factor*(t-at)
	default:
		return rate*at + rate*b.Factor*(end-at) + rate*(t-end)
	}
}

// Due returns when request number n (from 0) of such an attack is due, from
// its start: the inverse of Hits.
func (b *Burst) Due(rate, n float64) time.Duration {
	if b == nil {
		return time.Duration(math.Ceil(n / rate * 1e9))
	}
	at, end := b.At.D().Seconds(), (b.At.D() + b.Length.D()).Seconds()
	before := rate * at
	during := rate * b.Factor * (end - at)
	var t float64
	switch {
	case n <= before:
		t = n / rate
	case n <= before+during:
		t = at + (n-before)/(rate*b.Factor)
	default:
		t = end + (n-before-during)/rate
	}
	return time.Duration(math.Ceil(t * 1e9))
}

// RateAt returns the request rate at elapsed.
func (b *Burst) RateAt(rate float64, elapsed time.Duration) float64 {
	if b != nil && elapsed >= b.At.D() && elapsed < b.At.D()+b.Length.D() {
		return rate * b.Factor
	}
	return rate
}
