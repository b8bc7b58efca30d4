package sink

import (
	"context"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestThroughputCap pushes 6000 spans as fast as four exporters can at a
// sink capped at 2000 spans/s, and checks that the count of accepted spans
// never runs ahead of the bucket (burst + cap × time) and that the whole
// took at least (6000 − burst) / cap seconds. Both bounds only get safer
// on a slow machine.
func TestThroughputCap(t *testing.T) {
	const (
		capRate   = 2000.0
		total     = 6000
		batch     = 500
		exporters = 4
	)
	spans, want := recordSpans(t, total/2, 1) // two spans per trace
	s := startSink(t, Options{})
	var exps []sdktrace.SpanExporter
	for range exporters {
		exps = append(exps, newExporter(t, s))
	}

	start := time.Now() // before the bucket fills: time is over-counted
	if err := s.SetFaults(Faults{CapSpansPerSec: capRate}); err != nil {
		t.Fatalf("SetFaults: %v", err)
	}
	burst := s.Faults().burst()

	var wg sync.WaitGroup
	next := make(chan []sdktrace.ReadOnlySpan)
	for _, exp := range exps {
		wg.Go(func() {
			for b := range next {
				if err := exp.ExportSpans(t.Context(), b); err != nil {
					t.Errorf("ExportSpans: %v", err)
				}
			}
		})
	}
	done := make(chan struct{})
	var watch sync.WaitGroup
	watch.Go(func() {
		for {
			got := s.Stats().Spans
			elapsed := time.Since(start) // read after the count: a lower bound at the count
			if limit := burst + capRate*elapsed.Seconds(); float64(got) > limit {
				t.Errorf("%d spans accepted %v after the cap was set, more than burst + cap × time = %.0f", got, elapsed, limit)
				return
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	for i := 0; i < total; i += batch {
		next <- spans[i : i+batch]
	}
	close(next)
	wg.Wait()
	took := time.Since(start)
	close(done)
	watch.Wait()

	if least := time.Duration((total - burst) / capRate * float64(time.Second)); took < least {
		t.Errorf("%d spans went through in %v, want at least %v at %v spans/s with a burst of %v", total, took, least, capRate, burst)
	}
	snap := s.Reset()
	if snap.Spans != total || snap.Rejected != 0 || snap.Abandoned != 0 {
		t.Errorf("Stats = %v, want all %d spans accepted", snap.Stats, total)
	}
	assertTraces(t, snap.Traces, want)
}

// TestCapAbandonedGiveBack checks that a call that gives up while the cap
// holds it is counted as abandoned and gives its tokens back: a later call
// of the same size passes without waiting out the debt.
func TestCapAbandonedGiveBack(t *testing.T) {
	s := startSink(t, Options{Faults: Faults{CapSpansPerSec: 10, CapBurst: 10}})
	spans, _ := recordSpans(t, 50, 1) // 100 spans: 9 s of tokens at 10/s
	exp := newExporter(t, s)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := exp.ExportSpans(ctx, spans); err == nil {
		t.Fatal("ExportSpans of 100 spans at 10 spans/s succeeded within 100 ms")
	}
	waitFor(t, "the sink to count the abandoned call", func() bool { return s.Stats().Abandoned == 1 })

	small, _ := recordSpans(t, 2, 1) // 4 spans: the bucket has them again
	start := time.Now()
	if err := exp.ExportSpans(t.Context(), small); err != nil {
		t.Fatalf("ExportSpans after the give-back: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a 4-span export waited %v: the abandoned call's tokens were not given back", took)
	}
	if want := (Stats{Requests: 1, Spans: 4, ServerSpans: 2, Abandoned: 1, AbandonedSpans: 100}); s.Stats() != want {
		t.Errorf("Stats = %v\nwant    %v", s.Stats(), want)
	}
}
