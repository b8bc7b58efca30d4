package sink

import (
	"encoding/hex"
	"fmt"
	"time"
)

// TraceID is an OTLP trace id: 16 bytes.
type TraceID [16]byte

// String returns the trace id as 32 lower-case hex digits, the form used by
// W3C traceparent headers and most tracing back ends.
func (id TraceID) String() string {
	return hex.EncodeToString(id[:])
}

// Stats holds the counters of a Sink since its last Reset.
//
// Every Export call ends in exactly one of three ways: answered OK
// (Requests), given up by its client before the answer (Abandoned), or
// refused by the sink (Rejected); Calls is their sum. Only spans of calls
// answered OK count as received. Connections refused during an outage
// bring no call, so the sink cannot count them: compare with what the
// clients sent.
type Stats struct {
	// Requests is the number of Export calls answered OK.
	Requests int64
	// Spans is the number of spans in those calls, duplicates included.
	Spans int64
	// ServerSpans is the number of spans of kind SERVER among Spans.
	ServerSpans int64
	// Duplicates is the number of spans whose (trace id, span id) had
	// already been received since the last Reset.
	Duplicates int64
	// InvalidIDs is the number of received spans whose trace id is not
	// 16 bytes or whose span id is not 8 bytes. They count in Spans (and
	// ServerSpans) but not in Snapshot.Traces, and duplicates among them
	// cannot be detected.
	InvalidIDs int64
	// Abandoned is the number of Export calls whose client gave up
	// (cancelled, or its deadline passed) before the sink answered: held
	// by latency, a black hole or a throughput cap, or cut by the start
	// of an outage. Their spans are not counted in any field above.
	Abandoned int64
	// AbandonedSpans is the number of spans in the abandoned calls.
	AbandonedSpans int64
	// Rejected is the number of Export calls the sink answered with an
	// error of its own: an injected error (Faults.ErrorRate), or
	// UNAVAILABLE to calls still held by a fault when the sink closes.
	// Their spans are not received; a retry that succeeds later counts
	// them then, once.
	Rejected int64
	// RejectedSpans is the number of spans in the rejected calls.
	RejectedSpans int64
	// RejectedUnavailable, RejectedResourceExhausted and RejectedInternal
	// split Rejected by the gRPC status code of the answer; they always
	// sum to Rejected.
	RejectedUnavailable       int64
	RejectedResourceExhausted int64
	RejectedInternal          int64
	// RelistenFailures is the number of outages after which the sink
	// could not listen on its address again at once, because the port
	// had been taken; see Sink.ListenErr.
	RelistenFailures int64
}

// Calls returns the number of Export calls that reached the sink,
// however they ended: with retries, one batch may count several times.
func (s Stats) Calls() int64 {
	return s.Requests + s.Abandoned + s.Rejected
}

// String returns a one-line summary of s, with every counter always
// present in a fixed order, for example
//
//	requests=12 spans=3400 server_spans=1200 duplicates=0 invalid_ids=0 abandoned=0 abandoned_spans=0 rejected=0 rejected_spans=0 rejected_unavailable=0 rejected_resource_exhausted=0 rejected_internal=0 relisten_failures=0
func (s Stats) String() string {
	return fmt.Sprintf("requests=%d spans=%d server_spans=%d duplicates=%d invalid_ids=%d abandoned=%d abandoned_spans=%d rejected=%d rejected_spans=%d rejected_unavailable=%d rejected_resource_exhausted=%d rejected_internal=%d relisten_failures=%d",
		s.Requests, s.Spans, s.ServerSpans, s.Duplicates, s.InvalidIDs,
		s.Abandoned, s.AbandonedSpans, s.Rejected, s.RejectedSpans,
		s.RejectedUnavailable, s.RejectedResourceExhausted, s.RejectedInternal, s.RelistenFailures)
}

// TraceCount is the number of distinct spans received for one trace.
// Duplicates are not counted.
type TraceCount struct {
	// Spans is the number of distinct spans of the trace.
	Spans int32
	// ServerSpans is the number of those spans of kind SERVER.
	ServerSpans int32
}

// Snapshot is everything a Sink received between two Resets (or between
// Start and the first Reset).
type Snapshot struct {
	Stats
	// Traces holds every valid trace id received, with its count of
	// distinct spans, except those of Items. It is never nil. The Sink
	// keeps no reference to it.
	Traces map[TraceID]TraceCount
	// Items holds the traces that the TraceIndex in effect knew (see
	// Sink.SetTraceIndex), by item number; nil when none was. Trace and
	// NumTraces look in both.
	Items *ItemCounts
	// Since is when the period began: Start or the previous Reset.
	Since time.Time
	// Until is when the period ended: the Reset that returned the
	// Snapshot.
	Until time.Time
	// Freshness is how long after their end the distinct spans arrived.
	Freshness Freshness
	// Arrivals counts distinct spans received per ArrivalBucket, from
	// ArrivalsFrom (see ArrivalIndex); nil when none arrived. Spans
	// received before ArrivalsFrom are not in it.
	Arrivals []int64
	// ArrivalsFrom is where Arrivals starts: the last StartTimeline of
	// the period, or Since.
	ArrivalsFrom time.Time
	// Transport is how the calls of the period came; Resources who sent
	// their spans (answered or not), in the order first seen.
	Transport Transport
	Resources []Resource
}

// Trace returns the distinct spans received for trace id, from Items or
// Traces.
func (s *Snapshot) Trace(id TraceID) TraceCount {
	if s.Items != nil {
		if n, ok := s.Items.index.item(id); ok {
			return s.Items.Count(n)
		}
	}
	return s.Traces[id]
}

// NumTraces returns how many distinct valid trace ids were received:
// those of Traces and of Items.
func (s *Snapshot) NumTraces() int {
	return len(s.Traces) + s.Items.Len()
}
