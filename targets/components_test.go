package targets

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/pprofmap"
)

// TestComponentsFollowExtraWork profiles the target's handler in process
// (the sdk-otlp set-up of BenchmarkMicro) with one extra span and with
// eleven, and checks that the component mapping puts the extra spans'
// cost where it belongs: the SDK and the export path grow, and the
// application's work and net/http stay where they were.
//
// The workload has no busy loop: burnCPU spins for a wall-clock time, so
// its CPU shrinks whenever the goroutine is descheduled (more so with more
// export work beside it, and under -race); the handler's own code is a
// fixed amount of CPU. Profiles are sampled (100 Hz), so the
// bounds are loose: application work and net/http within 35% or 1.5µs
// per request, whichever is larger.
func TestComponentsFollowExtraWork(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles the handler for a few seconds")
	}
	base := workload{extraSpans: 1}
	more := workload{extraSpans: 11}
	b0 := profileFor(t, base, 4*time.Second)
	b1 := profileFor(t, more, 4*time.Second)
	sdk := func(b map[pprofmap.Component]float64) float64 {
		return b[pprofmap.SDKStart] + b[pprofmap.SDKAttributes] + b[pprofmap.SDKSampler] + b[pprofmap.SDKEnd] +
			b[pprofmap.Processor] + b[pprofmap.Export] + b[pprofmap.Transport]
	}
	t.Logf("1 extra span: %v", b0)
	t.Logf("11 extra spans: %v", b1)
	stays := func(c pprofmap.Component) bool {
		return abs(b1[c]-b0[c]) <= max(0.35*b0[c], 1500)
	}
	tests := []struct {
		name     string
		ok       bool
		from, to float64
	}{
		// Ten more spans per request cost the SDK and the exporter at
		// least 4µs more (about 1µs each on this machine, more under -race).
		{"sdk and export grow", sdk(b1)-sdk(b0) > 4000, sdk(b0), sdk(b1)},
		// The handler's own code is the same.
		{"application stays", stays(pprofmap.App), b0[pprofmap.App], b1[pprofmap.App]},
		// Routing and the response are the same.
		{"net/http stays", stays(pprofmap.NetHTTP), b0[pprofmap.NetHTTP], b1[pprofmap.NetHTTP]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("%.0f → %.0f ns/request", tt.from, tt.to)
			}
		})
	}
}

// profileFor serves requests of workload w through the sdk-otlp set-up
// for about d while profiling, and returns ns per request by component.
func profileFor(t *testing.T, w workload, d time.Duration) map[pprofmap.Component]float64 {
	t.Helper()
	h, stop := microHandler(t, "sdk-otlp", w)
	defer stop()
	req := microRequest()
	rw := &discardWriter{h: http.Header{}}
	h.ServeHTTP(rw, req)
	var buf bytes.Buffer
	startProfile(t, &buf)
	n := 0
	for start := time.Now(); time.Since(start) < d; n++ {
		clear(rw.h)
		h.ServeHTTP(rw, req)
	}
	stopProfile()
	bd := microBreakdown(t, &buf)
	out := map[pprofmap.Component]float64{}
	for c, v := range bd.By {
		out[c] = float64(v) / float64(n)
	}
	return out
}

func within(x, ref, frac float64) bool { return abs(x-ref) <= frac*ref }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
