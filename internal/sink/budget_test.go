package sink

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// rawConn returns a gRPC connection to s that sends bodies as they are.
func rawConn(t testing.TB, s *Sink) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(s.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallSendMsgSize(1<<30)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// invoke sends body as one Export call.
func invoke(ctx context.Context, conn *grpc.ClientConn, body []byte) error {
	var resp []byte
	return conn.Invoke(ctx, exportMethod, &body, &resp)
}

// TestInflightBudget holds one call with a latency fault and sends a second
// while it waits: the second would take the bytes in flight over
// MaxInflightBytes, so it is refused with RESOURCE_EXHAUSTED at once and
// counted as rejected, spans and all; the first is answered OK.
func TestInflightBudget(t *testing.T) {
	body := targetPayloads(t, 171)[0] // 512 spans
	// Room for one call: its bytes and the records of its spans.
	s := startSink(t, Options{MaxInflightBytes: int64(len(body)) + 512*recordSize + 100, Delay: 500 * time.Millisecond})
	conn := rawConn(t, s)

	held := make(chan error, 1)
	go func() { held <- invoke(t.Context(), conn, body) }()
	waitFor(t, "the first call to be held", func() bool { return s.inflight.Load() == 1 })
	start := time.Now()
	err := invoke(t.Context(), conn, body)
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("second call: %v, want RESOURCE_EXHAUSTED", err)
	}
	if took := time.Since(start); took > 250*time.Millisecond {
		t.Errorf("the refusal took %v: it should not wait for the held call", took)
	}
	if err := <-held; err != nil {
		t.Errorf("held call: %v", err)
	}
	want := Stats{Requests: 1, Spans: 512, ServerSpans: s.Stats().ServerSpans,
		Rejected: 1, RejectedSpans: 512, RejectedResourceExhausted: 1}
	if got := s.Stats(); got != want {
		t.Errorf("Stats = %v\nwant    %v", got, want)
	}
	// With the budget free again, the same body passes.
	if err := invoke(t.Context(), conn, body); err != nil {
		t.Errorf("a call after the held one: %v", err)
	}
}

// peakRSS returns the process's peak resident set (VmHWM), in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}

// TestLargeExportsBounded sends 8 large exports at once, twice: of 60 MiB,
// over MaxRecvMsgSize, which gRPC refuses before reading them, and of
// almost 16 MiB, valid requests of the bundled target's spans, which the
// sink reads (gRPC holds each body before the sink sees it) and counts
// or refuses with RESOURCE_EXHAUSTED over DefaultMaxInflightBytes. The
// process's peak RSS, client included, must stay far below what decoding
// them into Go values cost (1.5 GB for the first case).
func TestLargeExportsBounded(t *testing.T) {
	batch := targetPayloads(t, 171)[0]
	walked, err := walkExport(batch, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Requests concatenated are one request with all their spans.
	large := bytes.Repeat(batch, (MaxRecvMsgSize-1)/len(batch))
	perLarge := walked * int64((MaxRecvMsgSize-1)/len(batch))
	huge := bytes.Repeat(batch, (60<<20)/len(batch))

	s := startSink(t, Options{})
	conn := rawConn(t, s)
	before := peakRSS(t)
	send := func(body []byte) []error {
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = invoke(t.Context(), conn, body) })
		}
		wg.Wait()
		return errs
	}

	for i, err := range send(huge) {
		if status.Code(err) != codes.ResourceExhausted {
			t.Errorf("60 MiB call %d: %v, want RESOURCE_EXHAUSTED", i, err)
		}
	}
	if st := s.Stats(); st != (Stats{}) {
		t.Errorf("calls refused by gRPC were counted: %v", st)
	}

	var ok, refused int64
	for i, err := range send(large) {
		switch status.Code(err) {
		case codes.OK:
			ok++
		case codes.ResourceExhausted:
			refused++
		default:
			t.Errorf("16 MiB call %d: %v", i, err)
		}
	}
	st := s.Stats()
	if st.Requests != ok || st.Spans != ok*perLarge || st.RejectedResourceExhausted != refused || st.RejectedSpans != refused*perLarge {
		t.Errorf("%d calls answered OK and %d refused, stats %v", ok, refused, st)
	}
	growth := peakRSS(t) - before
	t.Logf("peak RSS grew by %d MiB; %d of 8 calls of %d MiB answered, %d refused", growth>>20, ok, len(large)>>20, refused)
	if limit := int64(600 << 20); growth > limit {
		t.Errorf("peak RSS grew by %d MiB, want at most %d", growth>>20, limit>>20)
	}
}

// TestBudget checks the accounting of the in-flight budget itself.
func TestBudget(t *testing.T) {
	b := budget{limit: 10}
	steps := []struct {
		take int64 // negative: give back
		ok   bool
	}{
		{take: 4, ok: true},  // fits
		{take: 6, ok: true},  // fills exactly
		{take: 1, ok: false}, // one too many
		{take: -6},           // one call ends
		{take: 7, ok: false}, // still too big
		{take: 5, ok: true},  // fits again
		{take: 11, ok: false},
	}
	for i, st := range steps {
		if st.take < 0 {
			b.give(-st.take)
			continue
		}
		if got := b.take(st.take); got != st.ok {
			t.Errorf("step %d: take(%d) = %v, want %v", i, st.take, got, st.ok)
		}
	}
	if got := b.used.Load(); got != 9 {
		t.Errorf("used %d at the end, want 9", got)
	}
}
