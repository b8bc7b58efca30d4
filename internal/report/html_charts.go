package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// The HTML report's charts. Each returns an inline SVG, or "" when it has
// nothing to draw. Numbers come from the Summary or from spectrum.go; the
// only arithmetic here maps them to pixels.

// chartPalette gives instrumented variants distinct colours (Tableau 10); the
// baseline is drawn in near-black.
var chartPalette = []string{"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"}

const (
	baselineColor = "#333333"
	failColor     = "#d62728"
	budgetColor   = "#d62728"
)

// variantColors assigns each variant a colour, in the order the Summary
// lists them.
func variantColors(s *summary.Summary) map[string]string {
	col := map[string]string{}
	next := 0
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if _, ok := col[r.Variant]; ok {
				continue
			}
			if r.Baseline {
				col[r.Variant] = baselineColor
				continue
			}
			col[r.Variant] = chartPalette[next%len(chartPalette)]
			next++
		}
	}
	return col
}

// pctLabel writes a quantile as a percentage: 0.999 → "99.9%".
func pctLabel(q float64) string {
	return strconv.FormatFloat(100*q, 'f', -1, 64) + "%"
}

// ninesX is the x of a quantile on an HdrHistogram percentile plot.
func ninesX(q float64) float64 { return -math.Log10(1 - q) }

// spectrumChart draws the latency spectrum of every variant at one rate:
// latency (log) against the percentile on the log scale of 1/(1−q).
func spectrumChart(rs summary.RateSummary, col map[string]string) template.HTML {
	type series struct {
		name, color string
		pts         []summary.QuantilePoint
		n           uint64
	}
	var ss []series
	lo, hi := math.Inf(1), 0.0
	longest := 0
	for _, r := range rs.Rows {
		pts := r.Spectrum
		if len(pts) == 0 || r.Reps == 0 {
			continue
		}
		ss = append(ss, series{r.Variant, col[r.Variant], pts, r.Requests})
		longest = max(longest, len([]rune(fmt.Sprintf("%s (%d req)", r.Variant, r.Requests))))
		for _, p := range pts {
			lo = min(lo, float64(max(p.Latency, time.Microsecond)))
			hi = max(hi, float64(p.Latency))
		}
	}
	if len(ss) == 0 {
		return ""
	}
	// The legend sits right of the plot, as wide as its longest label
	// (about 7 pixels a character of the 12px labels) so that none is cut.
	const h, left, top, bottom, plotW = 380.0, 70.0, 16.0, 46.0, 640.0
	right := math.Max(190, 40+7*float64(longest))
	w := left + plotW + right
	yt, ylo, yhi := logTicks(lo, hi)
	x := chartScale{lo: 0, hi: ninesX(summary.SpectrumMaxQ), a: left, b: w - right}
	y := chartScale{lo: ylo, hi: yhi, a: h - bottom, b: top, log: true}
	s := newSVG(w, h, "chart", fmt.Sprintf("latency by percentile at %d requests/s", rs.Rate))
	labelled := math.Inf(1)
	for _, v := range yt {
		s.line(left, y.px(v), w-right, y.px(v), "grid", "")
		// Label a grid line only where it does not crowd the last label.
		if labelled-y.px(v) >= 14 {
			s.text(left-6, y.px(v)+4, "end", "tick", "", tickDur(time.Duration(v)))
			labelled = y.px(v)
		}
	}
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 0.9999} {
		s.line(x.px(ninesX(q)), top, x.px(ninesX(q)), h-bottom, "grid", "")
		s.text(x.px(ninesX(q)), h-bottom+16, "middle", "tick", "", pctLabel(q))
	}
	s.line(left, h-bottom, w-right, h-bottom, "axis", "")
	s.line(left, top, left, h-bottom, "axis", "")
	s.text((left+w-right)/2, h-8, "middle", "label", "", "percentile (log scale of 1/(1−q))")
	s.text(14, (top+h-bottom)/2, "middle", "label vertical", "", "latency (log)")
	var legend []chartLegendItem
	for _, se := range ss {
		pts := make([][2]float64, len(se.pts))
		for i, p := range se.pts {
			pts[i] = [2]float64{x.px(ninesX(p.Q)), y.px(float64(p.Latency))}
		}
		s.path(pts, "series", se.color, se.name)
		for i, p := range se.pts {
			s.circle(pts[i][0], pts[i][1], 2.2, "", "", se.color,
				fmt.Sprintf("%s at %s: %s", se.name, pctLabel(p.Q), dur(p.Latency)))
		}
		legend = append(legend, chartLegendItem{fmt.Sprintf("%s (%d req)", se.name, se.n), se.color})
	}
	s.legend(w-right+14, top+10, legend)
	return s.end()
}

// overheadChart draws the change of p50 and p99 against the baseline at
// one rate: the point is the change of the repetitions' medians, the
// whisker its confidence interval; a filled marker is significant, a hollow
// one is not (~). The p99 budget is a dashed line.
func overheadChart(rs summary.RateSummary, budget float64, col map[string]string) template.HTML {
	type entry struct {
		variant, metric string
		d               summary.Delta
	}
	var es []entry
	lo, hi := math.Min(0, budget), math.Max(0, budget)
	for _, r := range rs.Rows {
		if r.Baseline || r.Reps == 0 {
			continue
		}
		for _, e := range []entry{{r.Variant, "p50", r.P50Delta}, {r.Variant, "p99", r.P99Delta}} {
			es = append(es, e)
			if e.d.Valid {
				lo, hi = math.Min(lo, math.Min(e.d.Low, e.d.Pct)), math.Max(hi, math.Max(e.d.High, e.d.Pct))
			}
		}
	}
	if len(es) == 0 {
		return ""
	}
	const w, left, plotW, rowH, top, bottom = 900.0, 150.0, 440.0, 22.0, 44.0, 40.0
	h := top + rowH*float64(len(es)) + bottom
	// Linear while the changes are of the order of the budget; a symmetric
	// log scale when one dwarfs the others (a synchronous exporter can add
	// thousands of percent).
	x := chartScale{a: left, b: left + plotW}
	var ticks []float64
	axis := "change against the baseline (median of repetitions, 95% CI)"
	if math.Max(-lo, hi) > math.Max(4*budget, 100) {
		ticks, x.lo, x.hi = symlogTicks(lo, hi)
		x.symlog = true
		axis += ", symmetric log scale"
	} else {
		ticks, x.lo, x.hi = linearTicks(lo, hi, 8)
	}
	s := newSVG(w, h, "chart", fmt.Sprintf("overhead against the baseline at %d requests/s", rs.Rate))
	base := h - bottom
	for _, v := range ticks {
		s.line(x.px(v), top-6, x.px(v), base, "grid", "")
		label := tickNum(v) + "%"
		if v > 0 {
			label = "+" + label
		}
		s.text(x.px(v), base+15, "middle", "tick", "", label)
	}
	s.line(x.px(0), top-6, x.px(0), base, "axis", "")
	s.line(x.px(budget), top-6, x.px(budget), base, "budget", budgetColor)
	s.text(x.px(budget), top-10, "middle", "tick", budgetColor, fmt.Sprintf("p99 budget +%s%%", tickNum(budget)))
	s.text(left+plotW/2, h-6, "middle", "label", "", axis)
	for i, e := range es {
		c := col[e.variant]
		yy := top + rowH*(float64(i)+0.5)
		if i%2 == 0 {
			s.rect(0, yy-rowH/2, w, rowH, "band", "", "")
		}
		s.rect(6, yy-5, 10, 10, "", c, "")
		s.text(22, yy+4, "start", "rowlabel", "", e.variant+" "+e.metric)
		s.text(left+plotW+12, yy+4, "start", "value", "", delta(e.d))
		if !e.d.Valid {
			continue
		}
		s.line(x.px(e.d.Low), yy, x.px(e.d.High), yy, "whisker", c)
		s.line(x.px(e.d.Low), yy-5, x.px(e.d.Low), yy+5, "whisker", c)
		s.line(x.px(e.d.High), yy-5, x.px(e.d.High), yy+5, "whisker", c)
		fill := "#ffffff"
		if e.d.Significant {
			fill = c
		}
		t := fmt.Sprintf("%s %s: %s", e.variant, e.metric, delta(e.d))
		if e.metric == "p50" {
			s.square(x.px(e.d.Pct), yy, 4.5, "marker", c, fill, t)
		} else {
			s.circle(x.px(e.d.Pct), yy, 5, "marker", c, fill, t)
		}
	}
	s.text(6, 14, "start", "tick", "", fmt.Sprintf("● p99 · ■ p50 · filled: significant (p < %g) · hollow: ~ not significant · whisker: %.0f%% confidence interval",
		summary.Alpha, 100*summary.Confidence))
	return s.end()
}

// chartBar is one bar of a bar chart.
type chartBar struct {
	name, color string
	value       float64
	// label is the value as the report writes it; missing says there is no
	// value (not measured) and label says why.
	label   string
	missing bool
}

// chartBarGroup is a labelled group of bars (one rate).
type chartBarGroup struct {
	label string
	bars  []chartBar
}

// chartBars draws horizontal bars grouped by rate; tick labels a value of
// the axis.
func chartBars(label string, groups []chartBarGroup, tick func(float64) string, axisLabel string) template.HTML {
	n, hi, longest := 0, 0.0, 0
	for _, g := range groups {
		n += len(g.bars)
		for _, b := range g.bars {
			longest = max(longest, len([]rune(b.name)))
			if !b.missing {
				hi = math.Max(hi, b.value)
			}
		}
	}
	if n == 0 {
		return ""
	}
	const w, plotW, barH, gap, groupH, top, bottom = 900.0, 480.0, 16.0, 5.0, 22.0, 10.0, 40.0
	// About 7 pixels a character of the 12px labels.
	left := math.Max(150, 30+7*float64(longest))
	h := top + float64(n)*(barH+gap) + float64(len(groups))*groupH + bottom
	ticks, _, dhi := linearTicks(0, hi, 6)
	x := chartScale{lo: 0, hi: dhi, a: left, b: left + plotW}
	s := newSVG(w, h, "chart", label)
	base := h - bottom
	for _, v := range ticks {
		s.line(x.px(v), top, x.px(v), base, "grid", "")
		s.text(x.px(v), base+15, "middle", "tick", "", tick(v))
	}
	s.line(left, top, left, base, "axis", "")
	s.text(left+plotW/2, h-6, "middle", "label", "", axisLabel)
	y := top
	for _, g := range groups {
		s.text(6, y+groupH-6, "start", "group", "", g.label)
		y += groupH
		for _, b := range g.bars {
			s.rect(6, y+3, 10, 10, "", b.color, "")
			s.text(22, y+barH-3, "start", "rowlabel", "", b.name)
			if b.missing {
				s.text(left+6, y+barH-3, "start", "value", "", b.label)
			} else {
				// A zero stays visible as a thin bar.
				bw := math.Max(x.px(b.value)-left, 2)
				s.rect(left, y, bw, barH, "bar", b.color, b.name+": "+b.label)
				s.text(left+bw+6, y+barH-3, "start", "value", "", b.label)
			}
			y += barH + gap
		}
	}
	return s.end()
}

// timelineChart draws one cell's course in two panels sharing the time
// axis: requests sent per second per bucket (failed requests as red marks
// below) and the p99 latency per bucket on a log scale (the ticks give its
// range). The scales' ranges (0…rateMax, p99Min…p99Max) are shared by the
// cells of a rate so that they compare at a glance. A dashed line marks
// the requested rate. The SVG scales to its grid cell.
func timelineChart(tl *results.Timeline, requested, rateMax, p99Min, p99Max float64, color, label string) template.HTML {
	bins := tl.Requests
	if len(bins) == 0 || tl.Bucket <= 0 {
		return ""
	}
	width := tl.Bucket.Seconds()
	const w, h, left, right = 250.0, 124.0, 46.0, 6.0
	const t1, b1, t2, b2 = 6.0, 48.0, 58.0, 100.0
	x := chartScale{lo: 0, hi: float64(len(bins)), a: left, b: w - right}
	yr := chartScale{lo: 0, hi: rateMax, a: b1, b: t1}
	yp := chartScale{lo: p99Min, hi: p99Max, a: b2, b: t2, log: true}
	s := newSVG(w, h, "spark", label)
	s.rect(left, t1, w-right-left, b1-t1, "panel", "", "")
	s.rect(left, t2, w-right-left, b2-t2, "panel", "", "")
	s.text(left-4, t1+8, "end", "tick", "", fmt.Sprintf("%.0f/s", rateMax))
	s.text(left-4, b1, "end", "tick", "", "0")
	s.text(left-4, t2+8, "end", "tick", "", tickDur(time.Duration(p99Max)))
	s.text(left-4, b2, "end", "tick", "", tickDur(time.Duration(p99Min)))
	s.line(left, yr.px(requested), w-right, yr.px(requested), "budget", "#8c959f")
	s.text(left-4, (t1+b1)/2+4, "end", "tick", "", "req/s")
	s.text(left-4, (t2+b2)/2+4, "end", "tick", "", "p99")
	rate := make([][2]float64, 0, 2*len(bins))
	p99 := make([][2]float64, 0, len(bins))
	for i, b := range bins {
		r := float64(b.Requests) / width
		// Steps: each bucket is flat over its width.
		rate = append(rate, [2]float64{x.px(float64(i)), yr.px(r)}, [2]float64{x.px(float64(i + 1)), yr.px(r)})
		if b.Requests > 0 {
			p99 = append(p99, [2]float64{x.px(float64(i) + 0.5), yp.px(float64(b.P99))})
		}
		if b.Errors > 0 {
			s.rect(x.px(float64(i)), b1-4, math.Max(x.px(float64(i+1))-x.px(float64(i)), 1.5), 4, "", failColor,
				fmt.Sprintf("%s: %d of %d failed", time.Duration(i)*tl.Bucket, b.Errors, b.Requests))
		}
	}
	s.path(rate, "spark-line", color, "requests/s per bucket")
	s.path(p99, "spark-line", color, "p99 per bucket")
	end := time.Duration(len(bins)) * tl.Bucket
	s.text(left, h-8, "start", "tick", "", "0s")
	s.text(w-right, h-8, "end", "tick", "", end.String())
	s.text((left+w-right)/2, h-8, "middle", "tick", "", fmt.Sprintf("%s buckets", tl.Bucket))
	return s.end()
}
