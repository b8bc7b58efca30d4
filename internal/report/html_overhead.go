package report

import (
	"fmt"
	"html/template"
	"math"

	"github.com/otelbench/otelbench/internal/summary"
)

// componentPalette colours the components of the stacked bars, in the
// order of summary.Overhead.Components; unprofiledColor is the rest of the
// measured CPU.
var componentPalette = []string{
	"#4e79a7", "#a0cbe8", "#f28e2b", "#e15759", "#ff9d9a", "#d37295", "#fabfd2",
	"#59a14f", "#8cd17d", "#b6992d", "#79706e", "#b07aa1", "#d4a6c8", "#9d7660", "#f1ce63",
}

const unprofiledColor = "#d9d9d9"

// overheadFigures is one stacked bar chart per rate of the breakdown.
func overheadFigures(s *summary.Summary) []htmlFigure {
	o := s.Overhead
	if o == nil {
		return nil
	}
	var out []htmlFigure
	for _, or := range o.Rates {
		out = append(out, htmlFigure{
			Title: fmt.Sprintf("CPU per request by component at %d requests/s", or.Rate),
			Caption: "Median over repetitions of each component's µs per request, stacked per variant in the table's order; grey is the measured CPU " +
				"the profile does not hold (unprofiled). The label is the measured CPU per request.",
			SVG:   stackedComponentsChart(or, o.Components),
			Empty: "No variant was profiled at this rate.",
		})
	}
	return out
}

// stackedComponentsChart draws one horizontal bar per variant, stacked by
// component; a variant with no profile gets its reason instead of a bar.
func stackedComponentsChart(or summary.OverheadRate, comps []string) template.HTML {
	colour := map[string]string{summary.Unprofiled: unprofiledColor}
	for i, c := range comps {
		colour[c] = componentPalette[i%len(componentPalette)]
	}
	hi, longest, any := 0.0, 0, false
	for _, r := range or.Rows {
		longest = max(longest, len([]rune(r.Variant)))
		if r.Reps == 0 {
			continue
		}
		any = true
		hi = math.Max(hi, math.Max(r.Measured.PerRequest, r.Profiled.PerRequest)/1e3)
	}
	if !any {
		return ""
	}
	var legend []chartLegendItem
	used := map[string]bool{}
	for _, r := range or.Rows {
		for _, c := range r.Components {
			if c.PerRequest > 0 {
				used[c.Component] = true
			}
		}
	}
	for _, c := range append(append([]string{}, comps...), summary.Unprofiled) {
		if used[c] {
			legend = append(legend, chartLegendItem{name: componentLabel(c), color: colour[c]})
		}
	}
	const w, plotW, barH, gap, top, bottom = 900.0, 420.0, 18.0, 6.0, 14.0, 40.0
	left := math.Max(120, 30+7*float64(longest))
	h := math.Max(top+float64(len(or.Rows))*(barH+gap)+bottom, top+18*float64(len(legend))+bottom)
	ticks, _, dhi := linearTicks(0, hi, 6)
	x := chartScale{lo: 0, hi: dhi, a: left, b: left + plotW}
	s := newSVG(w, h, "chart", fmt.Sprintf("CPU per request by component at %d requests/s", or.Rate))
	base := top + float64(len(or.Rows))*(barH+gap)
	for _, v := range ticks {
		s.line(x.px(v), top, x.px(v), base, "grid", "")
		s.text(x.px(v), base+15, "middle", "tick", "", tickNum(v)+" µs")
	}
	s.line(left, top, left, base, "axis", "")
	s.text(left+plotW/2, base+34, "middle", "label", "", "µs of CPU per request (median of repetitions)")
	y := top
	for _, r := range or.Rows {
		s.text(6, y+barH-4, "start", "rowlabel", "", r.Variant)
		if r.Reps == 0 {
			s.text(left+6, y+barH-4, "start", "value", "", "n/a: not profiled")
			y += barH + gap
			continue
		}
		xx := left
		for _, c := range r.Components {
			v := c.PerRequest / 1e3
			if v <= 0 {
				continue
			}
			bw := x.px(v) - left
			s.rect(xx, y, bw, barH, "bar", colour[c.Component], fmt.Sprintf("%s %s: %.1f µs/request", r.Variant, componentLabel(c.Component), v))
			xx += bw
		}
		s.text(xx+6, y+barH-4, "start", "value", "", fmt.Sprintf("%.1f µs", r.Measured.PerRequest/1e3))
		y += barH + gap
	}
	s.legend(left+plotW+90, top+10, legend)
	return s.end()
}
