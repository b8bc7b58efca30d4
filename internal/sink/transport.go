package sink

import (
	"bytes"
	"time"
)

// Protocol is an OTLP transport the sink serves.
type Protocol int

// The protocols, as OTEL_EXPORTER_OTLP_PROTOCOL names them (Protocol.String).
const (
	ProtocolGRPC Protocol = iota
	ProtocolHTTPProtobuf
	ProtocolHTTPJSON
	numProtocols
)

// String returns the protocol's name in OTEL_EXPORTER_OTLP_PROTOCOL.
func (p Protocol) String() string {
	switch p {
	case ProtocolGRPC:
		return "grpc"
	case ProtocolHTTPProtobuf:
		return "http/protobuf"
	case ProtocolHTTPJSON:
		return "http/json"
	}
	return "unknown"
}

// ConnKind is what a connection's first bytes said it speaks.
type ConnKind int

// The kinds of connection the sink tells apart.
const (
	// ConnGRPC: the HTTP/2 connection preface (gRPC).
	ConnGRPC ConnKind = iota
	// ConnHTTP: an HTTP/1.x request line.
	ConnHTTP
	// ConnTLS: a TLS handshake, which the plain-text sink cannot answer:
	// the exporter was configured for TLS.
	ConnTLS
	// ConnOther: anything else, or nothing before the peek timed out.
	ConnOther
	numConnKinds
)

// Transport is how export calls reached the sink in a period: the
// connections by kind, the calls by protocol, what it refused before
// reading a call, and the CPU its handlers spent. It is kept apart from
// Stats, whose fields count calls and spans.
type Transport struct {
	// Conns counts connections accepted, by ConnKind.
	Conns [numConnKinds]int64
	// Calls counts export calls read, by Protocol, however they ended.
	Calls [numProtocols]int64
	// Refused counts HTTP requests that were not an OTLP trace export (a
	// wrong path, method or content type); LastRefused describes the last
	// one ("POST /v1/metrics: 404").
	Refused     int64
	LastRefused string
	// OtherSignals counts metrics and logs exports, answered OK unread.
	OtherSignals int64
	// HandlerCPU is the CPU time the handlers spent reading, checking and
	// counting export calls, measured on their own threads; HandlerSpans
	// the spans of those calls. The transport (HTTP/2 and gRPC framing,
	// HTTP parsing, TCP) runs elsewhere and is not in it.
	HandlerCPU   time.Duration
	HandlerSpans int64
	// WireBytes counts the bytes the sink read from the exporters'
	// connections: what came over TCP, with the HTTP/2 and gRPC framing
	// or the HTTP/1.1 headers, compressed bodies as they came, metrics
	// and logs exports included. The sink's answers are not in it.
	WireBytes int64
}

// Used returns the protocols that carried at least one call.
func (t Transport) Used() []Protocol {
	var out []Protocol
	for p, n := range t.Calls {
		if n > 0 {
			out = append(out, Protocol(p))
		}
	}
	return out
}

// Resource identifies the senders of the spans received: a distinct
// service.name and telemetry.sdk.* values, with the spans that carried
// them. Empty strings are attributes that were absent.
type Resource struct {
	ServiceName string `json:"service_name,omitempty"`
	SDKLanguage string `json:"sdk_language,omitempty"`
	SDKName     string `json:"sdk_name,omitempty"`
	SDKVersion  string `json:"sdk_version,omitempty"`
	Spans       int64  `json:"spans"`
}

// maxResources bounds the distinct resources a period keeps; the spans of
// further ones are added to the last.
const maxResources = 16

// matches reports whether r describes w.
func (r *Resource) matches(w *wireResource) bool {
	return string(w.ServiceName) == r.ServiceName && string(w.SDKLanguage) == r.SDKLanguage &&
		string(w.SDKName) == r.SDKName && string(w.SDKVersion) == r.SDKVersion
}

// sameResource reports whether two wire resources carry the same values.
func sameResource(a, b *wireResource) bool {
	return bytes.Equal(a.ServiceName, b.ServiceName) && bytes.Equal(a.SDKLanguage, b.SDKLanguage) &&
		bytes.Equal(a.SDKName, b.SDKName) && bytes.Equal(a.SDKVersion, b.SDKVersion)
}

// resourceCount is one resource of a call with its spans; the slices point
// into the call's bytes.
type resourceCount struct {
	res   wireResource
	spans int64
}

// addResource counts spans of w in l's resources. l.mu must be held.
func (l *ledger) addResource(w *wireResource, spans int64) {
	for i := range l.resources {
		if l.resources[i].matches(w) {
			l.resources[i].Spans += spans
			return
		}
	}
	if len(l.resources) == maxResources {
		l.resources[maxResources-1].Spans += spans
		return
	}
	l.resources = append(l.resources, Resource{
		ServiceName: string(w.ServiceName), SDKLanguage: string(w.SDKLanguage),
		SDKName: string(w.SDKName), SDKVersion: string(w.SDKVersion), Spans: spans,
	})
}

// noteCall counts one export call read over p: its resources, the spans
// of the call and the CPU its handler spent.
func (l *ledger) noteCall(p Protocol, res []resourceCount, spans int64, cpu time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.transport.Calls[p]++
	l.transport.HandlerCPU += cpu
	l.transport.HandlerSpans += spans
	for i := range res {
		l.addResource(&res[i].res, res[i].spans)
	}
}

// noteConn counts one connection of kind k.
func (l *ledger) noteConn(k ConnKind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.transport.Conns[k]++
}

// noteOtherSignal counts a metrics or logs export.
func (l *ledger) noteOtherSignal() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.transport.OtherSignals++
}

// noteRefused counts an HTTP request that was not a trace export.
func (l *ledger) noteRefused(desc string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.transport.Refused++
	l.transport.LastRefused = desc
}

// Transport returns how calls reached the sink since the last Reset.
func (s *Sink) Transport() Transport {
	s.ledger.mu.Lock()
	defer s.ledger.mu.Unlock()
	t := s.ledger.transport
	t.WireBytes = s.ledger.wire.Load()
	return t
}
