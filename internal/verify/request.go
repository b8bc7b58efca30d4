package verify

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Request is one request verify sent and how it was answered.
type Request struct {
	// URL is the whole URL asked for; Path is its path, the value a
	// server span keeps in url.path.
	URL, Path string
	// TraceID and ParentID are those of the traceparent sent; both zero
	// when the request carried none.
	TraceID  sink.TraceID
	ParentID sink.SpanID
	// Sampled is the traceparent's sampled flag.
	Sampled bool
	// TraceState and Baggage are the tracestate and baggage headers sent,
	// "" for none.
	TraceState, Baggage string
	// Status is the HTTP status of the answer, 0 when there was none.
	Status int
	// Err says why there was no answer.
	Err string
}

// HasTraceparent reports whether the request carried a traceparent.
func (r Request) HasTraceparent() bool {
	return r.TraceID != sink.TraceID{}
}

// Answered reports whether the request got an HTTP answer.
func (r Request) Answered() bool {
	return r.Status != 0
}

// Traceparent returns the W3C traceparent header of the request, or "".
func (r Request) Traceparent() string {
	if !r.HasTraceparent() {
		return ""
	}
	flags := "00"
	if r.Sampled {
		flags = "01"
	}
	return "00-" + r.TraceID.String() + "-" + r.ParentID.String() + "-" + flags
}

// header returns the request's tracing headers.
func (r Request) header() http.Header {
	h := http.Header{}
	if tp := r.Traceparent(); tp != "" {
		h.Set("Traceparent", tp)
	}
	if r.TraceState != "" {
		h.Set("Tracestate", r.TraceState)
	}
	if r.Baggage != "" {
		h.Set("Baggage", r.Baggage)
	}
	return h
}

// String names the request for evidence: "GET /process/7 (trace T)".
func (r Request) String() string {
	if !r.HasTraceparent() {
		return "GET " + r.Path
	}
	return fmt.Sprintf("GET %s (trace %s)", r.Path, r.TraceID)
}

// Phase is what one step of the verification sent and what arrived while
// it ran: the requests with their answers, the spans the sink received and
// the calls the downstream recorder received.
type Phase struct {
	Requests   []Request
	Spans      []sink.Span
	Downstream []DownstreamCall
}

// answered returns the requests that got an answer and, when withTP,
// carried a traceparent.
func (p Phase) answered(withTP bool) []Request {
	var out []Request
	for _, r := range p.Requests {
		if r.Answered() && (!withTP || r.HasTraceparent()) {
			out = append(out, r)
		}
	}
	return out
}

// unanswered returns evidence lines for requests that got no answer.
func (p Phase) unanswered() []string {
	f := findings{what: "requests got no answer"}
	for _, r := range p.Requests {
		if !r.Answered() {
			f.add("%s: %s", r, r.Err)
		}
	}
	return f.evidence()
}

// DownstreamCall is one request the downstream recorder received, with the
// tracing headers it carried.
type DownstreamCall struct {
	// Path and Query are those of the request.
	Path, Query string
	// Traceparent, Tracestate and Baggage are the headers, "" if absent.
	Traceparent, Tracestate, Baggage string
}

// newIDs returns a random, valid trace id and span id.
func newIDs() (sink.TraceID, sink.SpanID) {
	var tid sink.TraceID
	var sid sink.SpanID
	for tid == (sink.TraceID{}) {
		binary.BigEndian.PutUint64(tid[:8], rand.Uint64())
		binary.BigEndian.PutUint64(tid[8:], rand.Uint64())
	}
	for sid == (sink.SpanID{}) {
		binary.BigEndian.PutUint64(sid[:], rand.Uint64())
	}
	return tid, sid
}

// parseTraceparent returns the trace id and parent span id of a W3C
// traceparent header; ok is false when it is malformed.
func parseTraceparent(h string) (tid sink.TraceID, sid sink.SpanID, ok bool) {
	parts := strings.Split(strings.TrimSpace(h), "-")
	if len(parts) < 4 || len(parts[1]) != 32 || len(parts[2]) != 16 {
		return tid, sid, false
	}
	if _, err := hex.Decode(tid[:], []byte(parts[1])); err != nil {
		return tid, sid, false
	}
	if _, err := hex.Decode(sid[:], []byte(parts[2])); err != nil {
		return tid, sid, false
	}
	return tid, sid, true
}
