package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// textRenderer writes plain text with aligned columns.
type textRenderer struct {
	w     io.Writer
	first error
}

func (t *textRenderer) printf(format string, args ...any) {
	if t.first == nil {
		_, t.first = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textRenderer) heading(level int, text string) {
	if level == 1 {
		t.printf("%s\n%s\n", text, strings.Repeat("=", len([]rune(text))))
		return
	}
	t.printf("\n%s\n%s\n", text, strings.Repeat("-", len([]rune(text))))
}

func (t *textRenderer) para(text string) { t.printf("%s\n", text) }

func (t *textRenderer) table(tb table) {
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(tb.header, "\t"))
	for _, row := range tb.rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil && t.first == nil {
		t.first = err
	}
	t.printf("\n")
}

func (t *textRenderer) list(items []item) {
	for _, it := range items {
		if it.warn {
			t.printf("  ⚠ %s\n", it.text)
		} else {
			t.printf("  %s\n", it.text)
		}
	}
	t.printf("\n")
}

func (t *textRenderer) code(_ string, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		t.printf("    %s\n", line)
	}
	t.printf("\n")
}

func (t *textRenderer) err() error { return t.first }
