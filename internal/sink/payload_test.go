package sink

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/otelbench/otelbench/internal/wire"
	"github.com/otelbench/otelbench/targets"
)

// captureServer is an OTLP/gRPC endpoint that keeps the body of every
// Export call as it came off the wire and answers OK: a way to get the
// exact bytes a real exporter sends.
type captureServer struct {
	srv *grpc.Server
	lis net.Listener

	mu     sync.Mutex
	bodies [][]byte
}

// startCaptureServer starts a captureServer on loopback and stops it when
// the test ends.
func startCaptureServer(tb testing.TB) *captureServer {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c := &captureServer{lis: lis}
	c.srv = grpc.NewServer(grpc.ForceServerCodec(rawCodec{}), grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		var body []byte
		if err := stream.RecvMsg(&body); err != nil {
			return err
		}
		c.mu.Lock()
		c.bodies = append(c.bodies, body)
		c.mu.Unlock()
		return stream.SendMsg(&[]byte{})
	}))
	go func() { _ = c.srv.Serve(lis) }()
	tb.Cleanup(c.srv.Stop)
	return c
}

// endpoint returns the server's address as an OTLP endpoint URL.
func (c *captureServer) endpoint() string { return "http://" + c.lis.Addr().String() }

// take returns the bodies received so far and forgets them.
func (c *captureServer) take() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.bodies
	c.bodies = nil
	return out
}

// testItemIDs derives trace ids from item numbers as the runner does
// (internal/runner/traceid.go), which this package cannot import: a fixed
// prefix and the splitmix64 finaliser, a bijection.
type testItemIDs struct{ prefix [8]byte }

var benchIDs = testItemIDs{prefix: [8]byte{0x0b, 0xe1, 0xc4, 0x00, 0x5e, 0xed, 0x00, 0x01}}

func (t testItemIDs) traceID(n uint64) TraceID {
	var id TraceID
	copy(id[:8], t.prefix[:])
	x := n
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	binary.BigEndian.PutUint64(id[8:], x)
	return id
}

func (t testItemIDs) item(id TraceID) (uint64, bool) {
	if [8]byte(id[:8]) != t.prefix {
		return 0, false
	}
	x := binary.BigEndian.Uint64(id[8:])
	x ^= x>>31 ^ x>>62
	x *= 0x319642b2d24d8ec3
	x ^= x>>27 ^ x>>54
	x *= 0x96de1b173f119089
	x ^= x>>30 ^ x>>60
	return x, true
}

func (t testItemIDs) index(spans int) TraceIndex {
	return TraceIndex{Item: t.item, ID: t.traceID, Spans: spans}
}

// traceparent returns a sampled traceparent for item n, as the runner
// sends it.
func (t testItemIDs) traceparent(n uint64) string {
	id := t.traceID(n)
	return "00-" + hex.EncodeToString(id[:]) + "-" + hex.EncodeToString(id[8:]) + "-01"
}

// targetPayloads runs the bundled target in-process (targets.Run, batch
// variant, one extra span: a server span from otelhttp, process_item_logic
// with item.id and processing.status, and process_item_step), sends it
// requests traced requests numbered from 1 with the runner's traceparent,
// and returns the ExportTraceServiceRequest bodies its real otlptracegrpc
// exporter sent: batches of 512 spans, the last one smaller.
func targetPayloads(tb testing.TB, requests int) [][]byte {
	tb.Helper()
	c := startCaptureServer(tb)
	tb.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.endpoint())
	// Batches leave when full, and the rest at shutdown.
	tb.Setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")
	tb.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100000")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- targets.Run(ctx, targets.Config{Variant: targets.VariantBatch, ExtraSpans: 1, ShutdownTimeout: 10 * time.Second}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	if err != nil {
		tb.Fatalf("reading the target's ready line: %v (Run: %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	ready, err := wire.ParseReady(line)
	if err != nil {
		tb.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	for n := 1; n <= requests; n++ {
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s/process/%d", ready.Addr, n), nil)
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Traceparent", benchIDs.traceparent(uint64(n)))
		resp, err := client.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET %s: %s", req.URL, resp.Status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		tb.Fatalf("target: %v", err)
	}
	bodies := c.take()
	if len(bodies) == 0 {
		tb.Fatal("the target exported nothing")
	}
	return bodies
}
