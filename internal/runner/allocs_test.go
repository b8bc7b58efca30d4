package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/wire"
)

// TestScrapeAllocs reads the allocation and GC counters from a /metrics
// page, as the target writes it, and turns two reads into the cell's
// Alloc.
func TestScrapeAllocs(t *testing.T) {
	page := func(bytes, objects, cycles int, gcCPU, goCPU float64, gc bool) string {
		s := fmt.Sprintf("# TYPE %s counter\n%s %d\n# TYPE %s counter\n%s %d\n",
			wire.MetricHeapAllocBytes, wire.MetricHeapAllocBytes, bytes, wire.MetricHeapAllocObjects, wire.MetricHeapAllocObjects, objects)
		if gc {
			s += fmt.Sprintf("# TYPE %s counter\n%s %d\n# TYPE %s counter\n%s %g\n# TYPE %s counter\n%s %g\n",
				wire.MetricGCCycles, wire.MetricGCCycles, cycles, wire.MetricGCCPUSeconds, wire.MetricGCCPUSeconds, gcCPU,
				wire.MetricGoCPUSeconds, wire.MetricGoCPUSeconds, goCPU)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		before string
		after  string
		want   *results.Alloc
	}{
		// Both reads with GC counters: the differences.
		{name: "with gc",
			before: page(1000, 10, 4, 0.5, 2, true), after: page(5000, 50, 7, 0.75, 3, true),
			want: &results.Alloc{Bytes: 4000, Objects: 40, GC: &results.GC{Cycles: 3, CPU: 250 * time.Millisecond, GoCPU: time.Second}}},
		// A target without the GC counters still has its allocations.
		{name: "no gc counters",
			before: page(1000, 10, 0, 0, 0, false), after: page(5000, 50, 0, 0, 0, false),
			want: &results.Alloc{Bytes: 4000, Objects: 40}},
		// A counter that went back (another process on the port) is no
		// measurement.
		{name: "counter went back",
			before: page(5000, 50, 7, 1, 2, true), after: page(1000, 10, 4, 1, 2, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain; version=0.0.4")
				if n++; n == 1 {
					fmt.Fprint(w, tc.before)
				} else {
					fmt.Fprint(w, tc.after)
				}
			}))
			defer srv.Close()
			addr := strings.TrimPrefix(srv.URL, "http://")
			a0, err0 := scrapeAllocs(t.Context(), addr)
			a1, err1 := scrapeAllocs(t.Context(), addr)
			if err0 != nil || err1 != nil {
				t.Fatalf("scrape: %v, %v", err0, err1)
			}
			got := allocDuring(a0, a1, true)
			switch {
			case (got == nil) != (tc.want == nil):
				t.Fatalf("got %+v, want %+v", got, tc.want)
			case got == nil:
				return
			case got.Bytes != tc.want.Bytes || got.Objects != tc.want.Objects:
				t.Errorf("got %d bytes %d objects, want %d %d", got.Bytes, got.Objects, tc.want.Bytes, tc.want.Objects)
			case (got.GC == nil) != (tc.want.GC == nil):
				t.Errorf("got GC %+v, want %+v", got.GC, tc.want.GC)
			case got.GC != nil && *got.GC != *tc.want.GC:
				t.Errorf("got GC %+v, want %+v", *got.GC, *tc.want.GC)
			}
		})
	}
}
