package verify

import (
	"maps"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

// Hand-made span sets for the checks' unit tests. Ids are small numbers:
// trace n is sink.TraceID{n}, span n is sink.SpanID{n}.

func tid(n byte) sink.TraceID { return sink.TraceID{n} }
func sid(n byte) sink.SpanID  { return sink.SpanID{n} }

// req is an answered request for path with a sampled traceparent of trace
// t and parent span p.
func req(t, p byte, path string) Request {
	return Request{URL: "http://127.0.0.1:1" + path, Path: path, TraceID: tid(t), ParentID: sid(p), Sampled: true, Status: 200}
}

// serverSpan is a server span of trace t, id s, remote parent p (0: a
// root), named "GET /items/{id}", for path, with the usual attributes and
// service.name=svc.
func serverSpan(t, s, p byte, path string) sink.Span {
	return sink.Span{
		TraceID: tid(t), SpanID: sid(s), ParentSpanID: sid(p),
		ParentKnown: true, ParentRemote: p != 0,
		Name: "GET /items/{id}", Kind: sink.SpanKindServer,
		Attributes: map[string]string{attrMethod: "GET", attrStatusCode: "200", attrURLPath: path},
		Resource:   map[string]string{attrServiceName: "svc"},
	}
}

// childSpan is an internal span of trace t, id s, local parent p (0: a
// root), named name.
func childSpan(t, s, p byte, name string) sink.Span {
	return sink.Span{
		TraceID: tid(t), SpanID: sid(s), ParentSpanID: sid(p), ParentKnown: true,
		Name: name, Kind: sink.SpanKindInternal,
		Attributes: map[string]string{}, Resource: map[string]string{attrServiceName: "svc"},
	}
}

// with returns a copy of s, maps included, changed by f.
func with(s sink.Span, f func(*sink.Span)) sink.Span {
	s.Attributes = maps.Clone(s.Attributes)
	s.Resource = maps.Clone(s.Resource)
	f(&s)
	return s
}

// assertCheck fails unless c has the status and its summary and evidence
// together contain every string in want.
func assertCheck(t *testing.T, c Check, status Status, want ...string) {
	t.Helper()
	text := c.Summary + "\n" + strings.Join(c.Evidence, "\n")
	if c.Status != status {
		t.Errorf("status = %v, want %v\n%s", c.Status, status, text)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q:\n%s", w, text)
		}
	}
}
