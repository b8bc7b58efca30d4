package tune

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/sink"
)

// TestMeasureLatency times real exports to the embedded sink held 5 ms per
// call: the figure must include the hold and little else.
func TestMeasureLatency(t *testing.T) {
	s, err := sink.Start(t.Context(), sink.Options{Delay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := MeasureLatency(t.Context(), s.Endpoint(), 10, 512)
	if err != nil {
		t.Fatal(err)
	}
	if l.P50 < 5*time.Millisecond || l.P50 > 500*time.Millisecond || l.P99 < l.P50 {
		t.Errorf("latency %+v, want p50 of at least the 5ms hold", l)
	}
	if got := s.Stats().Spans; got != 11*512 {
		t.Errorf("the sink received %d spans, want 11 batches of 512", got)
	}
}

func TestMeasureLatencyDown(t *testing.T) {
	if _, err := MeasureLatency(t.Context(), "http://127.0.0.1:1", 1, 1); err == nil {
		t.Error("no error for an endpoint nothing listens on")
	}
}
