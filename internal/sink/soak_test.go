package sink

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The soak test is opt-in: it takes a minute and measures memory, so it
// must run alone (under flock /tmp/otelbench-load.lock on a shared
// machine):
//
//	go test -run TestSoak -soak ./internal/sink
var (
	soak         = flag.Bool("soak", false, "run TestSoak: traced requests through the real exporter for -soak.duration, checking that the sink's RSS stays flat")
	soakDuration = flag.Duration("soak.duration", time.Minute, "how long TestSoak sends")
	soakRate     = flag.Int("soak.rate", 2000, "requests (traces of 3 spans) per second TestSoak sends")
	soakNoIndex  = flag.Bool("soak.noindex", false, "TestSoak without a TraceIndex: the map, as the standalone sink counts")
	soakMaxGrow  = flag.Int("soak.maxgrow", 8, "how many MiB the sink's RSS may grow after the warm-up")
)

// soakChildEnv carries the sink's endpoint to the load generator, the test
// binary run again.
const soakChildEnv = "OTELBENCH_SOAK_ENDPOINT"

// soakWarmup is when TestSoak takes the RSS it compares with: the heap,
// the gRPC buffers and the first pages of the item table are in place.
const soakWarmup = 10 * time.Second

// TestSoak runs a load generator in a process of its own, the real SDK and
// otlptracegrpc exporter, sending -soak.rate traces per second of 3 spans
// shaped like the bundled target's for -soak.duration, to a sink in this
// process that counts them as in a runner's cell (with a TraceIndex). It
// samples this process's RSS every second and fails if it grows by more
// than -soak.maxgrow MiB after the warm-up, or if the sink did not count
// every span of every trace exactly.
func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("opt-in: go test -run TestSoak -soak ./internal/sink")
	}
	s := startSink(t, Options{})
	if !*soakNoIndex {
		s.SetTraceIndex(benchIDs.index(3))
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSoakChild$",
		"-soak.duration="+soakDuration.String(), "-soak.rate="+strconv.Itoa(*soakRate))
	cmd.Env = append(os.Environ(), soakChildEnv+"="+s.Endpoint())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var base, peak, last int64
	var series []string
loop:
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("load generator: %v\n%s", err, out.String())
			}
			break loop
		case <-tick.C:
			rss := selfRSS(t)
			el := time.Since(start).Round(time.Second)
			if el == soakWarmup {
				base = rss
			}
			if base > 0 {
				peak = max(peak, rss)
			}
			last = rss
			if el%(5*time.Second) == 0 {
				series = append(series, fmt.Sprintf("%v:%.1f", el, float64(rss)/(1<<20)))
			}
		}
	}
	snap := s.Reset()
	sent := sentTraces(t, out.String())
	t.Logf("RSS in MiB: %s; at the warm-up %.1f, peak after %.1f, last %.1f; %d traces, %v",
		strings.Join(series, " "), float64(base)/(1<<20), float64(peak)/(1<<20), float64(last)/(1<<20), sent, snap.Stats)
	if base == 0 {
		t.Fatalf("the load ended before the warm-up of %v", soakWarmup)
	}
	if grow := peak - base; grow > int64(*soakMaxGrow)<<20 {
		t.Errorf("RSS grew by %.1f MiB after the warm-up, want at most %d", float64(grow)/(1<<20), *soakMaxGrow)
	}
	if snap.Spans != 3*sent || snap.Duplicates != 0 || snap.NumTraces() != int(sent) {
		t.Errorf("sent %d traces of 3 spans; the sink counted %v in %d traces", sent, snap.Stats, snap.NumTraces())
	}
	for n := uint64(1); n <= uint64(sent); n++ {
		if c := snap.Trace(benchIDs.traceID(n)); c != (TraceCount{Spans: 3, ServerSpans: 1}) {
			t.Fatalf("trace of item %d: %+v", n, c)
		}
	}
}

// sentTraces reads the load generator's last line, "sent N".
func sentTraces(t *testing.T, out string) int64 {
	t.Helper()
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "sent "); ok {
			n, err := strconv.ParseInt(rest, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	t.Fatalf("no count from the load generator:\n%s", out)
	return 0
}

// selfRSS returns this process's resident set (VmRSS), in bytes.
func selfRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmRSS in /proc/self/status")
	return 0
}

// TestSoakChild is TestSoak's load generator; it does nothing unless
// TestSoak runs it. Each trace is item n's: a SERVER span whose remote
// parent carries the trace id the runner would derive from n, with
// otelhttp's attributes, and two children, as the bundled target makes
// them. Spans go through the SDK's batch span processor with its defaults.
func TestSoakChild(t *testing.T) {
	endpoint := os.Getenv(soakChildEnv)
	if endpoint == "" {
		t.Skip("run by TestSoak")
	}
	ctx := context.Background()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "otelbench-target"),
		attribute.String("telemetry.sdk.language", "go"), attribute.String("telemetry.sdk.name", "opentelemetry"),
		attribute.String("telemetry.sdk.version", "1.47.0"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithBlocking()), sdktrace.WithResource(res))
	tracer := tp.Tracer("github.com/otelbench/otelbench/targets")

	const tick = 10 * time.Millisecond
	perTick := *soakRate * int(tick) / int(time.Second)
	var n uint64
	start := time.Now()
	for at := start; time.Since(start) < *soakDuration; at = at.Add(tick) {
		time.Sleep(time.Until(at))
		for range perTick {
			n++
			id := strconv.FormatUint(n, 10)
			parent := trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: trace.TraceID(benchIDs.traceID(n)), SpanID: trace.SpanID{0: 1, 7: byte(n)}, TraceFlags: trace.FlagsSampled, Remote: true,
			})
			sctx, server := tracer.Start(trace.ContextWithRemoteSpanContext(ctx, parent), "GET /process/{item_id}",
				trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
					attribute.String("http.request.method", "GET"), attribute.String("url.path", "/process/"+id),
					attribute.String("url.scheme", "http"), attribute.String("server.address", "127.0.0.1"),
					attribute.Int("server.port", 40000), attribute.String("network.peer.address", "127.0.0.1"),
					attribute.Int("network.peer.port", 50000), attribute.String("user_agent.original", "Go-http-client/1.1"),
					attribute.String("client.address", "127.0.0.1"), attribute.String("network.protocol.version", "1.1"),
					attribute.String("http.route", "/process/{item_id}")))
			lctx, logic := tracer.Start(sctx, "process_item_logic", trace.WithAttributes(attribute.String("item.id", id)))
			_, step := tracer.Start(lctx, "process_item_step")
			step.End()
			logic.SetAttributes(attribute.String("processing.status", "completed"))
			logic.End()
			server.SetAttributes(attribute.Int("http.response.status_code", 200), attribute.Int("http.response.body.size", 40))
			server.End()
		}
	}
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("sent %d\n", n)
}
