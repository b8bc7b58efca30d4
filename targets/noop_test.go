package targets

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestNoopInstruments checks that VariantNoop runs the instrumentation
// with no SDK: the inbound context is extracted and travels on to a
// downstream call (otelhttp and the propagators are in the request path),
// the parent's span id goes on unchanged (the noop tracer records no span
// of its own), and it has no tracer provider to flush or processor to
// report.
func TestNoopInstruments(t *testing.T) {
	const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	for _, tc := range []struct {
		name    string
		variant Variant
		want    string // the downstream's traceparent
	}{
		// The noop tracer passes the inbound context on as it is.
		{name: "noop", variant: VariantNoop, want: parent},
		// None has no propagator: nothing goes on.
		{name: "none", variant: VariantNone, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tel, err := newTelemetry(context.Background(), Config{Variant: tc.variant}, NewMetrics(prometheus.NewRegistry()), &strings.Builder{})
			if err != nil {
				t.Fatal(err)
			}
			if tel.tp != nil || tel.processor != nil {
				t.Errorf("%s built an SDK provider %v or a processor %s", tc.variant, tel.tp, tel.processor)
			}
			rec := &headerRecorder{status: http.StatusOK}
			down := httptest.NewServer(rec)
			defer down.Close()
			d, err := newDownstream(down.URL+"/down", tel)
			if err != nil {
				t.Fatal(err)
			}
			defer d.close()
			srv := serveWith(t, workload{extraSpans: 2}, tel, extras{downstream: d})
			if code, _ := get(t, srv.URL+"/process/3", http.Header{"Traceparent": {parent}}); code != http.StatusOK {
				t.Fatalf("status %d, want 200", code)
			}
			calls := rec.recorded()
			if len(calls) != 1 {
				t.Fatalf("downstream got %d calls, want 1", len(calls))
			}
			if got := calls[0].Header.Get("Traceparent"); got != tc.want {
				t.Errorf("downstream traceparent %q, want %q", got, tc.want)
			}
		})
	}
}

// TestNoopReady checks the ready line of a noop target: its variant, and
// no span processor.
func TestNoopReady(t *testing.T) {
	r := startRun(t, Config{Variant: VariantNoop})
	if r.ready.Variant != string(VariantNoop) {
		t.Errorf("ready variant %q, want noop", r.ready.Variant)
	}
	p, err := r.ready.DecodeProcessor()
	if err != nil || p != nil {
		t.Errorf("ready processor %+v, %v; want none", p, err)
	}
}
