package sink

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// DefaultCaptureLimit is how many spans a capturing Sink holds between two
// TakeSpans calls when Options.CaptureLimit is zero. Spans beyond it are
// still counted by the ledger but not kept; TakeSpans reports how many.
const DefaultCaptureLimit = 1 << 18

// SpanID is an OTLP span id: 8 bytes.
type SpanID [8]byte

// String returns the span id as 16 lower-case hex digits.
func (id SpanID) String() string {
	return hex.EncodeToString(id[:])
}

// IsZero reports whether id is all zeros: no span (a root's parent).
func (id SpanID) IsZero() bool {
	return id == SpanID{}
}

// SpanKind is the kind of a span, with the numeric values of OTLP.
type SpanKind int32

// The span kinds of OTLP.
const (
	SpanKindUnspecified SpanKind = iota
	SpanKindInternal
	SpanKindServer
	SpanKindClient
	SpanKindProducer
	SpanKindConsumer
)

// String returns the kind in lower case, such as "server".
func (k SpanKind) String() string {
	switch k {
	case SpanKindInternal:
		return "internal"
	case SpanKindServer:
		return "server"
	case SpanKindClient:
		return "client"
	case SpanKindProducer:
		return "producer"
	case SpanKindConsumer:
		return "consumer"
	default:
		return "unspecified"
	}
}

// Link is a span's link to another span.
type Link struct {
	TraceID TraceID
	SpanID  SpanID
}

// Span is one span as a capturing Sink received it, decoded from OTLP into
// plain values. Attribute values of every type are kept as strings (arrays
// and maps in a readable form), which is all a check of the wiring needs.
type Span struct {
	TraceID TraceID
	SpanID  SpanID
	// ParentSpanID is the parent's span id, zero for a root span.
	ParentSpanID SpanID
	// ParentRemote reports that the exporter said the parent was remote
	// (extracted from an inbound request); only meaningful when
	// ParentKnown is true.
	ParentRemote bool
	// ParentKnown reports that the exporter said whether the parent was
	// remote (the OTLP flag SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE).
	ParentKnown bool
	// TraceState is the W3C tracestate of the span's context.
	TraceState string
	Name       string
	Kind       SpanKind
	Start, End time.Time
	// Attributes are the span's attributes; never nil.
	Attributes map[string]string
	// Resource holds the resource attributes of the exporting service,
	// shared by every span of the same resource; never nil. Do not modify.
	Resource map[string]string
	// Scope is the instrumentation scope's name.
	Scope string
	Links []Link
}

// Captured is what TakeSpans returns: the spans received since the last
// TakeSpans, in arrival order, and how many were left out over the limit.
type Captured struct {
	Spans []Span
	// Dropped is how many received spans were not kept because the
	// capture already held its limit.
	Dropped int64
}

// capture keeps decoded copies of received spans for TakeSpans. It has its
// own lock, taken once per Export call after decoding, so the ledger's
// counting path does not change.
type capture struct {
	limit int

	mu      sync.Mutex
	spans   []Span
	dropped int64
}

// newCapture returns an empty capture that holds at most limit spans (or
// DefaultCaptureLimit when limit is not positive).
func newCapture(limit int) *capture {
	if limit <= 0 {
		limit = DefaultCaptureLimit
	}
	return &capture{limit: limit}
}

// record decodes the spans of one answered Export call and keeps them.
func (c *capture) record(rss []*tracepb.ResourceSpans) {
	var decoded []Span
	for _, rs := range rss {
		res := attrMap(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			scope := ss.GetScope().GetName()
			for _, sp := range ss.GetSpans() {
				decoded = append(decoded, decodeSpan(sp, res, scope))
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	room := max(c.limit-len(c.spans), 0)
	if len(decoded) > room {
		c.dropped += int64(len(decoded) - room)
		decoded = decoded[:room]
	}
	c.spans = append(c.spans, decoded...)
}

// take returns what the capture holds and empties it.
func (c *capture) take() Captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := Captured{Spans: c.spans, Dropped: c.dropped}
	c.spans, c.dropped = nil, 0
	return out
}

// held returns how many spans the capture holds now.
func (c *capture) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.spans)
}

// TakeSpans returns every span received (answered OK) since the last
// TakeSpans, or since Start, and forgets them. Without Options.Capture it
// returns an empty Captured. It is independent of Reset.
func (s *Sink) TakeSpans() Captured {
	if s.capture == nil {
		return Captured{}
	}
	return s.capture.take()
}

// HeldSpans returns how many spans a capturing Sink holds for the next
// TakeSpans: a cheap way to wait until the spans of a request have arrived.
// Without Options.Capture it is always zero.
func (s *Sink) HeldSpans() int {
	if s.capture == nil {
		return 0
	}
	return s.capture.held()
}

// decodeSpan turns one OTLP span into a Span.
func decodeSpan(sp *tracepb.Span, res map[string]string, scope string) Span {
	out := Span{
		TraceState: sp.GetTraceState(),
		Name:       sp.GetName(),
		Kind:       SpanKind(sp.GetKind()),
		Start:      unixNano(sp.GetStartTimeUnixNano()),
		End:        unixNano(sp.GetEndTimeUnixNano()),
		Attributes: attrMap(sp.GetAttributes()),
		Resource:   res,
		Scope:      scope,
	}
	copy(out.TraceID[:], sp.GetTraceId())
	copy(out.SpanID[:], sp.GetSpanId())
	copy(out.ParentSpanID[:], sp.GetParentSpanId())
	flags := sp.GetFlags()
	out.ParentKnown = flags&uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK) != 0
	out.ParentRemote = flags&uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK) != 0
	for _, l := range sp.GetLinks() {
		var link Link
		copy(link.TraceID[:], l.GetTraceId())
		copy(link.SpanID[:], l.GetSpanId())
		out.Links = append(out.Links, link)
	}
	return out
}

// unixNano converts OTLP nanoseconds since the epoch; zero stays zero.
func unixNano(ns uint64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns)) //nolint:gosec // OTLP timestamps fit in int64 until 2262
}

// attrMap returns kvs as a map of strings, never nil.
func attrMap(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.GetKey()] = anyString(kv.GetValue())
	}
	return m
}

// anyString renders an OTLP value as a string: scalars as Go would print
// them, arrays as [a b], maps as {k=v}, bytes in hex.
func anyString(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_DoubleValue:
		return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case *commonpb.AnyValue_BytesValue:
		return hex.EncodeToString(x.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		parts := make([]string, 0, len(x.ArrayValue.GetValues()))
		for _, e := range x.ArrayValue.GetValues() {
			parts = append(parts, anyString(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *commonpb.AnyValue_KvlistValue:
		parts := make([]string, 0, len(x.KvlistValue.GetValues()))
		for _, kv := range x.KvlistValue.GetValues() {
			parts = append(parts, fmt.Sprintf("%s=%s", kv.GetKey(), anyString(kv.GetValue())))
		}
		return "{" + strings.Join(parts, " ") + "}"
	default:
		return ""
	}
}
