package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/summary"
)

// HTMLFile is the name of the HTML report in a run directory, next to
// report.md.
const HTMLFile = "report.html"

//go:embed html/page.html.tmpl html/style.css
var htmlFiles embed.FS

var (
	pageTemplate = template.Must(template.New("page.html.tmpl").Funcs(template.FuncMap{"pad": pad}).ParseFS(htmlFiles, "html/page.html.tmpl"))
	pageCSS      = mustReadHTMLFile("html/style.css")
)

// pad returns cols − n empty slots: the grid cells that complete a
// timeline row with fewer repetitions than its rate's longest.
func pad(cols, n int) []struct{} { return make([]struct{}, max(cols-n, 0)) }

func mustReadHTMLFile(name string) template.CSS {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return template.CSS(b) // #nosec G203 -- our own embedded file
}

// HTML writes a run's report as one self-contained HTML page (report.html):
// the text report's sections and tables, with the warnings' details folded
// under them, and charts drawn as inline SVG from the Summary's series
// (latency spectra and timelines). The page loads nothing and runs no
// script.
func HTML(w io.Writer, a *analysis.Analysis) error {
	p := buildPage(a)
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
	// Verdict is the answer in a few words; VerdictOK styles it.
	Verdict   string
	VerdictOK bool
	Sections  []*htmlSection
}

// htmlSection is a level-2 part of the page: the text report's blocks, then
// figures and timelines.
type htmlSection struct {
	Title, ID string
	Blocks    []htmlBlock
	Figures   []htmlFigure
	Timelines []htmlTimelineRate
}

// htmlBlock is one paragraph, list, table or code block of the report.
type htmlBlock struct {
	Para  string
	Items []htmlItem
	Table *htmlTable
	Code  string
}

// htmlItem is a list entry; More are its details, folded.
type htmlItem struct {
	Text string
	Warn bool
	More []string
}

type htmlTable struct {
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
	// Columns is the most repetitions of a row: the grid's columns.
	Columns int
	Rows    []htmlTimelineRow
}

type htmlTimelineRow struct {
	Variant, Color string
	Cells          []htmlTimelineCell
}

type htmlTimelineCell struct {
	Label, Empty string
	SVG          template.HTML
}

// buildPage lays the page out: the report's sections, each rate's charts in
// its section, and the cost, span and timeline sections after the last
// rate.
func buildPage(a *analysis.Analysis) *htmlPage {
	s := a.Summary
	d := runDoc(a)
	col := variantColors(s)
	p := &htmlPage{Title: d.title, RunID: s.RunID, CSS: pageCSS, Env: htmlEnvironment(s)}
	p.Verdict, p.VerdictOK = pageVerdict(a)
	afterRates := 0
	for _, sec := range d.sections {
		hs := &htmlSection{Title: sec.title, Blocks: htmlBlocks(sec.blocks)}
		switch sec.kind {
		case secIntro:
			hs.Title = "Run"
		case secOverhead:
			hs.Figures = overheadFigures(s)
		case secRate:
			for _, rs := range s.Rates {
				if rs.Rate == sec.rate {
					hs.Figures = rateFigures(s, rs, col)
				}
			}
		}
		p.Sections = append(p.Sections, hs)
		if sec.kind == secRate {
			afterRates = len(p.Sections)
		}
	}
	if afterRates == 0 {
		afterRates = len(p.Sections)
	}
	extra := []*htmlSection{costSection(s, col), spanSection(s, col), timelineSection(s, col)}
	p.Sections = append(p.Sections[:afterRates], append(extra, p.Sections[afterRates:]...)...)
	seen := map[string]int{}
	for _, sec := range p.Sections {
		id := htmlID(sec.Title)
		sec.ID = id
		if n := seen[id]; n > 0 {
			sec.ID = fmt.Sprintf("%s-%d", id, n+1)
		}
		seen[id]++
	}
	return p
}

// pageVerdict is the answer in a few words, for the page's header.
func pageVerdict(a *analysis.Analysis) (string, bool) {
	ad := a.Advice
	switch {
	case !ad.Measured:
		return "No settings: nothing instrumented was measured", false
	case ad.Verdict.Within:
		return fmt.Sprintf("Answer: the settings below (from %s) are within the budgets", ad.Choice.Variant), true
	}
	return fmt.Sprintf("Answer: the settings below (from %s) miss a budget; see by how much", ad.Choice.Variant), false
}

// htmlBlocks converts a section's blocks.
func htmlBlocks(bs []block) []htmlBlock {
	var out []htmlBlock
	for _, b := range bs {
		switch {
		case b.table != nil:
			out = append(out, htmlBlock{Table: &htmlTable{Class: b.table.class, Header: b.table.header, Rows: b.table.rows}})
		case b.list != nil:
			var items []htmlItem
			for _, it := range b.list {
				items = append(items, htmlItem{Text: it.text, Warn: it.warn, More: it.more})
			}
			out = append(out, htmlBlock{Items: items})
		case b.code != nil:
			out = append(out, htmlBlock{Code: b.code.text})
		default:
			out = append(out, htmlBlock{Para: b.para})
		}
	}
	return out
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
func htmlEnvironment(s *summary.Summary) [][2]string {
	e := s.Environment
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
		{"started", s.Started.UTC().Format(time.RFC3339)},
	}
	if !s.Finished.IsZero() {
		env = append(env, [2]string{"finished", s.Finished.UTC().Format(time.RFC3339)})
	}
	env = append(env,
		[2]string{"seed", fmt.Sprint(s.Seed)},
		[2]string{"sink", strings.TrimSpace(fmt.Sprintf("%s %s, delay %s", s.Sink.Kind, s.Sink.Endpoint, dur(s.Sink.Delay)))},
	)
	for _, line := range envLines(e.OTelEnv) {
		env = append(env, [2]string{"otelbench env", line})
	}
	return env
}
