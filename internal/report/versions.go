package report

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/summary"
)

var (
	trendHeader = []string{"variant", "otel", "otelhttp", "CPU/req", "ΔCPU", "p50", "Δp50", "p99", "Δp99"}
	allocHeader = []string{"variant", "otel", "alloc/req", "Δalloc", "objects/req", "Δobjects"}
)

// versionsSection sets side by side the variants that differ only in the
// OpenTelemetry releases their targets were built with: per setup and
// rate, CPU and latency, then heap allocations, each against the newest
// release.
func versionsSection(d *doc, s *summary.Summary) {
	if len(s.Trends) == 0 {
		return
	}
	sec := d.newSection(secVersions, "SDK releases")
	sec.para("The same setup with each OpenTelemetry release its target was built against (otel with its SDK and otlptracegrpc, and otelhttp), as the binaries' build information records them, oldest first. " +
		"Each Δ is that release against the newest: +10% means it cost 10% more than the newest, so an upgrade from it saves that; \"~\" means not significant.")
	for _, tr := range s.Trends {
		var names []string
		for _, pt := range tr.Points {
			names = append(names, pt.Variant)
		}
		sec.para(fmt.Sprintf("Kind %s (%s) at %d requests/s, against %s:", tr.Kind, strings.Join(names, ", "), tr.Rate, releaseLabel(s, tr.Reference)))
		costs, allocs := table{header: trendHeader, class: "changes"}, table{header: allocHeader, class: "changes"}
		for _, pt := range tr.Points {
			if pt.Reps == 0 {
				costs.rows = append(costs.rows, padded(len(trendHeader), pt.Variant, pt.Otel, pt.Otelhttp, "not measured"))
				allocs.rows = append(allocs.rows, padded(len(allocHeader), pt.Variant, pt.Otel, "not measured"))
				continue
			}
			ref := pt.Variant == tr.Reference
			costs.rows = append(costs.rows, []string{pt.Variant, pt.Otel, pt.Otelhttp,
				dur(pt.CPUPerRequest), trendDelta(pt.CPUDelta, ref),
				dur(pt.P50), trendDelta(pt.P50Delta, ref), dur(pt.P99), trendDelta(pt.P99Delta, ref)})
			allocs.rows = append(allocs.rows, []string{pt.Variant, pt.Otel,
				allocBytes(pt.AllocBytesPerRequest), trendDelta(pt.AllocBytesDelta, ref),
				allocObjects(pt.AllocObjectsPerRequest), trendDelta(pt.AllocObjectsDelta, ref)})
		}
		sec.addTable(costs)
		sec.addTable(allocs)
	}
	sec.para("alloc/req and objects/req: the target's heap allocation during the measured attack (runtime/metrics, read from its /metrics as the attack began and ended) over the requests sent; – when the cells did not measure it.")
}

// trendDelta is a point's change against the newest release, or
// "newest" for the newest itself.
func trendDelta(d summary.Delta, reference bool) string {
	if reference {
		return "newest"
	}
	return delta(d)
}

// releaseLabel names a variant with the otel release it was built with,
// as "batch (otel v1.40.0)", when the run's variants were built with more
// than one release; otherwise by its name alone.
func releaseLabel(s *summary.Summary, name string) string {
	vi, ok := s.Variant(name)
	if !ok || vi.Otel == "" || !severalReleases(s) {
		return name
	}
	return fmt.Sprintf("%s (otel %s)", name, vi.Otel)
}

// severalReleases reports whether s's variants were built with more than
// one otel release.
func severalReleases(s *summary.Summary) bool {
	seen := ""
	for _, v := range s.Variants {
		if v.Otel == "" {
			continue
		}
		if seen != "" && v.Otel != seen {
			return true
		}
		seen = v.Otel
	}
	return false
}

// allocBytes formats a heap allocation per request: B below 1 KiB, KiB
// above.
func allocBytes(b float64) string {
	switch {
	case b <= 0:
		return "–"
	case b < 1024:
		return fmt.Sprintf("%.0f B", b)
	default:
		return fmt.Sprintf("%.2f KiB", b/1024)
	}
}

// allocObjects formats allocations per request.
func allocObjects(n float64) string {
	if n <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", n)
}
