package sink

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestCounts sends spans from a real TracerProvider through the real
// exporter and checks every counter and every trace exactly.
func TestCounts(t *testing.T) {
	tests := []struct {
		name      string
		processor func(sdktrace.SpanExporter) sdktrace.TracerProviderOption
		traces    int
		children  int
		requests  int64
	}{
		{
			// The syncer exports each span on its own as it ends.
			name:      "syncer sends one call per span",
			processor: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption { return sdktrace.WithSyncer(e) },
			traces:    3,
			children:  2,
			requests:  9,
		},
		{
			// Everything fits one batch, sent by the flush at Shutdown.
			name: "batcher sends one batch",
			processor: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption {
				return sdktrace.WithBatcher(e, sdktrace.WithBatchTimeout(time.Hour))
			},
			traces:   10,
			children: 4,
			requests: 1,
		},
		{
			// 250 spans in batches of 100: two full batches leave as
			// soon as they fill, the last 50 at Shutdown. Blocking
			// rules out drops, so the counts are exact.
			name: "batcher splits into full batches",
			processor: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption {
				return sdktrace.WithBatcher(e, sdktrace.WithBatchTimeout(time.Hour),
					sdktrace.WithMaxExportBatchSize(100), sdktrace.WithBlocking())
			},
			traces:   125,
			children: 1,
			requests: 3,
		},
		{
			// A root span alone is still a trace of one SERVER span.
			name:      "traces without children",
			processor: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption { return sdktrace.WithSyncer(e) },
			traces:    4,
			children:  0,
			requests:  4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, Options{})
			exp := newExporter(t, s)
			tp := sdktrace.NewTracerProvider(tt.processor(exp))
			want := emitTraces(t.Context(), tp.Tracer("sink_test"), tt.traces, tt.children)
			if err := tp.Shutdown(t.Context()); err != nil {
				t.Fatalf("TracerProvider Shutdown: %v", err)
			}

			spans := int64(tt.traces * (1 + tt.children))
			wantStats := Stats{Requests: tt.requests, Spans: spans, ServerSpans: int64(tt.traces)}
			if got := s.Stats(); got != wantStats {
				t.Errorf("Stats() = %v\nwant      %v", got, wantStats)
			}
			snap := s.Reset()
			if snap.Stats != wantStats {
				t.Errorf("Reset().Stats = %v\nwant           %v", snap.Stats, wantStats)
			}
			assertTraces(t, snap.Traces, want)
			// Every distinct span is timed once, from its end to its
			// arrival: within this test's life, and never negative.
			if snap.Freshness.N != spans {
				t.Errorf("Freshness.N = %d, want %d", snap.Freshness.N, spans)
			}
			if got := snap.Freshness.Quantile(1); got <= 0 || got > time.Minute {
				t.Errorf("freshness max = %v, want a small positive delay", got)
			}
			var arrived int64
			for _, n := range snap.Arrivals {
				arrived += n
			}
			if arrived != spans {
				t.Errorf("Arrivals sum to %d, want %d", arrived, spans)
			}
		})
	}
}

// TestReset checks that Reset hands over one period and starts an empty
// one that begins where the last ended.
func TestReset(t *testing.T) {
	s := startSink(t, Options{})
	exp := newExporter(t, s)
	spans, want := recordSpans(t, 5, 3)
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}

	first := s.Reset()
	if first.Spans != 20 || len(first.Traces) != 5 {
		t.Fatalf("first Reset: %v with %d traces, want 20 spans in 5 traces", first.Stats, len(first.Traces))
	}
	assertTraces(t, first.Traces, want)
	if first.Until.Before(first.Since) {
		t.Errorf("first period ends at %v, before it starts at %v", first.Until, first.Since)
	}
	if got := s.Stats(); got != (Stats{}) {
		t.Errorf("Stats() after Reset = %v, want all zero", got)
	}

	second := s.Reset()
	if second.Stats != (Stats{}) || second.Traces == nil || len(second.Traces) != 0 {
		t.Errorf("second Reset = %v with traces %v, want zero counts and an empty map", second.Stats, second.Traces)
	}
	if !second.Since.Equal(first.Until) {
		t.Errorf("second period starts at %v, want %v where the first ended", second.Since, first.Until)
	}
	// The snapshot belongs to the caller: new spans must not appear in it.
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
	if len(second.Traces) != 0 {
		t.Errorf("a returned snapshot changed after Reset")
	}
}

// TestDuplicates exports the very same spans several times and checks that
// repeats are counted as spans and duplicates but not as new spans of
// their traces, within one period only.
func TestDuplicates(t *testing.T) {
	s := startSink(t, Options{})
	exp := newExporter(t, s)
	spans, want := recordSpans(t, 4, 2) // 12 spans, 4 of them SERVER

	for range 3 {
		if err := exp.ExportSpans(t.Context(), spans); err != nil {
			t.Fatalf("ExportSpans: %v", err)
		}
	}
	snap := s.Reset()
	wantStats := Stats{Requests: 3, Spans: 36, ServerSpans: 12, Duplicates: 24}
	if snap.Stats != wantStats {
		t.Errorf("Stats = %v\nwant    %v", snap.Stats, wantStats)
	}
	assertTraces(t, snap.Traces, want)

	// After Reset the same spans are new again.
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
	if got := s.Stats(); got.Duplicates != 0 || got.Spans != 12 {
		t.Errorf("Stats after Reset = %v, want 12 spans and no duplicates", got)
	}
}

// TestConcurrent exports from many goroutines while others read, reset and
// change the delay, and checks that every span lands in exactly one
// snapshot. Run it with -race.
func TestConcurrent(t *testing.T) {
	const (
		exporters = 6
		calls     = 20
		traces    = 5 // per call
		children  = 3
	)
	s := startSink(t, Options{})

	var exportWG sync.WaitGroup
	want := make(map[TraceID]TraceCount)
	for range exporters {
		exp := newExporter(t, s)
		batches := make([][]sdktrace.ReadOnlySpan, calls)
		for i := range batches {
			spans, w := recordSpans(t, traces, children)
			batches[i] = spans
			for id, c := range w {
				want[id] = c
			}
		}
		exportWG.Go(func() {
			for _, b := range batches {
				if err := exp.ExportSpans(t.Context(), b); err != nil {
					t.Errorf("ExportSpans: %v", err)
				}
			}
		})
	}

	var snaps []Snapshot // written by the busy goroutine until it ends
	ctx, stop := context.WithCancel(t.Context())
	var busyWG sync.WaitGroup
	busyWG.Go(func() {
		for ctx.Err() == nil {
			_ = s.Stats()
			s.SetDelay(time.Duration(len(snaps)%2) * time.Microsecond)
			snaps = append(snaps, s.Reset())
			time.Sleep(time.Millisecond)
		}
	})
	exportWG.Wait()
	stop()
	busyWG.Wait()
	snaps = append(snaps, s.Reset())

	var total Stats
	got := make(map[TraceID]TraceCount)
	for i, sn := range snaps {
		total.Requests += sn.Requests
		total.Spans += sn.Spans
		total.ServerSpans += sn.ServerSpans
		total.Duplicates += sn.Duplicates
		for id, c := range sn.Traces {
			if _, ok := got[id]; ok {
				t.Errorf("trace %s in more than one snapshot", id)
			}
			got[id] = c
		}
		if i > 0 && !sn.Since.Equal(snaps[i-1].Until) {
			t.Errorf("snapshot %d starts at %v, not where %d ended (%v)", i, sn.Since, i-1, snaps[i-1].Until)
		}
	}
	n := int64(exporters * calls)
	wantStats := Stats{Requests: n, Spans: n * traces * (1 + children), ServerSpans: n * traces}
	if total != wantStats {
		t.Errorf("sum over %d snapshots = %v\nwant %v", len(snaps), total, wantStats)
	}
	assertTraces(t, got, want)
}

// TestAddr checks the address and endpoint forms.
func TestAddr(t *testing.T) {
	tests := []struct {
		name   string
		listen string
		prefix string // of Addr
	}{
		// The default is loopback on a port picked by the kernel.
		{name: "default", listen: "", prefix: "127.0.0.1:"},
		// An explicit loopback address is kept.
		{name: "explicit loopback", listen: "127.0.0.1:0", prefix: "127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, Options{Listen: tt.listen})
			addr := s.Addr()
			if !strings.HasPrefix(addr, tt.prefix) || strings.HasSuffix(addr, ":0") {
				t.Errorf("Addr() = %q, want %q and a real port", addr, tt.prefix+"PORT")
			}
			if got, want := s.Endpoint(), "http://"+addr; got != want {
				t.Errorf("Endpoint() = %q, want %q", got, want)
			}
		})
	}
}

// TestStartError checks that a Start that cannot listen says where.
func TestStartError(t *testing.T) {
	s := startSink(t, Options{})
	_, err := Start(t.Context(), Options{Listen: s.Addr()})
	if err == nil || !strings.Contains(err.Error(), s.Addr()) {
		t.Errorf("Start on a taken address: err = %v, want an error naming %s", err, s.Addr())
	}
}
