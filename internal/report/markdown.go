package report

import (
	"fmt"
	"io"
	"strings"
)

// markdownRenderer writes GitHub-flavoured Markdown.
type markdownRenderer struct {
	w     io.Writer
	first error
}

func (m *markdownRenderer) printf(format string, args ...any) {
	if m.first == nil {
		_, m.first = fmt.Fprintf(m.w, format, args...)
	}
}

func (m *markdownRenderer) heading(level int, text string) {
	if level > 1 {
		m.printf("\n")
	}
	m.printf("%s %s\n\n", strings.Repeat("#", level), text)
}

func (m *markdownRenderer) para(text string) { m.printf("%s\n\n", text) }

func (m *markdownRenderer) table(t table) {
	m.printf("| %s |\n", strings.Join(escapeCells(t.header), " | "))
	sep := make([]string, len(t.header))
	for i := range sep {
		sep[i] = "---"
		if i > 0 {
			sep[i] = "---:"
		}
	}
	m.printf("| %s |\n", strings.Join(sep, " | "))
	for _, row := range t.rows {
		m.printf("| %s |\n", strings.Join(escapeCells(row), " | "))
	}
	m.printf("\n")
}

func (m *markdownRenderer) list(items []item) {
	for _, it := range items {
		text := strings.ReplaceAll(it.text, "\n", " ")
		if it.warn {
			text = "⚠ " + text
		}
		m.printf("- %s\n", text)
	}
	m.printf("\n")
}

func (m *markdownRenderer) code(lang, text string) {
	m.printf("```%s\n%s```\n\n", lang, text)
}

func (m *markdownRenderer) err() error { return m.first }

func escapeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", "\\|")
	}
	return out
}
