package targets

import (
	"runtime"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otelbench/otelbench/internal/wire"
)

var allocSink [][]byte

// TestAllocCounters checks that the allocation counters are on the
// registry and grow by at least what the test allocates.
func TestAllocCounters(t *testing.T) {
	reg := prometheus.NewRegistry()
	NewMetrics(reg)
	read := func() (bytes, objects float64) {
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			switch f.GetName() {
			case wire.MetricHeapAllocBytes:
				bytes = f.GetMetric()[0].GetCounter().GetValue()
			case wire.MetricHeapAllocObjects:
				objects = f.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return bytes, objects
	}
	b0, o0 := read()
	for range 1000 {
		allocSink = append(allocSink, make([]byte, 1024))
	}
	allocSink = nil
	b1, o1 := read()
	if b1-b0 < 1000*1024 || o1-o0 < 1000 {
		t.Errorf("allocated at least 1000 × 1 KiB, counters grew by %.0f bytes and %.0f objects", b1-b0, o1-o0)
	}
}

// TestGCCounters checks that the GC counters are on the registry and
// count a forced collection.
func TestGCCounters(t *testing.T) {
	reg := prometheus.NewRegistry()
	NewMetrics(reg)
	read := func() (cycles, cpu, used float64) {
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			switch f.GetName() {
			case wire.MetricGCCycles:
				cycles = f.GetMetric()[0].GetCounter().GetValue()
			case wire.MetricGCCPUSeconds:
				cpu = f.GetMetric()[0].GetCounter().GetValue()
			case wire.MetricGoCPUSeconds:
				used = f.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return cycles, cpu, used
	}
	c0, _, _ := read()
	for range 3 {
		runtime.GC()
	}
	c1, cpu, used := read()
	if c1-c0 < 3 {
		t.Errorf("3 forced collections, the cycle counter grew by %.0f", c1-c0)
	}
	if cpu <= 0 || used < cpu {
		t.Errorf("GC CPU %g s of %g s used after collections, want more than 0 and a part of it", cpu, used)
	}
}
