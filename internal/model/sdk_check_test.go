package model

import (
	"context"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// These tests run the real BatchSpanProcessor against an exporter that
// sleeps, and compare what it does with the model. They take about 10 s and
// need a quiet machine, so they only run with OTELBENCH_SDK_CHECK=1:
//
//	OTELBENCH_SDK_CHECK=1 go test -run SDK -v ./internal/model/
//
// Run them when the SDK version in go.mod changes.

// sleepExporter sleeps for latency in every export and records each export's
// size, start, end and span names.
type sleepExporter struct {
	latency time.Duration
	mu      sync.Mutex
	exports []export
	names   map[string]bool
}

type export struct {
	size       int
	start, end time.Time
}

func (e *sleepExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	start := time.Now()
	e.mu.Lock()
	for _, s := range spans {
		e.names[s.Name()] = true
	}
	e.mu.Unlock()
	t := time.NewTimer(e.latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	e.exports = append(e.exports, export{size: len(spans), start: start, end: time.Now()})
	e.mu.Unlock()
	return nil
}

func (*sleepExporter) Shutdown(context.Context) error { return nil }

// runSDK ends spans named by their index on a real processor with settings s
// whose exporter sleeps latency, at rate spans/s (0: as fast as possible) for
// d, shuts the provider down (exporting what is left), and returns the
// exporter's record up to the end of d.
func runSDK(t *testing.T, s settings.Batch, latency time.Duration, rate float64, d time.Duration) (exports []export, names map[string]bool, ended int) {
	t.Helper()
	if os.Getenv("OTELBENCH_SDK_CHECK") != "1" {
		t.Skip("set OTELBENCH_SDK_CHECK=1 to check the model against the SDK")
	}
	e := &sleepExporter{latency: latency, names: map[string]bool{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(e,
		sdktrace.WithMaxQueueSize(s.QueueSize),
		sdktrace.WithMaxExportBatchSize(s.MaxExportBatchSize),
		sdktrace.WithBatchTimeout(s.BatchTimeout),
	))
	tr := tp.Tracer("model")
	start := time.Now()
	for time.Since(start) < d {
		if rate > 0 {
			if wait := time.Until(start.Add(time.Duration(float64(ended) / rate * 1e9))); wait > 0 {
				time.Sleep(wait)
			}
		}
		_, span := tr.Start(context.Background(), strconv.Itoa(ended))
		span.End()
		ended++
	}
	e.mu.Lock()
	exports = slices.Clone(e.exports)
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	return exports, e.names, ended
}

// measuredCeiling returns the spans per second exported from the first
// export's start to the last one's end, the exports' mean duration and the
// mean gap between one export's end and the next one's start (the worker
// moving the next batch from the queue), in seconds.
func measuredCeiling(exports []export) (rate, meanSeconds, gapSeconds float64) {
	total, busy := 0, 0.0
	for _, x := range exports {
		total += x.size
		busy += x.end.Sub(x.start).Seconds()
	}
	window := exports[len(exports)-1].end.Sub(exports[0].start).Seconds()
	n := float64(len(exports))
	return float64(total) / window, busy / n, (window - busy) / max(1, n-1)
}

func within(got, want, tolerance float64) bool {
	return math.Abs(got-want) <= tolerance*want
}

func TestSDKCeiling(t *testing.T) {
	// Timer 1 s, exports 20 ms, 40 000 spans/s offered: full batches back
	// to back, about 25 600 spans/s.
	s := batchOf(2048, 512, time.Second)
	exports, _, _ := runSDK(t, s, 20*time.Millisecond, 40_000, 2*time.Second)
	got, mean, gap := measuredCeiling(exports)
	want := Ceiling(s, Load{ExportLatency: seconds(mean)})
	t.Logf("%d exports of %v on average, %v between them: %.0f spans/s, model %.0f",
		len(exports), seconds(mean), seconds(gap), got, want)
	if !within(got, want, 0.1) {
		t.Errorf("measured %.0f spans/s, the model says %.0f", got, want)
	}
	for _, x := range exports {
		if x.size != 512 {
			t.Errorf("an export of %d spans, want only full batches", x.size)
			break
		}
	}
}

func TestSDKTimerRace(t *testing.T) {
	// Timer 10 ms, exports 20 ms: batches split at random.
	s := batchOf(2048, 512, 10*time.Millisecond)
	exports, _, _ := runSDK(t, s, 20*time.Millisecond, 40_000, 3*time.Second)
	got, mean, _ := measuredCeiling(exports)
	want := Ceiling(s, Load{ExportLatency: seconds(mean)})
	batch := 0.0
	for _, x := range exports {
		batch += float64(x.size)
	}
	batch /= float64(len(exports))
	t.Logf("%d exports, %.0f spans each on average (model %.0f): %.0f spans/s, model %.0f", len(exports), batch, RaceBatchSize(512), got, want)
	if !within(batch, RaceBatchSize(512), 0.2) || !within(got, want, 0.2) {
		t.Errorf("measured %.0f spans per export, %.0f spans/s; the model says %.0f, %.0f", batch, got, RaceBatchSize(512), want)
	}
}

func TestSDKTimerPeriod(t *testing.T) {
	// 1 000 spans/s, timer 100 ms, exports 30 ms: an export every 100 ms
	// (the timer restarts when an export starts), not every 130 ms.
	s := batchOf(2048, 512, 100*time.Millisecond)
	exports, _, _ := runSDK(t, s, 30*time.Millisecond, 1000, 2*time.Second)
	var gaps []float64
	for i := 1; i < len(exports); i++ {
		gaps = append(gaps, exports[i].start.Sub(exports[i-1].start).Seconds())
	}
	slices.Sort(gaps)
	f := flowAt(s, load(1000, 1, 30*time.Millisecond), 1000)
	t.Logf("median gap %v, model %v", seconds(gaps[len(gaps)/2]), seconds(f.interval))
	if !within(gaps[len(gaps)/2], f.interval, 0.1) {
		t.Errorf("median gap between exports %v, the model says %v", seconds(gaps[len(gaps)/2]), seconds(f.interval))
	}
}

func TestSDKBurstAbsorb(t *testing.T) {
	// 10 000 spans/s from idle into queue 2048, batch 512, 100 ms exports:
	// the first span dropped is number 2 048 + 4 × 512 = 4 096.
	s := batchOf(2048, 512, time.Second)
	l := load(10_000, 1, 100*time.Millisecond)
	_, names, ended := runSDK(t, s, 100*time.Millisecond, 10_000, 700*time.Millisecond)
	first := ended
	for i := range ended {
		if !names[strconv.Itoa(i)] {
			first = i
			break
		}
	}
	want := burstAt(s, l).AbsorbFromIdle.Seconds() * 10_000
	t.Logf("first dropped span %d of %d, model %.0f", first, ended, want)
	if !within(float64(first), want, 0.05) {
		t.Errorf("first dropped span %d, the model says %.0f", first, want)
	}
}
