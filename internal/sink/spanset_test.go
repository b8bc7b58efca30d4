package sink

import "testing"

// TestTraceSpans checks duplicate detection across every storage stage of
// a trace's span set: inline, list and hash set.
func TestTraceSpans(t *testing.T) {
	tests := []struct {
		name  string
		spans int
	}{
		// One span: the inline array.
		{name: "single span", spans: 1},
		// Exactly fills the inline array.
		{name: "inline full", spans: inlineSpans},
		// One more spills into the list.
		{name: "first in list", spans: inlineSpans + 1},
		// Exactly fills the list.
		{name: "list full", spans: scanLimit},
		// One more moves everything to the hash set.
		{name: "first in set", spans: scanLimit + 1},
		// Well into the hash set.
		{name: "large trace", spans: 5 * scanLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ts traceSpans
			// Span ids are spread out, and id 0 is valid too; span 0
			// is the SERVER span.
			sid := func(i int) uint64 { return uint64(i) * 0x9e3779b97f4a7c15 }
			for pass := range 3 {
				for i := range tt.spans {
					if got, want := ts.add(sid(i), i == 0), pass == 0; got != want {
						t.Fatalf("pass %d: add(span %d) = %v, want %v", pass, i, got, want)
					}
				}
			}
			if want := (TraceCount{Spans: int32(tt.spans), ServerSpans: 1}); ts.count != want {
				t.Errorf("count = %+v, want %+v", ts.count, want)
			}
			if !ts.add(sid(tt.spans), false) {
				t.Errorf("a new span after the repeats was taken for a duplicate")
			}
		})
	}
}
