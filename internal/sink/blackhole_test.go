package sink

import (
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestBlackHole checks that a call in a black hole is accepted but never
// answered: the exporter's timeout ends it, and the sink counts it as
// abandoned. After the window, calls are answered again.
func TestBlackHole(t *testing.T) {
	const (
		timeout = 200 * time.Millisecond
		window  = 500 * time.Millisecond
	)
	s := startSink(t, Options{Faults: Faults{BlackHoles: []Window{{From: 0, To: window}}}})
	exp := newExporter(t, s, otlptracegrpc.WithTimeout(timeout))
	spans, want := recordSpans(t, 2, 1)
	origin := time.Now()
	s.StartTimeline(origin)

	start := time.Now()
	err := exp.ExportSpans(t.Context(), spans)
	took := time.Since(start)
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("ExportSpans in the black hole: %v, want DEADLINE_EXCEEDED", err)
	}
	if took < timeout {
		t.Errorf("ExportSpans in the black hole ended after %v, before the exporter's timeout %v", took, timeout)
	}
	waitFor(t, "the sink to count the abandoned call", func() bool { return s.Stats().Abandoned == 1 })
	if want := (Stats{Abandoned: 1, AbandonedSpans: 4}); s.Stats() != want {
		t.Errorf("Stats = %v\nwant    %v", s.Stats(), want)
	}

	time.Sleep(time.Until(origin.Add(window)))
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans after the black hole: %v", err)
	}
	snap := s.Reset()
	if want := (Stats{Requests: 1, Spans: 4, ServerSpans: 2, Abandoned: 1, AbandonedSpans: 4}); snap.Stats != want {
		t.Errorf("Stats = %v\nwant    %v", snap.Stats, want)
	}
	assertTraces(t, snap.Traces, want)
}

// TestCloseDuringBlackHole checks that Close does not wait for a call
// held by a black hole whose client would wait an hour: the call is
// refused with UNAVAILABLE and counted as rejected.
func TestCloseDuringBlackHole(t *testing.T) {
	s, err := Start(t.Context(), Options{Faults: Faults{BlackHoles: []Window{{}}}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	s.StartTimeline(time.Now())
	exp := newExporter(t, s, otlptracegrpc.WithTimeout(time.Hour))
	spans, _ := recordSpans(t, 1, 1)
	done := make(chan error, 1)
	go func() { done <- exp.ExportSpans(t.Context(), spans) }()
	waitFor(t, "the call to reach the sink", func() bool { return s.inflight.Load() == 1 })

	closed := make(chan error, 1)
	start := time.Now()
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Close still waiting after %v in a black hole", waitLimit)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Close took %v during a black hole, want a couple of seconds at most", took)
	}
	if err := <-done; status.Code(err) != codes.Unavailable {
		t.Errorf("held call got %v, want UNAVAILABLE", err)
	}
	if want := (Stats{Rejected: 1, RejectedSpans: 2, RejectedUnavailable: 1}); s.Stats() != want {
		t.Errorf("Stats = %v\nwant    %v", s.Stats(), want)
	}
}
