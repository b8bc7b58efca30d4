package resultstest

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// LoseSpans makes repetition 1 of variant at rate lose n spans at the
// sink (and, where traces are matched, n spans of n/2 traces).
func (f *Fixture) LoseSpans(t testing.TB, variant string, rate int, n int64) {
	t.Helper()
	c := f.Cell(t, variant, rate, 1)
	c.Spans.Received -= n
	c.Spans.Lost = n
	if c.Spans.Matched {
		c.Spans.MissingSpans, c.Spans.MissingTraces = n, n/2
	}
}

// SlowDown adds extra latency to every request of variant at rate (every
// rate for 0).
func (f *Fixture) SlowDown(variant string, rate int, extra time.Duration) {
	f.Each(variant, rate, func(c *Cell) {
		latency := c.Latency
		c.Latency = func(i int) time.Duration { return latency(i) + extra }
	})
}

// SetCPU gives every cell of variant at rate (every rate for 0) a CPU time
// per request of d.
func (f *Fixture) SetCPU(variant string, rate int, d time.Duration) {
	f.Each(variant, rate, func(c *Cell) { c.CPU = d * time.Duration(c.N) })
}

// SetAlloc gives every cell of variant at rate (every rate for 0) a heap
// allocation per request of bytes and objects.
func (f *Fixture) SetAlloc(variant string, rate int, bytes, objects uint64) {
	f.Each(variant, rate, func(c *Cell) {
		n := uint64(c.N)
		c.Alloc = &results.Alloc{Bytes: bytes * n, Objects: objects * n}
	})
}

// SetModules records that variant's target was built with otel and
// otelhttp at the given releases.
func (f *Fixture) SetModules(variant, otel, otelhttp string) {
	if f.Modules == nil {
		f.Modules = map[string]map[string]string{}
	}
	f.Modules[variant] = map[string]string{results.ModuleOtel: otel, "go.opentelemetry.io/otel/sdk": otel, results.ModuleOtelhttp: otelhttp}
}

// SetExport gives every cell of variant (every instrumented one for "") a
// mean ExportSpans time of d over 100 exports.
func (f *Fixture) SetExport(variant string, d time.Duration) {
	for _, c := range f.Cells {
		if (variant == "" && c.Variant.Kind != profile.KindNone) || c.Variant.Name == variant {
			c.Export = results.Histogram{Count: 100, Sum: 100 * d.Seconds()}
		}
	}
}
