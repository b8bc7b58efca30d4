// Package report renders a Summary (package summary) for people: a plain-text
// report for the terminal and report.md. It does no arithmetic beyond unit
// conversion; every number comes from the Summary.
package report
