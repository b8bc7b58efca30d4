package runner

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// traceIDs derives a unique trace id from each request's item number, so the
// sink's trace ids can be matched to requests exactly without keeping a table:
// the high 8 bytes are a per-cell random prefix, the low 8 bytes a bijective
// mix of the item number (random-looking, as TraceIDRatioBased expects).
type traceIDs struct {
	prefix [8]byte
}

func newTraceIDs() traceIDs {
	var t traceIDs
	for t.prefix == [8]byte{} {
		_, _ = rand.Read(t.prefix[:])
	}
	return t
}

// mix64 is the splitmix64 finaliser: a bijection on uint64.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unmix64 is the inverse of mix64: each xor-shift undone by repeating it,
// each multiplication by the inverse of its odd constant modulo 2^64.
func unmix64(x uint64) uint64 {
	x ^= x>>31 ^ x>>62
	x *= 0x319642b2d24d8ec3
	x ^= x>>27 ^ x>>54
	x *= 0x96de1b173f119089
	x ^= x>>30 ^ x>>60
	return x
}

// item returns the item number of a trace id that traceID derived, and
// false for one with another prefix.
func (t traceIDs) item(id sink.TraceID) (uint64, bool) {
	if [8]byte(id[:8]) != t.prefix {
		return 0, false
	}
	return unmix64(binary.BigEndian.Uint64(id[8:])), true
}

// index returns the bijection as the sink takes it, for traces of spans
// spans each: the sink then counts them by item number, in a table.
func (t traceIDs) index(spans int) sink.TraceIndex {
	return sink.TraceIndex{Item: t.item, ID: t.traceID, Spans: spans}
}

// traceID returns the trace id of item n.
func (t traceIDs) traceID(n uint64) sink.TraceID {
	var id sink.TraceID
	copy(id[:8], t.prefix[:])
	binary.BigEndian.PutUint64(id[8:], mix64(n))
	return id
}

// traceparent returns a sampled W3C traceparent for item n, with a parent
// span id derived from n (never zero).
func (t traceIDs) traceparent(n uint64) string {
	id := t.traceID(n)
	var span [8]byte
	binary.BigEndian.PutUint64(span[:], mix64(n^0x5bd1e9955bd1e995)|1)
	return "00-" + hex.EncodeToString(id[:]) + "-" + hex.EncodeToString(span[:]) + "-01"
}

// itemFromURL returns the item number at the end of a /process/{n} URL.
func itemFromURL(u string) (uint64, error) {
	i := strings.LastIndexByte(u, '/')
	if i < 0 {
		return 0, fmt.Errorf("no item id in %q", u)
	}
	return strconv.ParseUint(u[i+1:], 10, 64)
}
