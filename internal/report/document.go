package report

import (
	"io"

	"github.com/otelbench/otelbench/internal/analysis"
)

// doc is a report laid out once for every format.
type doc struct {
	title    string
	sections []*section
}

// sectionKind says what a section holds, so that the HTML page can attach
// its charts without reading titles.
type sectionKind int

// The kinds of sections, in the order a run's report has them.
const (
	secIntro sectionKind = iota
	secAnswer
	secWarnings
	secConditions
	secRate
	secVersions
	secOverhead
	secAccounting
	secRecovery
	secModel
	secRules
	secRecommendation
	secReading
	secOther
)

// section is one level-2 part of a report; intro has no heading.
type section struct {
	kind   sectionKind
	rate   int // for secRate
	title  string
	blocks []block
}

// block is one paragraph, table, list or code block: exactly one field is
// set.
type block struct {
	para  string
	table *table
	list  []item
	code  *codeBlock
}

// item is one entry of a list. A warning is marked as such (⚠ in text);
// more holds its details, which the HTML folds under it.
type item struct {
	text string
	warn bool
	more []string
}

// codeBlock is preformatted text in a language ("go", "sh", "yaml").
type codeBlock struct {
	lang, text string
}

// table is a grid of cells: a header and rows of strings.
type table struct {
	header []string
	rows   [][]string
	// class styles it in the HTML ("" for the default).
	class string
}

func (s *section) para(text string)    { s.blocks = append(s.blocks, block{para: text}) }
func (s *section) addTable(t table)    { s.blocks = append(s.blocks, block{table: &t}) }
func (s *section) items(items ...item) { s.blocks = append(s.blocks, block{list: items}) }
func (s *section) code(lang, text string) {
	s.blocks = append(s.blocks, block{code: &codeBlock{lang, text}})
}
func (d *doc) add(s *section) *section { d.sections = append(d.sections, s); return s }
func (d *doc) newSection(k sectionKind, title string) *section {
	return d.add(&section{kind: k, title: title})
}

// plain makes list items of texts.
func plain(texts ...string) []item {
	out := make([]item, len(texts))
	for i, t := range texts {
		out[i] = item{text: t}
	}
	return out
}

// renderer is what the text and Markdown formats provide.
type renderer interface {
	heading(level int, text string)
	para(text string)
	table(t table)
	list(items []item)
	code(lang, text string)
	err() error
}

// render writes d through r.
func (d *doc) render(r renderer) error {
	r.heading(1, d.title)
	for _, s := range d.sections {
		if s.title != "" {
			r.heading(2, s.title)
		}
		for _, b := range s.blocks {
			switch {
			case b.table != nil:
				r.table(*b.table)
			case b.list != nil:
				r.list(b.list)
			case b.code != nil:
				r.code(b.code.lang, b.code.text)
			default:
				r.para(b.para)
			}
		}
	}
	return r.err()
}

// Text writes a run's report for a terminal.
func Text(w io.Writer, a *analysis.Analysis) error {
	return runDoc(a).render(&textRenderer{w: w})
}

// Markdown writes a run's report as Markdown (report.md).
func Markdown(w io.Writer, a *analysis.Analysis) error {
	return runDoc(a).render(&markdownRenderer{w: w})
}
