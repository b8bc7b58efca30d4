package report

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/summary"
)

// ws returns every warning of s, run-wide first.
func ws(s *summary.Summary) []summary.Warning { return s.AllWarnings() }

// maxFailedShown bounds how many failed cells the section details; the
// warnings still count them all.
const maxFailedShown = 6

// failedCells says, in every format, why each cell failed, with the
// service's last lines of output when it delivered no span: the one place
// a text or Markdown reader sees more than the warning's summary line.
func failedCells(d *doc, warnings []summary.Warning) {
	var failed []summary.Warning
	for _, w := range warnings {
		if w.Kind == summary.WarnCellFailed {
			failed = append(failed, w)
		}
	}
	if len(failed) == 0 {
		return
	}
	sec := d.newSection(secWarnings, "Cells that failed")
	shownLog := false
	for i, w := range failed {
		if i == maxFailedShown {
			sec.para(fmt.Sprintf("%d more failed; each cell's cell.json and target.log say why.", len(failed)-maxFailedShown))
			break
		}
		sec.items(item{text: w.Cell + ": " + w.Detail, warn: true})
		// The log once: the cells of one run fail alike.
		if len(w.Lines) > 0 && !shownLog {
			sec.para("The last lines of its output:")
			sec.code("", strings.Join(w.Lines, "\n")+"\n")
			shownLog = true
		}
	}
}
