package report

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/pprofmap"
	"github.com/otelbench/otelbench/internal/summary"
)

// overheadTitle is the title of the section on where the CPU goes.
const overheadTitle = "Where the overhead goes"

// overheadSection lays out where each variant's CPU per request goes, by
// component, from the cells' CPU profiles, and the micro benchmark beside
// the end-to-end figure. What was not measured is n/a with why.
func overheadSection(d *doc, s *summary.Summary) {
	o, m := s.Overhead, s.Micro
	if o == nil && m == nil {
		return // a user's service measured without -pprof: nothing to say
	}
	sec := d.newSection(secOverhead, overheadTitle)
	if o == nil {
		sec.para("CPU by component: n/a: no cell was profiled (`otelbench run -pprof off` or `-shards`, or a run from before profiles).")
	} else {
		overheadTables(sec, s, o)
	}
	microBlocks(sec, s, m)
}

// overheadTables writes the breakdown of every rate.
func overheadTables(sec *section, s *summary.Summary, o *summary.Overhead) {
	hz := "at an unrecorded rate"
	if len(o.Hz) > 0 {
		var hs []string
		for _, h := range o.Hz {
			hs = append(hs, fmt.Sprint(h))
		}
		hz = "at " + strings.Join(hs, "/") + " Hz"
	}
	sec.para(fmt.Sprintf("µs of the target's CPU per request by component, from a CPU profile of every measured attack "+
		"(runtime/pprof "+hz+" over its whole seconds; open one with `go tool pprof cells/<cell>/cpu.pprof`), attributed by package "+
		"and function as internal/pprofmap documents. Each cell is the median over repetitions and, for a variant, its change against %s "+
		"with the %.0f%% bootstrap interval over repetitions (~: not significant, p ≥ %g). %s is the CPU the operating system measured "+
		"(schedstat) less the profile's; the components must account for the measured ΔCPU within %.0f%%.",
		s.Baseline, 100*summary.Confidence, summary.Alpha, "`unprofiled`", 100*summary.MaxCoverageGap))
	var notes []item
	for _, why := range o.Missing {
		notes = append(notes, item{text: "cells without a breakdown: " + why, warn: true})
	}
	shown, silent := shownComponents(o)
	for _, or := range o.Rates {
		header := []string{fmt.Sprintf("µs/request at %d/s", or.Rate)}
		for _, r := range or.Rows {
			header = append(header, r.Variant)
		}
		t := table{header: header, class: "components"}
		for _, name := range shown {
			cells := []string{componentLabel(name)}
			for _, r := range or.Rows {
				cells = append(cells, componentCell(r, componentOf(r, name)))
			}
			t.rows = append(t.rows, cells)
		}
		profiled, measured, coverage := []string{"profiled (sum)"}, []string{"measured (schedstat)"}, []string{"coverage of ΔCPU"}
		for _, r := range or.Rows {
			profiled = append(profiled, componentCell(r, r.Profiled))
			measured = append(measured, componentCell(r, r.Measured))
			coverage = append(coverage, coverageCell(r))
			if r.CoverageJudged && !r.CoverageOK {
				notes = append(notes, item{warn: true, text: fmt.Sprintf(
					"%s at %d/s: the profiled components change by %s µs against a measured ΔCPU of %s µs (%.0f%%, beyond ±%.0f%%): the breakdown does not account for the measured change",
					r.Variant, or.Rate, signedUS(r.Profiled.Delta.Point), signedUS(r.Measured.Delta.Point), 100*r.Coverage, 100*summary.MaxCoverageGap)})
			}
		}
		t.rows = append(t.rows, profiled, measured, coverage)
		sec.addTable(t)
	}
	if len(silent) > 0 {
		sec.para("No samples in any cell: " + strings.Join(silent, ", ") + ".")
	}
	if len(notes) > 0 {
		sec.items(notes...)
	}
}

// shownComponents splits the components into those some cell has and
// those none has.
func shownComponents(o *summary.Overhead) (shown, silent []string) {
	has := map[string]bool{}
	for _, or := range o.Rates {
		for _, r := range or.Rows {
			for _, c := range r.Components {
				for _, v := range c.PerRep {
					if v != 0 {
						has[c.Component] = true
					}
				}
			}
		}
	}
	for _, name := range append(o.Components, summary.Unprofiled) {
		if has[name] {
			shown = append(shown, name)
		} else {
			silent = append(silent, componentLabel(name))
		}
	}
	return shown, silent
}

// componentLabel names a component for people.
func componentLabel(name string) string {
	if name == summary.Unprofiled {
		return "unprofiled (measured − profiled)"
	}
	return pprofmap.Component(name).Label()
}

// componentOf finds a component's cost in a row.
func componentOf(r summary.OverheadRow, name string) summary.ComponentCost {
	for _, c := range r.Components {
		if c.Component == name {
			return c
		}
	}
	return summary.ComponentCost{}
}

// componentCell writes a component's µs per request and, for a variant,
// its change against the baseline.
func componentCell(r summary.OverheadRow, c summary.ComponentCost) string {
	if r.Reps == 0 {
		return "n/a (not profiled)"
	}
	v := fmt.Sprintf("%.1f", c.PerRequest/1e3)
	if r.Baseline {
		return v
	}
	return v + " (" + diffUS(c.Delta) + ")"
}

// diffUS writes an absolute change in µs with its interval, "~" first
// when it is not significant.
func diffUS(d summary.Diff) string {
	if !d.Valid {
		return "Δ n/a: no baseline profile"
	}
	s := fmt.Sprintf("%s [%s, %s]", signedUS(d.Point), signedUS(d.Low), signedUS(d.High))
	if !d.Significant {
		s = "~ " + s
	}
	return s
}

// signedUS writes ns as µs with a sign.
func signedUS(ns float64) string { return fmt.Sprintf("%+.1f", ns/1e3) }

// coverageCell says whether the components account for the measured ΔCPU.
func coverageCell(r summary.OverheadRow) string {
	switch {
	case r.Baseline:
		return "–"
	case r.Reps == 0:
		return "n/a (not profiled)"
	case !r.CoverageJudged:
		return "n/a (ΔCPU not significant)"
	case r.CoverageOK:
		return fmt.Sprintf("%.0f%% ✓", 100*r.Coverage)
	}
	return fmt.Sprintf("%.0f%% ⚠ beyond ±%.0f%%", 100*r.Coverage, 100*summary.MaxCoverageGap)
}

// microBlocks writes the micro benchmark and its comparison with the run.
func microBlocks(sec *section, s *summary.Summary, m *summary.Micro) {
	if m == nil {
		return
	}
	if len(m.Setups) == 0 {
		sec.para("Micro benchmark: n/a: " + m.Missing + ".")
		return
	}
	sec.para("Micro benchmark (`make micro`: the same handler in process, no network in front of it; medians of its runs). " +
		"CPU is the whole process's per request (the batch worker and exporter included) less the in-process sink's samples.")
	t := table{header: []string{"set-up", "runs", "wall/req", "CPU/req", "ΔCPU vs bare"}}
	for _, st := range m.Setups {
		t.rows = append(t.rows, []string{st.Name, fmt.Sprint(st.Runs), fmt.Sprintf("%.1f µs", st.Wall/1e3),
			fmt.Sprintf("%.1f µs", st.CPU/1e3), signedUS(st.Delta) + " µs"})
	}
	sec.addTable(t)
	if m.Missing != "" {
		sec.para("Compared with the run: n/a: " + m.Missing + ".")
		return
	}
	var items []item
	for _, g := range m.Gaps {
		if !g.EndToEnd.Valid {
			items = append(items, item{text: fmt.Sprintf("%d/s: %s end to end: n/a (%s); in process sdk-otlp adds %s µs", g.Rate, m.Variant, g.ComponentsMissing, signedUS(g.Micro))})
			continue
		}
		text := fmt.Sprintf("%d/s: %s adds %s µs CPU per request end to end, in process sdk-otlp %s µs: a gap of %s µs",
			g.Rate, m.Variant, diffUS(g.EndToEnd), signedUS(g.Micro), signedUS(g.Gap))
		if len(g.Components) == 0 {
			text += " (by component: n/a, " + g.ComponentsMissing + ")"
		} else {
			var parts []string
			for _, c := range g.Components[:min(5, len(g.Components))] {
				parts = append(parts, fmt.Sprintf("%s %s (end to end %s, in process %s)", componentLabel(c.Component), signedUS(c.Gap), signedUS(c.EndToEnd), signedUS(c.Micro)))
			}
			text += "; the components with the largest gaps: " + strings.Join(parts, ", ")
		}
		items = append(items, item{text: text})
	}
	sec.items(items...)
}
