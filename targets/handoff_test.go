package targets

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// serveWith starts a loopback server for the service with the opt-in parts
// in ex.
func serveWith(t *testing.T, work workload, tel *telemetry, ex extras) *httptest.Server {
	t.Helper()
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(newServiceWith(work, tel, NewMetrics(reg), reg, ex))
	t.Cleanup(srv.Close)
	return srv
}

// endedSpans waits (bounded) until rec holds n ended spans and returns them
// by name: the background span of the good route ends after the answer.
func endedSpans(t *testing.T, rec *tracetest.SpanRecorder, n int) map[string]sdktrace.ReadOnlySpan {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(rec.Ended()) < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	by := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		by[s.Name()] = s
	}
	if len(rec.Ended()) != n {
		t.Fatalf("got %d spans %v, want %d", len(rec.Ended()), by, n)
	}
	return by
}

func TestHandoffRoutes(t *testing.T) {
	const inbound = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	tests := []struct {
		name        string
		path        string
		dropContext bool
		wantChild   bool // handoff_work is a child of the server span
		wantLinked  bool // a handoff_background root links to the server span
	}{
		// The right way: context passed on, background work linked.
		{name: "good", path: "/handoff/good/5", wantChild: true, wantLinked: true},
		// The wrong way: the goroutine's span is an orphan root.
		{name: "bad", path: "/handoff/bad/5"},
		// MistakeDroppedContext makes the good route drop the context too;
		// its background work stays linked.
		{name: "good with dropped context", path: "/handoff/good/5", dropContext: true, wantLinked: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tel, rec := recordingTelemetry(t)
			srv := serveWith(t, workload{}, tel, extras{handoff: true, dropContext: tc.dropContext})
			code, body := get(t, srv.URL+tc.path, http.Header{"Traceparent": {inbound}})
			if code != http.StatusOK || body != `{"item_id":"5","status":"completed"}` {
				t.Fatalf("got %d %q", code, body)
			}
			n := 2
			if tc.wantLinked {
				n = 3
			}
			by := endedSpans(t, rec, n)
			var server sdktrace.ReadOnlySpan
			for name, s := range by {
				if s.SpanKind() == trace.SpanKindServer {
					server = s
					if name != "GET "+tc.path[:len(tc.path)-1]+"{item_id}" {
						t.Errorf("server span name %q", name)
					}
				}
			}
			if server == nil {
				t.Fatalf("no server span in %v", by)
			}
			work := by[spanHandoffWork]
			if work == nil {
				t.Fatalf("no %s span in %v", spanHandoffWork, by)
			}
			isChild := work.Parent().SpanID() == server.SpanContext().SpanID() && work.SpanContext().TraceID() == server.SpanContext().TraceID()
			if isChild != tc.wantChild {
				t.Errorf("%s parent = %v, child of the server span %v, want %v", spanHandoffWork, work.Parent(), isChild, tc.wantChild)
			}
			if !tc.wantChild && (work.Parent().IsValid() || len(work.Links()) != 0) {
				t.Errorf("%s should be an orphan root, has parent %v and %d links", spanHandoffWork, work.Parent(), len(work.Links()))
			}
			if !tc.wantLinked {
				return
			}
			bg := by[spanHandoffBackground]
			if bg.Parent().IsValid() || len(bg.Links()) != 1 || bg.Links()[0].SpanContext.SpanID() != server.SpanContext().SpanID() {
				t.Errorf("%s: parent %v, links %v; want a new root linked to the server span", spanHandoffBackground, bg.Parent(), bg.Links())
			}
		})
	}
}

func TestHandoffRoutesOffByDefault(t *testing.T) {
	tel, rec := recordingTelemetry(t)
	srv, _ := serve(t, workload{}, tel)
	if code, _ := get(t, srv.URL+"/handoff/good/1", nil); code != http.StatusNotFound {
		t.Errorf("GET /handoff/good/1 = %d, want 404 without the routes", code)
	}
	for _, s := range rec.Ended() {
		if s.Name() == spanHandoffWork {
			t.Errorf("hand-off work ran: %v", s.Name())
		}
	}
}

func TestHandoffUntraced(t *testing.T) {
	// VariantNone: the routes answer and no span code runs (a nil tracer).
	srv := serveWith(t, workload{}, &telemetry{}, extras{handoff: true})
	for _, path := range []string{"/handoff/good/1", "/handoff/bad/1"} {
		if code, _ := get(t, srv.URL+path, nil); code != http.StatusOK {
			t.Errorf("GET %s = %d", path, code)
		}
	}
}
