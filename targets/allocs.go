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
)

// registerAllocs registers wire.MetricHeapAllocBytes and
// wire.MetricHeapAllocObjects, read from runtime/metrics at each scrape:
// cumulative since the process started, exact, and without stopping the
// world (runtime.ReadMemStats would).
func registerAllocs(f promauto.Factory) {
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricHeapAllocBytes,
		Help: "Bytes allocated on the heap since the target started (runtime/metrics " + allocBytesSample + ").",
	}, func() float64 { return readAllocs()[0] })
	f.NewCounterFunc(prometheus.CounterOpts{
		Name: wire.MetricHeapAllocObjects,
		Help: "Heap allocations since the target started, tiny ones included (runtime/metrics " + allocObjectsSample + " + " + tinyObjectsSample + ").",
	}, func() float64 { return readAllocs()[1] })
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
