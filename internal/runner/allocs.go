package runner

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/wire"
)

// allocScrapeTimeout bounds one read of a target's /metrics for its
// allocation counters.
const allocScrapeTimeout = 2 * time.Second

// allocCount is a target's allocation and GC counters at one moment;
// gc is false when it exposes no GC counters.
type allocCount struct {
	bytes, objects       float64
	gc                   bool
	cycles, gcCPU, goCPU float64
}

// allocsAt reads the bundled target's allocation counters
// (wire.MetricHeapAllocBytes, wire.MetricHeapAllocObjects) from its
// /metrics; false for a user's service, which has none, and when the read
// fails.
func (r *Runner) allocsAt(ctx context.Context, cr *cellRun) (allocCount, bool) {
	if r.opts.Service != nil {
		return allocCount{}, false
	}
	a, err := scrapeAllocs(ctx, cr.t.addr)
	return a, err == nil
}

// allocDuring is what the target allocated between two reads, nil unless
// both succeeded.
func allocDuring(a0, a1 allocCount, ok bool) *results.Alloc {
	if !ok || a1.bytes < a0.bytes || a1.objects < a0.objects {
		return nil
	}
	a := &results.Alloc{Bytes: uint64(a1.bytes - a0.bytes), Objects: uint64(a1.objects - a0.objects)}
	if a0.gc && a1.gc && a1.cycles >= a0.cycles && a1.gcCPU >= a0.gcCPU && a1.goCPU >= a0.goCPU {
		a.GC = &results.GC{
			Cycles: uint64(a1.cycles - a0.cycles),
			CPU:    seconds(a1.gcCPU - a0.gcCPU),
			GoCPU:  seconds(a1.goCPU - a0.goCPU),
		}
	}
	return a
}

// seconds converts a counter in seconds to a duration.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// scrapeAllocs reads the allocation counters from the /metrics of the
// target at addr.
func scrapeAllocs(ctx context.Context, addr string) (allocCount, error) {
	ctx, cancel := context.WithTimeout(ctx, allocScrapeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return allocCount{}, err
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return allocCount{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return allocCount{}, fmt.Errorf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return allocCount{}, fmt.Errorf("/metrics: %w", err)
	}
	b, o := fams[wire.MetricHeapAllocBytes], fams[wire.MetricHeapAllocObjects]
	if b == nil || o == nil {
		return allocCount{}, fmt.Errorf("/metrics has no %s or %s", wire.MetricHeapAllocBytes, wire.MetricHeapAllocObjects)
	}
	a := allocCount{bytes: counterSum(b, "", ""), objects: counterSum(o, "", "")}
	c, g, u := fams[wire.MetricGCCycles], fams[wire.MetricGCCPUSeconds], fams[wire.MetricGoCPUSeconds]
	if c != nil && g != nil && u != nil {
		a.gc = true
		a.cycles, a.gcCPU, a.goCPU = counterSum(c, "", ""), counterSum(g, "", ""), counterSum(u, "", "")
	}
	return a, nil
}
