package resultstest

import (
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// SetGC gives every cell of variant at rate (every rate for 0) cyclesPer1k
// garbage collections per 1,000 requests, and the collector share of the
// Go CPU, which is the cell's CPU. The cell keeps its allocation, or gets
// an empty one.
func (f *Fixture) SetGC(variant string, rate int, cyclesPer1k, share float64) {
	f.Each(variant, rate, func(c *Cell) {
		if c.Alloc == nil {
			c.Alloc = &results.Alloc{}
		}
		c.Alloc.GC = &results.GC{
			Cycles: uint64(cyclesPer1k * float64(c.N) / 1000),
			CPU:    time.Duration(share * float64(c.CPU)),
			GoCPU:  c.CPU,
		}
	})
}

// SetWire gives every cell of variant (every rate) bytes on the wire per
// span received.
func (f *Fixture) SetWire(variant string, bytesPerSpan int64) {
	f.Each(variant, 0, func(c *Cell) { c.Wire = bytesPerSpan })
}
