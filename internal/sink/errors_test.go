package sink

import (
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestInjectedErrors answers every export with an error and checks, with
// the real exporter and its retries on, which errors it retries and how
// long it waits, as its source says (otlptracegrpc client.go,
// retryableGRPCStatus): UNAVAILABLE always, honouring a RetryInfo delay;
// RESOURCE_EXHAUSTED only with RetryInfo; INTERNAL never.
func TestInjectedErrors(t *testing.T) {
	// A quick backoff, so that a wait of 100 ms can only come from
	// RetryInfo; MaxElapsedTime ends the retries.
	retry := otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{
		Enabled:         true,
		InitialInterval: time.Millisecond,
		MaxInterval:     time.Millisecond,
		MaxElapsedTime:  350 * time.Millisecond,
	})
	tests := []struct {
		name       string
		code       codes.Code
		retryAfter time.Duration
		retried    bool
	}{
		// The usual transient error: retried until MaxElapsedTime.
		{name: "UNAVAILABLE", code: codes.Unavailable, retried: true},
		// UNAVAILABLE with RetryInfo: retried, each time after the delay.
		{name: "UNAVAILABLE with RetryInfo", code: codes.Unavailable, retryAfter: 100 * time.Millisecond, retried: true},
		// A server asking its clients to come back later.
		{name: "RESOURCE_EXHAUSTED with RetryInfo", code: codes.ResourceExhausted, retryAfter: 100 * time.Millisecond, retried: true},
		// Without RetryInfo the exporter takes it as permanent.
		{name: "RESOURCE_EXHAUSTED", code: codes.ResourceExhausted, retried: false},
		// A server bug: never retried.
		{name: "INTERNAL", code: codes.Internal, retried: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSink(t, Options{Faults: Faults{ErrorRate: 1, ErrorCode: tt.code, RetryAfter: tt.retryAfter}})
			exp := newExporter(t, s, retry)
			spans, _ := recordSpans(t, 2, 2) // 6 spans

			start := time.Now()
			err := exp.ExportSpans(t.Context(), spans)
			took := time.Since(start)
			if err == nil {
				t.Fatal("ExportSpans succeeded against a sink that fails every export")
			}
			if got := status.Code(err); got != tt.code {
				t.Errorf("client got %v (%v), want %v", got, err, tt.code)
			}

			st := s.Stats()
			attempts := st.Rejected
			if st.Requests != 0 || st.Spans != 0 || st.Abandoned != 0 {
				t.Errorf("Stats = %v: failed exports must not count as received or abandoned", st)
			}
			if st.RejectedSpans != 6*attempts {
				t.Errorf("RejectedSpans = %d, want 6 per attempt, %d", st.RejectedSpans, 6*attempts)
			}
			byCode := map[codes.Code]int64{
				codes.Unavailable:       st.RejectedUnavailable,
				codes.ResourceExhausted: st.RejectedResourceExhausted,
				codes.Internal:          st.RejectedInternal,
			}
			for c, n := range byCode {
				if want := map[bool]int64{true: attempts, false: 0}[c == tt.code]; n != want {
					t.Errorf("rejected with %v = %d, want %d", c, n, want)
				}
			}

			switch {
			case !tt.retried && attempts != 1:
				t.Errorf("the exporter made %d attempts, want exactly 1: %v is not retried", attempts, tt.code)
			case tt.retried && attempts < 2:
				t.Errorf("the exporter made %d attempts, want more than 1: %v is retried", attempts, tt.code)
			case tt.retried && took < time.Duration(attempts-1)*tt.retryAfter:
				t.Errorf("%d attempts took %v, want at least %v: %v apart as RetryInfo asks",
					attempts, took, time.Duration(attempts-1)*tt.retryAfter, tt.retryAfter)
			}
		})
	}
}

// TestHalfErrorsRetried fails about half the exports and checks that the
// exporter's retries deliver every span exactly once: the sink counts
// each batch as received once, with no duplicates, and every failed
// attempt as rejected.
func TestHalfErrorsRetried(t *testing.T) {
	const batches = 20
	s := startSink(t, Options{Faults: Faults{ErrorRate: 0.5, ErrorCode: codes.Unavailable, Seed: 3}})
	exp := newExporter(t, s, otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{
		Enabled:         true,
		InitialInterval: time.Millisecond,
		MaxInterval:     5 * time.Millisecond,
		MaxElapsedTime:  waitLimit,
	}))
	all := make(map[TraceID]TraceCount)
	var sent [][]sdktrace.ReadOnlySpan
	for range batches {
		spans, want := recordSpans(t, 3, 1) // 6 spans, 3 traces
		sent = append(sent, spans)
		for id, c := range want {
			all[id] = c
		}
	}
	for i, spans := range sent {
		if err := exp.ExportSpans(t.Context(), spans); err != nil {
			t.Fatalf("ExportSpans #%d: %v", i, err)
		}
	}

	snap := s.Reset()
	if snap.Requests != batches || snap.Spans != 6*batches || snap.ServerSpans != 3*batches || snap.Duplicates != 0 {
		t.Errorf("Stats = %v\nwant %d requests, %d spans, %d server spans, no duplicates",
			snap.Stats, batches, 6*batches, 3*batches)
	}
	if snap.Rejected == 0 || snap.RejectedUnavailable != snap.Rejected || snap.RejectedSpans != 6*snap.Rejected {
		t.Errorf("Stats = %v\nwant some rejected attempts, all UNAVAILABLE, 6 spans each", snap.Stats)
	}
	if got, want := snap.Calls(), batches+snap.Rejected; got != want {
		t.Errorf("Calls() = %d, want %d answered + %d rejected", got, batches, snap.Rejected)
	}
	assertTraces(t, snap.Traces, all)
}
