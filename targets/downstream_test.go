package targets

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// headerRecorder is a downstream service that records the headers of each
// call and answers with status.
type headerRecorder struct {
	status int

	mu    sync.Mutex
	calls []*http.Request
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.calls = append(h.calls, r.Clone(r.Context()))
	h.mu.Unlock()
	w.WriteHeader(h.status)
}

func (h *headerRecorder) recorded() []*http.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

func TestProcessCallsDownstream(t *testing.T) {
	const (
		traceID     = "0af7651916cd43dd8448eb211c80319c"
		traceparent = "00-" + traceID + "-b7ad6b7169203331-01"
	)
	tests := []struct {
		name       string
		traced     bool
		status     int // the downstream's answer
		wantCode   int
		wantStatus string // processing.status of the logic span
	}{
		// Traced: the context, tracestate and baggage travel on, through the
		// client span.
		{name: "traced", traced: true, status: http.StatusOK, wantCode: http.StatusOK, wantStatus: statusComplete},
		// A failing downstream makes the request fail with 502.
		{name: "downstream fails", traced: true, status: http.StatusInternalServerError, wantCode: http.StatusBadGateway, wantStatus: statusDownstreamFailed},
		// VariantNone still calls, with nothing to propagate.
		{name: "untraced", status: http.StatusOK, wantCode: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &headerRecorder{status: tc.status}
			down := httptest.NewServer(rec)
			defer down.Close()

			tel := &telemetry{}
			var spans func() map[string]int
			if tc.traced {
				rtel, sr := recordingTelemetry(t)
				tel = rtel
				spans = func() map[string]int {
					m := map[string]int{}
					for _, s := range sr.Ended() {
						m[s.Name()]++
					}
					return m
				}
				defer func() {
					// Check the client span is the downstream's parent.
					calls := rec.recorded()
					if len(calls) != 1 {
						return
					}
					for _, s := range sr.Ended() {
						if s.SpanKind() == trace.SpanKindClient {
							want := "00-" + traceID + "-" + s.SpanContext().SpanID().String() + "-01"
							if got := calls[0].Header.Get("Traceparent"); got != want {
								t.Errorf("downstream traceparent = %q, want %q (the client span)", got, want)
							}
							return
						}
					}
					t.Errorf("no client span among %v", spans())
				}()
			}
			d, err := newDownstream(down.URL+"/down?x=1", tel)
			if err != nil {
				t.Fatal(err)
			}
			defer d.close()
			srv := serveWith(t, workload{}, tel, extras{downstream: d})

			h := http.Header{"Traceparent": {traceparent}, "Tracestate": {"vendor=abc"}, "Baggage": {"user=42"}}
			if code, _ := get(t, srv.URL+"/process/9", h); code != tc.wantCode {
				t.Errorf("status %d, want %d", code, tc.wantCode)
			}
			calls := rec.recorded()
			if len(calls) != 1 {
				t.Fatalf("downstream got %d calls, want 1", len(calls))
			}
			c := calls[0]
			if c.URL.Path != "/down" || c.URL.Query().Get("item_id") != "9" || c.URL.Query().Get("x") != "1" {
				t.Errorf("downstream URL = %s", c.URL)
			}
			tp, ts, bg := c.Header.Get("Traceparent"), c.Header.Get("Tracestate"), c.Header.Get("Baggage")
			if !tc.traced {
				if tp != "" || ts != "" || bg != "" {
					t.Errorf("untraced call carried traceparent %q tracestate %q baggage %q", tp, ts, bg)
				}
				return
			}
			if !strings.Contains(tp, traceID) || ts != "vendor=abc" || !strings.Contains(bg, "user=42") {
				t.Errorf("downstream got traceparent %q tracestate %q baggage %q", tp, ts, bg)
			}
		})
	}
}
