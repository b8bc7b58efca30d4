package sink

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestDelay checks that a delay holds each export at least that long, and
// that it still counts the spans as received.
func TestDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	tests := []struct {
		name string
		opts Options
		set  func(*Sink) // applied after Start, nil for none
	}{
		// The delay given at Start.
		{name: "Options.Delay", opts: Options{Delay: delay}},
		// A delay set on a running sink.
		{name: "SetDelay", set: func(s *Sink) { s.SetDelay(delay) }},
		// The last SetDelay wins over Options.
		{name: "SetDelay overrides Options", opts: Options{Delay: time.Hour}, set: func(s *Sink) { s.SetDelay(delay) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, tt.opts)
			if tt.set != nil {
				tt.set(s)
			}
			exp := newExporter(t, s)
			spans, want := recordSpans(t, 2, 1)

			start := time.Now()
			if err := exp.ExportSpans(t.Context(), spans); err != nil {
				t.Fatalf("ExportSpans: %v", err)
			}
			if took := time.Since(start); took < delay {
				t.Errorf("export took %v, want at least the delay %v", took, delay)
			}
			snap := s.Reset()
			if want := (Stats{Requests: 1, Spans: 4, ServerSpans: 2}); snap.Stats != want {
				t.Errorf("Stats = %v\nwant    %v", snap.Stats, want)
			}
			assertTraces(t, snap.Traces, want)
		})
	}
}

// TestAbandoned checks that a client that gives up during a long delay
// gets an error, and that the sink counts its call as abandoned, not
// received, with the code the client saw.
func TestAbandoned(t *testing.T) {
	tests := []struct {
		name string
		opts []otlptracegrpc.Option
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		code codes.Code
	}{
		{
			// The exporter's own timeout runs out.
			name: "exporter timeout",
			opts: []otlptracegrpc.Option{otlptracegrpc.WithTimeout(100 * time.Millisecond)},
			ctx:  context.WithCancel,
			code: codes.DeadlineExceeded,
		},
		{
			// The caller's deadline runs out, as the batch processor's
			// export timeout would.
			name: "caller deadline",
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, 100*time.Millisecond)
			},
			code: codes.DeadlineExceeded,
		},
		{
			// The caller cancels.
			name: "caller cancels",
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			code: codes.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, Options{Delay: time.Hour})
			exp := newExporter(t, s, tt.opts...)
			spans, _ := recordSpans(t, 3, 2)

			ctx, cancel := tt.ctx(t.Context())
			err := exp.ExportSpans(ctx, spans)
			cancel()
			if err == nil {
				t.Fatal("ExportSpans succeeded during a one-hour delay")
			}
			if got := status.Code(err); got != tt.code {
				t.Errorf("client got %v (%v), want %v", got, err, tt.code)
			}

			// The sink learns of it a moment after the client.
			waitFor(t, "the sink to count the abandoned call", func() bool { return s.Stats().Abandoned > 0 })
			snap := s.Reset()
			if want := (Stats{Abandoned: 1, AbandonedSpans: 9}); snap.Stats != want {
				t.Errorf("Stats = %v\nwant    %v", snap.Stats, want)
			}
			if len(snap.Traces) != 0 {
				t.Errorf("abandoned spans reached Traces: %v", snap.Traces)
			}
		})
	}
}

// TestAbandonedThenRetried checks that spans of an abandoned call are not
// duplicates when they arrive again and are answered.
func TestAbandonedThenRetried(t *testing.T) {
	s := startSink(t, Options{Delay: time.Hour})
	exp := newExporter(t, s, otlptracegrpc.WithTimeout(50*time.Millisecond))
	spans, want := recordSpans(t, 2, 2)
	if err := exp.ExportSpans(t.Context(), spans); err == nil {
		t.Fatal("ExportSpans succeeded during a one-hour delay")
	}
	waitFor(t, "the sink to count the abandoned call", func() bool { return s.Stats().Abandoned > 0 })

	s.SetDelay(0)
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans without delay: %v", err)
	}
	snap := s.Reset()
	if want := (Stats{Requests: 1, Spans: 6, ServerSpans: 2, Abandoned: 1, AbandonedSpans: 6}); snap.Stats != want {
		t.Errorf("Stats = %v\nwant    %v", snap.Stats, want)
	}
	assertTraces(t, snap.Traces, want)
}

// TestCloseReleasesHeldCalls checks that Close does not wait out a long
// delay: the held call is refused with Unavailable and counted as
// rejected.
func TestCloseReleasesHeldCalls(t *testing.T) {
	s, err := Start(t.Context(), Options{Delay: time.Hour})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	exp := newExporter(t, s, otlptracegrpc.WithTimeout(time.Hour))
	spans, _ := recordSpans(t, 1, 4)

	done := make(chan error, 1)
	go func() { done <- exp.ExportSpans(t.Context(), spans) }()
	waitFor(t, "the call to reach the sink", func() bool { return s.inflight.Load() == 1 })

	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	err = <-done
	if got := status.Code(err); got != codes.Unavailable {
		t.Errorf("held call got %v (%v), want Unavailable", got, err)
	}
	if want := (Stats{Rejected: 1, RejectedSpans: 5, RejectedUnavailable: 1}); s.Stats() != want {
		t.Errorf("Stats = %v\nwant    %v", s.Stats(), want)
	}
}
