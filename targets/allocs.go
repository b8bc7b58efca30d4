package targets

import (
	"runtime/metrics"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/otelbench/otelbench/internal/wire"
)

// The runtime/metrics samples behind the allocation counters.
const (
	allocBytesSample   = "/gc/heap/allocs:bytes"
	allocObjectsSample = "/gc/heap/allocs:objects"
	tinyObjectsSample  = "/gc/heap/tiny/allocs:objects"
	gcCyclesSample     = "/gc/cycles/total:gc-cycles"
	gcCPUSample        = "/cpu/classes/gc/total:cpu-seconds"
	totalCPUSample     = "/cpu/classes/total:cpu-seconds"
	idleCPUSample      = "/cpu/classes/idle:cpu-seconds"
)

// registerAllocs registers wire.MetricHeapAllocBytes,
// wire.MetricHeapAllocObjects, wire.MetricGCCycles, wire.MetricGCCPUSeconds
// and wire.MetricGoCPUSeconds, read from runtime/metrics at each scrape:
// cumulative since the process started, without stopping the world
// (runtime.ReadMemStats would); the GC's CPU time is the runtime's own
// estimate.
func registerAllocs(f promauto.Factory) {
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricHeapAllocBytes,
		Help: "Bytes allocated on the heap since the target started (runtime/metrics " + allocBytesSample + ").",
	}, func() float64 { return readAllocs()[0] })
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricHeapAllocObjects,
		Help: "Heap allocations since the target started, tiny ones included (runtime/metrics " + allocObjectsSample + " + " + tinyObjectsSample + ").",
	}, func() float64 { return readAllocs()[1] })
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricGCCycles,
		Help: "Garbage collections completed since the target started (runtime/metrics " + gcCyclesSample + ").",
	}, func() float64 { return readRuntime(gcCyclesSample) })
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricGCCPUSeconds,
		Help: "The runtime's estimate of the CPU time spent in garbage collection since the target started (runtime/metrics " + gcCPUSample + ").",
	}, func() float64 { return readRuntime(gcCPUSample) })
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricGoCPUSeconds,
		Help: "The runtime's estimate of the CPU time Go code and the runtime used since the target started (runtime/metrics " + totalCPUSample + " less " + idleCPUSample + ").",
	}, func() float64 { return readRuntime(totalCPUSample) - readRuntime(idleCPUSample) })
}

// readRuntime returns one cumulative runtime/metrics sample, an integer
// or a float; 0 if this Go release does not have it.
func readRuntime(name string) float64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	switch s[0].Value.Kind() {
	case metrics.KindUint64:
		return float64(s[0].Value.Uint64())
	case metrics.KindFloat64:
		return s[0].Value.Float64()
	}
	return 0
}

// readAllocs returns the bytes and the objects allocated so far.
func readAllocs() [2]float64 {
	s := []metrics.Sample{{Name: allocBytesSample}, {Name: allocObjectsSample}, {Name: tinyObjectsSample}}
	metrics.Read(s)
	var v [3]float64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = float64(s[i].Value.Uint64())
		}
	}
	return [2]float64{v[0], v[1] + v[2]}
}
