package runner

import (
	"testing"

	"github.com/otelbench/otelbench/internal/results"
)

const serviceProfile = `name: service
rates: [300]
duration: 2s
warmup: 500ms
timeout: 5s
seed: 1
sink:
  delay: 50ms
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
    batch_timeout: 100ms
  - name: batch-q16
    kind: batch
    queue_size: 16
    max_export_batch_size: 16
    batch_timeout: 100ms
`

// TestOwnService measures a service the runner knows only by its command
// and URL (the bundled target, started through the shell with the standard
// variables and $PORT): spans are accounted for from outside, by trace-id
// matching, and a queue too small for the load shows its loss.
func TestOwnService(t *testing.T) {
	svc := &Service{
		Command:         targetBinary(t) + " -listen 127.0.0.1:$PORT -variant batch -cpu 20us",
		URL:             "http://127.0.0.1:{port}/process/{id}",
		SpansPerRequest: 2,
	}
	l, cells := runProfile(t, serviceProfile, Options{Service: svc})
	for _, c := range cells {
		if c.Load.Successes == 0 || c.Load.Successes != c.Load.Requests {
			t.Errorf("%s: %d of %d requests succeeded", c.Dir, c.Load.Successes, c.Load.Requests)
		}
	}
	// Sampling off: the service sends nothing.
	if s := cells["none"].Spans; s.Received != 0 {
		t.Errorf("none: received %d spans with OTEL_TRACES_SAMPLER=always_off", s.Received)
	}
	b := cells["batch"].Spans
	if !b.Matched || b.TracedRequests == 0 || b.MissingSpans != 0 || b.Received != b.TracedRequests*2 {
		t.Errorf("batch: %+v, want every traced request's 2 spans received", b)
	}
	q := cells["batch-q16"].Spans
	// 300 requests/s × 2 spans against 16 spans per 50 ms export: the
	// model puts the ceiling at 320 spans/s, about half of what arrives.
	if q.MissingSpans == 0 || q.MissingSpans != q.Ended-q.Received || q.DropSource != string(results.DropExternal) {
		t.Errorf("batch-q16: %+v, want loss found by matching", q)
	}
	if env := l.Run.Variants[2].Env; env["OTEL_BSP_MAX_QUEUE_SIZE"] != "16" || env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "" {
		t.Errorf("batch-q16 environment %v", env)
	}
}
