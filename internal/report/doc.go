// Package report renders a run's analysis (package analysis) for people:
// the text report for the terminal, report.md and a self-contained
// report.html, the output of `otelbench recommend`, and comparisons of two
// runs.
//
// A report is laid out once (document.go) as sections of typed blocks and
// rendered three ways; the HTML page attaches its charts to sections by
// their kind. Every sentence is written here, from the values the
// computing packages return; the only arithmetic is unit conversion and
// the pixels of the charts. Every report opens with its answer: the
// settings to use, what they cost, and whether that meets the budgets.
package report
