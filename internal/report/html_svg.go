package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file holds the drawing primitives of the HTML report's charts: an
// SVG writer and the scales that map values to pixels. They know nothing of
// benchmarks; html_charts.go lays the charts out with them.

// svgDoc writes one inline SVG element. Every text it writes is escaped.
type svgDoc struct {
	b strings.Builder
}

// newSVG starts an SVG of w×h pixels whose accessible name is label.
func newSVG(w, h float64, class, label string) *svgDoc {
	s := &svgDoc{}
	fmt.Fprintf(&s.b, `<svg class="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`,
		class, svgNum(w), svgNum(h), svgNum(w), svgNum(h), html.EscapeString(label))
	return s
}

// svgNum formats a coordinate with at most one decimal, which is finer than a
// pixel and keeps the file small.
func svgNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// svgTip is an optional tooltip: an SVG <title> child.
func svgTip(text string) string {
	if text == "" {
		return ""
	}
	return "<title>" + html.EscapeString(text) + "</title>"
}

// line draws a segment; class styles it (see style.css), stroke overrides
// the colour when not empty.
func (s *svgDoc) line(x1, y1, x2, y2 float64, class, stroke string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s"`, svgNum(x1), svgNum(y1), svgNum(x2), svgNum(y2))
	s.attrs(class, stroke, "")
	s.b.WriteString("/>")
}

// rect draws a filled rectangle with an optional tooltip.
func (s *svgDoc) rect(x, y, w, h float64, class, fill, tooltip string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s"`, svgNum(x), svgNum(y), svgNum(max(w, 0)), svgNum(max(h, 0)))
	s.attrs(class, "", fill)
	s.close("rect", tooltip)
}

// circle draws a marker; stroke and fill may be empty to keep the class's.
func (s *svgDoc) circle(cx, cy, r float64, class, stroke, fill, tooltip string) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s"`, svgNum(cx), svgNum(cy), svgNum(r))
	s.attrs(class, stroke, fill)
	s.close("circle", tooltip)
}

// square draws a square marker of half-side r centred on (cx, cy).
func (s *svgDoc) square(cx, cy, r float64, class, stroke, fill, tooltip string) {
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s"`, svgNum(cx-r), svgNum(cy-r), svgNum(2*r), svgNum(2*r))
	s.attrs(class, stroke, fill)
	s.close("rect", tooltip)
}

// path draws a polyline through pts.
func (s *svgDoc) path(pts [][2]float64, class, stroke, tooltip string) {
	if len(pts) == 0 {
		return
	}
	var d strings.Builder
	for i, p := range pts {
		if i == 0 {
			d.WriteString("M")
		} else {
			d.WriteString("L")
		}
		d.WriteString(svgNum(p[0]) + " " + svgNum(p[1]))
	}
	fmt.Fprintf(&s.b, `<path d="%s"`, d.String())
	s.attrs(class, stroke, "")
	s.close("path", tooltip)
}

// text writes a label; anchor is start, middle or end.
func (s *svgDoc) text(x, y float64, anchor, class, fill, text string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s"`, svgNum(x), svgNum(y), anchor)
	s.attrs(class, "", fill)
	s.b.WriteString(">" + html.EscapeString(text) + "</text>")
}

func (s *svgDoc) attrs(class, stroke, fill string) {
	if class != "" {
		fmt.Fprintf(&s.b, ` class="%s"`, class)
	}
	// A style attribute, not presentation attributes, so that the colour
	// wins over the class's.
	switch {
	case stroke != "" && fill != "":
		fmt.Fprintf(&s.b, ` style="stroke:%s;fill:%s"`, stroke, fill)
	case stroke != "":
		fmt.Fprintf(&s.b, ` style="stroke:%s"`, stroke)
	case fill != "":
		fmt.Fprintf(&s.b, ` style="fill:%s"`, fill)
	}
}

func (s *svgDoc) close(elem, tooltip string) {
	if tooltip == "" {
		s.b.WriteString("/>")
		return
	}
	s.b.WriteString(">" + svgTip(tooltip) + "</" + elem + ">")
}

// legend draws a vertical legend of coloured swatches from (x, y).
func (s *svgDoc) legend(x, y float64, items []chartLegendItem) {
	for i, it := range items {
		yy := y + float64(i)*18
		s.rect(x, yy-9, 14, 10, "", it.color, "")
		s.text(x+20, yy, "start", "legend", "", it.name)
	}
}

// chartLegendItem is a named colour of a legend.
type chartLegendItem struct{ name, color string }

// end closes the SVG and returns it as trusted HTML: every text in it went
// through html.EscapeString and every attribute is ours.
func (s *svgDoc) end() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // #nosec G203 -- escaped above
}

// chartScale maps a domain [lo, hi] onto the pixel range [a, b], linearly, on
// a log10 scale, or on a symmetric log scale (sign(v)·log10(1+|v|), which
// keeps zero and shows +5 and +5000 on one axis).
type chartScale struct {
	lo, hi float64
	a, b   float64
	log    bool
	symlog bool
}

func symlogOf(v float64) float64 {
	if v < 0 {
		return -math.Log10(1 - v)
	}
	return math.Log10(1 + v)
}

// px returns the pixel of v, clamped to the range.
func (sc chartScale) px(v float64) float64 {
	lo, hi := sc.lo, sc.hi
	switch {
	case sc.log:
		v, lo, hi = math.Log10(max(v, sc.lo)), math.Log10(lo), math.Log10(hi)
	case sc.symlog:
		v, lo, hi = symlogOf(v), symlogOf(lo), symlogOf(hi)
	}
	if hi <= lo {
		return sc.a
	}
	f := min(max((v-lo)/(hi-lo), 0), 1)
	return sc.a + f*(sc.b-sc.a)
}

// niceStep returns a 1, 2 or 5 times a power of ten near span/n.
func niceStep(span float64, n int) float64 {
	if span <= 0 || n <= 0 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// linearTicks returns about n round values covering [lo, hi], and the
// domain widened to the outer ticks.
func linearTicks(lo, hi float64, n int) (ticks []float64, dlo, dhi float64) {
	if math.IsInf(lo, 0) || math.IsNaN(lo) {
		lo = 0
	}
	if hi <= lo || math.IsInf(hi, 0) || math.IsNaN(hi) {
		hi = lo + 1
	}
	step := niceStep(hi-lo, n)
	dlo, dhi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	for i := 0; ; i++ {
		v := dlo + float64(i)*step
		if v > dhi+step/2 {
			break
		}
		if math.Abs(v) < step/1e6 {
			v = 0
		}
		ticks = append(ticks, v)
	}
	return ticks, dlo, dhi
}

// logTicks returns 1-2-5 values (1…9 when the range is narrow) covering
// [lo, hi] with lo > 0, and the domain widened to the outer ticks.
func logTicks(lo, hi float64) (ticks []float64, dlo, dhi float64) {
	if lo <= 0 || math.IsInf(lo, 0) || math.IsNaN(lo) {
		lo = 1
	}
	if hi <= lo || math.IsInf(hi, 0) || math.IsNaN(hi) {
		hi = lo * 10
	}
	steps := []float64{1, 2, 5}
	if hi/lo < 20 {
		steps = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	var all []float64
	for e := math.Floor(math.Log10(lo)) - 1; e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range steps {
			all = append(all, m*math.Pow(10, e))
		}
	}
	dlo, dhi = all[0], all[len(all)-1]
	for _, v := range all {
		if v <= lo*(1+1e-9) {
			dlo = v
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i] >= hi*(1-1e-9) {
			dhi = all[i]
		}
	}
	for _, v := range all {
		if v >= dlo*(1-1e-9) && v <= dhi*(1+1e-9) {
			ticks = append(ticks, v)
		}
	}
	return ticks, dlo, dhi
}

// symlogTicks returns 0 and ± the powers of ten from 1 covering [lo, hi],
// and the domain widened to the outer ticks.
func symlogTicks(lo, hi float64) (ticks []float64, dlo, dhi float64) {
	cover := func(x float64) float64 { // smallest power of ten ≥ x, 0 for x ≤ 0
		if x <= 0 || math.IsNaN(x) {
			return 0
		}
		x = math.Min(x, 1e300)
		p := 1.0
		for p < x*(1-1e-9) {
			p *= 10
		}
		return p
	}
	dlo, dhi = -cover(-lo), cover(hi)
	for p := 1.0; -p >= dlo; p *= 10 {
		ticks = append([]float64{-p}, ticks...)
	}
	ticks = append(ticks, 0)
	for p := 1.0; p <= dhi; p *= 10 {
		ticks = append(ticks, p)
	}
	// Every other power of ten (or fewer) when there are many, so that
	// the labels do not run into each other; 0 and the ends stay.
	if every := (len(ticks) + 6) / 7; every > 1 {
		var thin []float64
		for i, v := range ticks {
			e := math.Round(math.Log10(math.Abs(v)))
			// ±1 sits a third of a decade from 0: it goes too.
			if v == 0 || i == 0 || i == len(ticks)-1 || (int(e)%every == 0 && e > 0) {
				thin = append(thin, v)
			}
		}
		ticks = thin
	}
	return ticks, dlo, dhi
}

// tickDur formats a duration tick without dur's trailing zeros: 2s, 50ms,
// 1.5ms.
func tickDur(d time.Duration) string {
	s := dur(d)
	i := strings.IndexFunc(s, func(r rune) bool { return r != '.' && r != '-' && (r < '0' || r > '9') })
	if i < 0 || !strings.Contains(s[:i], ".") {
		return s
	}
	n := strings.TrimRight(strings.TrimRight(s[:i], "0"), ".")
	return n + s[i:]
}

// tickNum formats a tick value without float noise (0.6000000000000001)
// or exponents.
func tickNum(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}
