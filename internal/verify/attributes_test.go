package verify

import (
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestAttributes(t *testing.T) {
	base := serverSpan(1, 10, 9, "/items/1")
	tests := []struct {
		name   string
		span   sink.Span
		status Status
		want   []string
	}{
		// otelhttp around a ServeMux: the route only in the name.
		{name: "route in name", span: base, status: StatusPass, want: []string{"route /items/{id} in the span name", "service.name=svc"}},
		// otelhttp per route: the http.route attribute.
		{name: "route attribute", span: with(base, func(s *sink.Span) { s.Attributes[attrRoute] = "/items/{id}"; s.Name = "items" }),
			status: StatusPass, want: []string{"route /items/{id} in http.route"}},
		// No method attribute, but the old convention's: a warning that
		// names the keys and the opt-in, not a failure.
		{name: "old semconv", span: with(base, func(s *sink.Span) {
			s.Attributes = map[string]string{"http.method": "GET", attrStatusCode: "200"}
		}), status: StatusWarn, want: []string{"1 of them in the old keys", "old HTTP semantic conventions", "http.method=GET", "OTEL_SEMCONV_STABILITY_OPT_IN=http", sid(10).String()}},
		// Old keys for both, as Python's instrumentation emits by default.
		{name: "old semconv both", span: with(base, func(s *sink.Span) {
			s.Attributes = map[string]string{"http.method": "GET", "http.status_code": "200", "http.target": "/items/1"}
		}), status: StatusWarn, want: []string{"http.method=GET", "http.status_code=200"}},
		// Neither the stable nor the old key: a failure.
		{name: "no method at all", span: with(base, func(s *sink.Span) {
			s.Attributes = map[string]string{attrStatusCode: "200"}
		}), status: StatusFail, want: []string{"1 server spans without http.request.method"}},
		// No status code.
		{name: "no status", span: with(base, func(s *sink.Span) {
			s.Attributes = map[string]string{attrMethod: "GET"}
		}), status: StatusFail, want: []string{"1 server spans without http.response.status_code"}},
		// A name with no route and no http.route.
		{name: "no route", span: with(base, func(s *sink.Span) { s.Name = "GET" }), status: StatusFail, want: []string{"without a route"}},
		// The SDK's default service name.
		{name: "unknown service", span: with(base, func(s *sink.Span) {
			s.Resource = map[string]string{attrServiceName: "unknown_service:mysvc"}
		}), status: StatusFail, want: []string{"service.name=unknown_service:mysvc", tid(1).String()}},
		// No service name at all.
		{name: "no service", span: with(base, func(s *sink.Span) { s.Resource = map[string]string{} }),
			status: StatusFail, want: []string{"no service.name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Phase{Requests: []Request{req(1, 9, "/items/1")}, Spans: []sink.Span{tc.span}}
			assertCheck(t, Attributes(p), tc.status, tc.want...)
		})
	}
	// Nothing arrived.
	assertCheck(t, Attributes(Phase{}), StatusFail, "no server span arrived")
}
