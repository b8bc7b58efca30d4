package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// HTMLFile is the name of the HTML report in a run directory, next to
// report.md.
const HTMLFile = "report.html"

//go:embed html/page.html.tmpl html/style.css
var htmlFiles embed.FS

var (
	pageTemplate = template.Must(template.ParseFS(htmlFiles, "html/page.html.tmpl"))
	pageCSS      = mustReadHTMLFile("html/style.css")
)

func mustReadHTMLFile(name string) template.CSS {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return template.CSS(b) // #nosec G203 -- our own embedded file
}

// HTML writes the report as one self-contained HTML page (report.html):
// the text report's sections and tables, and charts drawn as inline SVG
// from the Summary and from the raw results of the run l (latency
// spectra and timelines read from the cells' results.gob). The page loads
// nothing and runs no script. l may be nil: the charts of raw results are
// then left out.
func HTML(w io.Writer, s *summary.Summary, l *results.Loaded) error {
	p := buildPage(s, l, loadSeries(l))
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// htmlPage is what the template renders.
type htmlPage struct {
	Title, RunID string
	CSS          template.CSS
	Env          [][2]string
	// Recommended is the chosen variant, empty when none qualified.
	Recommended string
	Problems    []string
	Sections    []*htmlSection
}

// htmlSection is a level-2 part of the page: the text report's blocks, then
// figures and timelines.
type htmlSection struct {
	Title, ID string
	Blocks    []htmlBlock
	Figures   []htmlFigure
	Timelines []htmlTimelineRate
}

// htmlBlock is one paragraph, list, table or code block of the text report.
type htmlBlock struct {
	Para  string
	Items []htmlItem
	Table *htmlTable
	Code  string
}

type htmlItem struct {
	Text string
	Warn bool
}

type htmlTable struct {
	// Class styles the table; "" for the text report's.
	Class  string
	Header []string
	Rows   [][]string
}

// htmlFigure is one chart with its caption; Empty says why there is no chart.
type htmlFigure struct {
	Title, Caption, Empty string
	SVG                   template.HTML
}

type htmlTimelineRate struct {
	Rate int
	Rows []htmlTimelineRow
}

type htmlTimelineRow struct {
	Variant, Color string
	Cells          []htmlTimelineCell
}

type htmlTimelineCell struct {
	Label, Empty string
	SVG          template.HTML
}

// htmlRenderer collects the text report's layout (document) into sections,
// so that the page shows the same text and tables as report.md.
type htmlRenderer struct {
	title    string
	sections []*htmlSection
}

var _ renderer = (*htmlRenderer)(nil)

func (h *htmlRenderer) cur() *htmlSection {
	if len(h.sections) == 0 {
		h.sections = append(h.sections, &htmlSection{})
	}
	return h.sections[len(h.sections)-1]
}

func (h *htmlRenderer) heading(level int, text string) {
	if level == 1 {
		h.title = text
		return
	}
	h.sections = append(h.sections, &htmlSection{Title: text})
}

func (h *htmlRenderer) para(text string) {
	h.cur().Blocks = append(h.cur().Blocks, htmlBlock{Para: text})
}

func (h *htmlRenderer) table(t table) {
	h.cur().Blocks = append(h.cur().Blocks, htmlBlock{Table: &htmlTable{Header: t.header, Rows: t.rows}})
}

func (h *htmlRenderer) list(items []string) {
	var li []htmlItem
	for _, it := range items {
		warn := strings.HasPrefix(it, "⚠ ")
		li = append(li, htmlItem{Text: strings.TrimPrefix(it, "⚠ "), Warn: warn})
	}
	h.cur().Blocks = append(h.cur().Blocks, htmlBlock{Items: li})
}

func (h *htmlRenderer) code(_ string, text string) {
	h.cur().Blocks = append(h.cur().Blocks, htmlBlock{Code: text})
}

func (h *htmlRenderer) err() error { return nil }

// buildPage lays the page out: the text report's sections, with each
// rate's charts in its section and the cost, span and timeline sections
// after the last rate.
func buildPage(s *summary.Summary, l *results.Loaded, raw *rawSeries) *htmlPage {
	r := &htmlRenderer{}
	document(r, s)
	col := variantColors(s)
	p := &htmlPage{Title: r.title, RunID: s.RunID, CSS: pageCSS, Problems: raw.problems}
	if s.Recommendation.Variant != "" {
		p.Recommended = s.Recommendation.Variant
	}
	if l != nil {
		p.Env = htmlEnvironment(l)
	}
	var out []*htmlSection
	afterRates := 0
	for i, sec := range r.sections {
		out = append(out, sec)
		if i == 0 && sec.Title == "" {
			sec.Title = "Run"
			afterRates = len(out)
		}
		for _, rs := range s.Rates {
			if sec.Title == fmt.Sprintf("%d requests/s", rs.Rate) {
				sec.Figures = rateFigures(s, rs, raw, col)
				afterRates = len(out)
			}
		}
	}
	extra := []*htmlSection{costSection(s, col), spanSection(s, l, col), timelineSection(s, l, raw, col)}
	out = append(out[:afterRates], append(extra, out[afterRates:]...)...)
	seen := map[string]int{}
	for _, sec := range out {
		sec.ID = htmlID(sec.Title)
		if n := seen[sec.ID]; n > 0 {
			sec.ID = fmt.Sprintf("%s-%d", sec.ID, n+1)
		}
		seen[htmlID(sec.Title)]++
	}
	p.Sections = out
	return p
}

// htmlID makes an HTML id of a title.
func htmlID(t string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(t) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// htmlEnvironment lists what the run measured on.
func htmlEnvironment(l *results.Loaded) [][2]string {
	e := l.Run.Environment
	commit := e.Commit
	if e.Dirty {
		commit += " (dirty)"
	}
	env := [][2]string{
		{"Go", e.GoVersion},
		{"OS", strings.TrimSpace(e.OS + "/" + e.Arch + " " + e.Kernel)},
		{"CPU", e.CPUModel},
		{"cores", fmt.Sprintf("%d (GOMAXPROCS %d)", e.NumCPU, e.GOMAXPROCS)},
		{"commit", commit},
		{"started", l.Run.Started.UTC().Format(time.RFC3339)},
	}
	if !l.Run.Finished.IsZero() {
		env = append(env, [2]string{"finished", l.Run.Finished.UTC().Format(time.RFC3339)})
	}
	env = append(env,
		[2]string{"seed", fmt.Sprint(l.Run.Seed)},
		[2]string{"sink", strings.TrimSpace(fmt.Sprintf("%s %s, delay %s", l.Run.Sink.Kind, l.Run.Sink.Endpoint, dur(l.Run.Sink.Delay)))},
	)
	for _, line := range envLines(e.OTelEnv) {
		env = append(env, [2]string{"otelbench env", line})
	}
	return env
}

// rateFigures are the charts of one rate: its latency spectrum and its
// overheads with their confidence intervals.
func rateFigures(s *summary.Summary, rs summary.RateSummary, raw *rawSeries, col map[string]string) []htmlFigure {
	return []htmlFigure{{
		Title: fmt.Sprintf("Latency by percentile at %d requests/s", rs.Rate),
		Caption: "Every request of every successful repetition, pooled per variant; the x axis stretches the tail as HdrHistogram plots do " +
			"(each step right is ten times rarer). A line ends where its requests no longer resolve the percentile.",
		SVG:   spectrumChart(rs, raw, col),
		Empty: "No raw results (results.gob) to draw from.",
	}, {
		Title: fmt.Sprintf("Overhead against %s at %d requests/s", s.Baseline, rs.Rate),
		Caption: fmt.Sprintf("Change of the median over repetitions of each repetition's p50 and p99 (the Δ columns), with its %.0f%% bootstrap "+
			"confidence interval; hollow markers are not significant (~).", 100*summary.Confidence),
		SVG:   overheadChart(rs, s.Budget, col),
		Empty: "No variant measured besides the baseline.",
	}}
}

// costSection shows CPU per request and peak RSS per variant and rate.
func costSection(s *summary.Summary, col map[string]string) *htmlSection {
	var cpu, rss []chartBarGroup
	for _, rs := range s.Rates {
		gc, gr := chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}, chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}
		for _, r := range rs.Rows {
			if r.Reps == 0 {
				gc.bars = append(gc.bars, chartBar{name: r.Variant, color: col[r.Variant], label: "not measured", missing: true})
				gr.bars = append(gr.bars, chartBar{name: r.Variant, color: col[r.Variant], label: "not measured", missing: true})
				continue
			}
			c := dur(r.CPUPerRequest)
			if !r.Baseline {
				c += "  Δ " + delta(r.CPUDelta)
			}
			gc.bars = append(gc.bars, chartBar{name: r.Variant, color: col[r.Variant], value: float64(r.CPUPerRequest), label: c})
			gr.bars = append(gr.bars, chartBar{name: r.Variant, color: col[r.Variant], value: float64(r.PeakRSS) / (1 << 20), label: bytesIEC(r.PeakRSS)})
		}
		cpu, rss = append(cpu, gc), append(rss, gr)
	}
	return &htmlSection{Title: "Cost per variant", Figures: []htmlFigure{{
		Title:   "CPU per request",
		Caption: "The target's CPU time (user+sys, all threads) during the measured attacks divided by the requests sent; Δ as in the tables.",
		SVG:     chartBars("CPU per request", cpu, func(v float64) string { return tickDur(time.Duration(v)) }, "CPU time per request"),
		Empty:   "No variant was measured.",
	}, {
		Title:   "Peak RSS",
		Caption: "The highest peak resident set size of a repetition's target.",
		SVG:     chartBars("peak RSS", rss, func(v float64) string { return tickNum(v) }, "peak resident set size (MiB)"),
		Empty:   "No variant was measured.",
	}}}
}

// spanColumns are the columns of the span accounting table; the cells come
// from the cost table's (costCells) of the same names.
var spanColumns = []string{"spans ended", "received", "lost", "loss", "traces missing", "OnEnd p99"}

// spanSection is the span accounting of the instrumented variants and a
// chart of their losses, labelled with their queue sizes.
func spanSection(s *summary.Summary, l *results.Loaded, col map[string]string) *htmlSection {
	queues := queueSizes(l)
	t := &htmlTable{Class: "spans", Header: append([]string{"rate", "variant", "queue size"}, spanColumns...)}
	var groups []chartBarGroup
	for _, rs := range s.Rates {
		g := chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}
		for _, r := range rs.Rows {
			if r.Kind == profile.KindNone {
				continue
			}
			q := queues[r.Variant]
			row := []string{fmt.Sprint(rs.Rate), r.Variant, q}
			name := fmt.Sprintf("%s (queue %s)", r.Variant, q)
			if r.Reps == 0 {
				t.Rows = append(t.Rows, append(row, padded(len(spanColumns), "not measured")...))
				g.bars = append(g.bars, chartBar{name: name, color: col[r.Variant], label: "not measured", missing: true})
				continue
			}
			cells := costCells(r.Variant, r)
			for _, h := range spanColumns {
				row = append(row, cellUnder(costHeader, cells, h))
			}
			t.Rows = append(t.Rows, row)
			g.bars = append(g.bars, chartBar{name: name, color: col[r.Variant], value: r.Spans.LossPct, label: cellUnder(costHeader, cells, "loss")})
		}
		if len(g.bars) > 0 {
			groups = append(groups, g)
		}
	}
	delay := "unknown"
	if l != nil {
		delay = dur(l.Run.Sink.Delay)
	}
	sec := &htmlSection{Title: "Span accounting"}
	if len(t.Rows) > 0 {
		sec.Blocks = []htmlBlock{{Table: t}}
	} else {
		sec.Blocks = []htmlBlock{{Para: "No instrumented variant was measured."}}
	}
	sec.Figures = []htmlFigure{{
		Title: fmt.Sprintf("Spans lost by queue size (sink delay %s)", delay),
		Caption: fmt.Sprintf("Share of the spans ended that never reached the sink, per variant, labelled with its batch queue size "+
			"(the SDK's default is %d; sync has no queue). The sink answered every export after %s.", sdktrace.DefaultMaxQueueSize, delay),
		SVG:   chartBars("spans lost", groups, func(v float64) string { return tickNum(v) + "%" }, "spans lost (% of ended)"),
		Empty: "No instrumented variant was measured.",
	}}
	return sec
}

// queueSizes returns each variant's batch queue size as the report shows it.
func queueSizes(l *results.Loaded) map[string]string {
	q := map[string]string{}
	if l == nil || l.Run.Profile == nil {
		return q
	}
	for _, v := range l.Run.Profile.Variants {
		switch {
		case v.Kind == profile.KindSync:
			q[v.Name] = "none (sync)"
		case v.QueueSize != nil:
			q[v.Name] = fmt.Sprint(*v.QueueSize)
		default:
			q[v.Name] = fmt.Sprintf("%d (default)", sdktrace.DefaultMaxQueueSize)
		}
	}
	return q
}

// cellUnder returns the cell of row under header name, "" when there is none.
func cellUnder(header, row []string, name string) string {
	for i, h := range header {
		if h == name && i < len(row) {
			return row[i]
		}
	}
	return ""
}

// timelineSection draws every cell's course: small multiples grouped by
// rate (shared scales) and variant (one per repetition).
func timelineSection(s *summary.Summary, l *results.Loaded, raw *rawSeries, col map[string]string) *htmlSection {
	sec := &htmlSection{Title: "Timelines"}
	sec.Blocks = []htmlBlock{{Para: fmt.Sprintf("Each measured cell over time, in %s bins by send time: requests sent per second (red marks: failed requests) "+
		"and the p99 latency of the bin. Scales are shared by the cells of a rate.", timelineBin)}}
	if l == nil {
		sec.Blocks = append(sec.Blocks, htmlBlock{Para: "No raw results to draw from."})
		return sec
	}
	for _, rs := range s.Rates {
		tr := htmlTimelineRate{Rate: rs.Rate}
		// Shared scales: requests/s from 0 to a round value above the
		// highest bin, p99 over the 1-2-5 values around every bin's.
		var rateMax, p99Max float64
		p99Min := math.Inf(1)
		for _, c := range l.Cells {
			if c.Rate != rs.Rate {
				continue
			}
			for _, b := range raw.timelines[c.Dir] {
				rateMax, p99Max = max(rateMax, b.Rate, float64(rs.Rate)), max(p99Max, float64(b.P99))
				if b.Requests > 0 {
					p99Min = min(p99Min, float64(max(b.P99, time.Microsecond)))
				}
			}
		}
		_, _, rateMax = linearTicks(0, 1.15*rateMax, 4) // headroom above the requested rate
		_, p99Min, p99Max = logTicks(p99Min, p99Max)
		for _, r := range rs.Rows {
			row := htmlTimelineRow{Variant: r.Variant, Color: col[r.Variant]}
			var cells []results.Cell
			for _, c := range l.Cells {
				if c.Rate == rs.Rate && c.Variant == r.Variant {
					cells = append(cells, c)
				}
			}
			// The runner shuffles the cells; a row reads by repetition.
			sort.SliceStable(cells, func(i, j int) bool { return cells[i].Rep < cells[j].Rep })
			for _, c := range cells {
				cell := htmlTimelineCell{Label: fmt.Sprintf("rep %d", c.Rep)}
				switch bins := raw.timelines[c.Dir]; {
				case c.Status != results.StatusOK:
					cell.Empty = fmt.Sprintf("%s: %s", c.Status, c.Error)
				case len(bins) == 0:
					cell.Empty = "no results"
				default:
					cell.SVG = timelineChart(bins, float64(rs.Rate), rateMax, p99Min, p99Max, row.Color,
						fmt.Sprintf("%s at %d requests/s, rep %d", r.Variant, rs.Rate, c.Rep))
				}
				row.Cells = append(row.Cells, cell)
			}
			if len(row.Cells) > 0 {
				tr.Rows = append(tr.Rows, row)
			}
		}
		sec.Timelines = append(sec.Timelines, tr)
	}
	return sec
}
