package sink

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestOutage takes the sink down for a window and checks that during it
// connections are refused and a fresh export fails with UNAVAILABLE, and
// that after it the same exporter, with its default reconnection, gets
// through again to the same address.
func TestOutage(t *testing.T) {
	const window = 600 * time.Millisecond
	s := startSink(t, Options{})
	addr := s.Addr()
	exp := newExporter(t, s)
	before, _ := recordSpans(t, 1, 1)
	if err := exp.ExportSpans(t.Context(), before); err != nil {
		t.Fatalf("ExportSpans before the outage: %v", err)
	}

	if err := s.SetFaults(Faults{Outages: []Window{{From: 0, To: window}}}); err != nil {
		t.Fatalf("SetFaults: %v", err)
	}
	origin := time.Now()
	s.StartTimeline(origin)
	waitFor(t, "the outage to begin", s.lis.isDown)

	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("dialling %s during the outage succeeded", addr)
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dialling %s during the outage: %v, want connection refused", addr, err)
	}
	during, _ := recordSpans(t, 1, 1)
	if err := exp.ExportSpans(t.Context(), during); status.Code(err) != codes.Unavailable {
		t.Errorf("ExportSpans during the outage: %v, want UNAVAILABLE", err)
	}
	if got := s.Stats(); got.Calls() != 1 {
		t.Errorf("Stats = %v: a call reached the sink during the outage", got)
	}

	// The exporter reconnects after its own backoff (about a second):
	// keep trying, as a batch processor would with later batches.
	after, want := recordSpans(t, 2, 1)
	deadline := time.Now().Add(waitLimit)
	for {
		err := exp.ExportSpans(t.Context(), after)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ExportSpans after the outage still fails: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if back := time.Since(origin); back < window {
		t.Errorf("an export got through %v after the outage began, before its end at %v", back, window)
	}
	if s.Addr() != addr {
		t.Errorf("Addr() = %s after the outage, want %s", s.Addr(), addr)
	}
	snap := s.Reset()
	if snap.Requests != 2 || snap.Abandoned != 0 || snap.Rejected != 0 {
		t.Errorf("Stats = %v, want the two exports that got through and nothing else", snap.Stats)
	}
	for id, c := range want {
		if snap.Traces[id] != c {
			t.Errorf("trace %s sent after the outage: got %+v, want %+v", id, snap.Traces[id], c)
		}
	}
	if err := s.ListenErr(); err != nil {
		t.Errorf("ListenErr() = %v, want nil", err)
	}
}

// TestOutageCutsOpenCalls checks that an outage cuts the connections it
// finds: a call held by the sink fails on the client with UNAVAILABLE at
// once, and the sink counts it as abandoned.
func TestOutageCutsOpenCalls(t *testing.T) {
	s := startSink(t, Options{Delay: time.Hour})
	exp := newExporter(t, s, otlptracegrpc.WithTimeout(waitLimit))
	spans, _ := recordSpans(t, 1, 2)

	done := make(chan error, 1)
	go func() { done <- exp.ExportSpans(t.Context(), spans) }()
	waitFor(t, "the call to reach the sink", func() bool { return s.inflight.Load() == 1 })

	if err := s.SetFaults(Faults{Outages: []Window{{From: 0, To: time.Second}}}); err != nil {
		t.Fatalf("SetFaults: %v", err)
	}
	s.StartTimeline(time.Now())
	if err := <-done; status.Code(err) != codes.Unavailable {
		t.Errorf("held call got %v, want UNAVAILABLE", err)
	}
	waitFor(t, "the sink to count the cut call", func() bool { return s.Stats().Abandoned == 1 })
	if want := (Stats{Abandoned: 1, AbandonedSpans: 3}); s.Stats() != want {
		t.Errorf("Stats = %v\nwant    %v", s.Stats(), want)
	}
}

// TestOutageStopTimeline checks that an outage without an end lasts until
// the timeline stops, and that windows do nothing before a timeline
// starts.
func TestOutageStopTimeline(t *testing.T) {
	s := startSink(t, Options{Faults: Faults{Outages: []Window{{}}}})
	exp := newExporter(t, s)
	spans, _ := recordSpans(t, 1, 0)
	if err := exp.ExportSpans(t.Context(), spans); err != nil {
		t.Fatalf("ExportSpans before StartTimeline: %v", err)
	}
	s.StartTimeline(time.Now())
	waitFor(t, "the outage to begin", s.lis.isDown)
	time.Sleep(100 * time.Millisecond)
	if !s.lis.isDown() {
		t.Fatal("an outage without an end ended by itself")
	}
	s.StopTimeline()
	waitFor(t, "the sink to listen again", func() bool { return !s.lis.isDown() })
	// A new exporter connects at once; the old one may still be in
	// its reconnection backoff.
	if err := newExporter(t, s).ExportSpans(t.Context(), spans); err != nil {
		t.Errorf("ExportSpans after StopTimeline: %v", err)
	}
}

// TestRelistenTaken takes the sink's port while it is down and checks
// that the sink says so, keeps trying, and comes back once the port is
// free.
func TestRelistenTaken(t *testing.T) {
	s := startSink(t, Options{Faults: Faults{Outages: []Window{{From: 0, To: 200 * time.Millisecond}}}})
	s.StartTimeline(time.Now())
	waitFor(t, "the outage to begin", s.lis.isDown)
	squatter, err := net.Listen("tcp", s.Addr())
	if err != nil {
		t.Fatalf("taking the sink's port %s during its outage: %v", s.Addr(), err)
	}
	waitFor(t, "the sink to report the taken port", func() bool { return s.ListenErr() != nil })
	if err := s.ListenErr(); !strings.Contains(err.Error(), s.Addr()) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("ListenErr() = %v, want address in use naming %s", err, s.Addr())
	}
	time.Sleep(3 * relistenRetry) // a few more failed tries
	if got := s.Stats().RelistenFailures; got != 1 {
		t.Errorf("RelistenFailures = %d, want 1 for the one outage", got)
	}

	squatter.Close()
	waitFor(t, "the sink to listen again", func() bool { return !s.lis.isDown() && s.ListenErr() == nil })
	spans, _ := recordSpans(t, 1, 0)
	if err := newExporter(t, s).ExportSpans(t.Context(), spans); err != nil {
		t.Errorf("ExportSpans once the port was free: %v", err)
	}
}
