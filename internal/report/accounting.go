package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

var (
	accountingHeader = []string{"cell", "ended", "handed", "exported", "failed", "dropped", "lost at shutdown", "received", "adds up"}
	deliveryHeader   = []string{"cell", "duplicates", "traces missing", "fresh p50", "fresh p99"}
)

// accounting lays out the span accounting of every cell in one table.
func accounting(d *doc, s *summary.Summary) {
	if len(s.Accounting) == 0 {
		return
	}
	t, dt := table{header: accountingHeader}, table{header: deliveryHeader}
	obs, outside := false, false
	var ws []summary.Warning
	for _, a := range s.Accounting {
		ws = append(ws, a.Warnings...)
		if !a.Kind.Exports() {
			continue
		}
		name := a.Cell
		if a.Observability {
			name += " ◆"
			obs = true
		}
		outside = outside || a.Outside
		t.rows = append(t.rows, accountCells(name, a))
		dt.rows = append(dt.rows, deliveryCells(name, a))
	}
	if len(t.rows) == 0 {
		return
	}
	sec := d.newSection(secAccounting, "Span accounting by cell")
	sec.para("Every span each target ended, cell by cell: ended = exported + dropped + failed + lost at shutdown; the sink's distinct spans must equal exported.")
	if outside {
		sec.para("A service otelbench did not build is seen from outside: ended is what the requests should have produced (expected, not counted), and what its traces miss is all that can be told.")
	}
	sec.addTable(t)
	sec.para("How the spans that arrived arrived:")
	sec.addTable(dt)
	dropped := "dropped: every span never handed to the exporter, after a clean shutdown drained the queue (turn on the variant option observability to count drops with the SDK's own counter)."
	if obs {
		dropped = "dropped: from the SDK's own counter for ◆ cells (OTEL_GO_X_OBSERVABILITY=true, about 0.7 µs more per span); otherwise, after a clean shutdown (queue drained), every span never handed to the exporter."
	}
	notes := plain(dropped, "fresh: from a span's end to its arrival at the sink (distinct spans; ±15%).")
	for _, w := range ws {
		notes = append(notes, item{text: warningText(w)})
	}
	sec.items(notes...)
}

// accountCells formats one cell's accounting.
func accountCells(name string, a summary.Account) []string {
	failed := fmt.Sprint(a.Failed)
	if c := codes(a.FailedByCode); c != "" {
		failed += " (" + c + ")"
	}
	dropped := fmt.Sprint(a.Dropped)
	lost := fmt.Sprint(a.LostAtShutdown)
	switch a.DropSource {
	case string(results.DropUnknown):
		dropped += " (with lost)"
		lost = "?"
	}
	if a.Outside {
		return outsideCells(name, a)
	}
	adds := "yes"
	switch {
	case !a.Adds:
		adds = "NO"
	case !a.Independent:
		adds = "yes (dropped is the remainder)"
	}
	return []string{name, fmt.Sprint(a.Ended), fmt.Sprint(a.Handed), fmt.Sprint(a.Exported),
		failed, dropped, lost, fmt.Sprint(a.Received), adds}
}

// outsideCells formats the accounting of a user's service, seen from
// outside: what arrived and what its traces miss; the rest was not counted.
func outsideCells(name string, a summary.Account) []string {
	ended, dropped := fmt.Sprintf("%d (expected)", a.Ended), fmt.Sprintf("%d (missing from traces)", a.Dropped)
	if a.LossUnknown != "" {
		ended, dropped = "n/a", "n/a ("+lossUnknownText(a.LossUnknown)+")"
	}
	const nc = "not counted"
	return []string{name, ended, nc, nc, nc, dropped, nc, fmt.Sprint(a.Received), "n/a (seen from outside)"}
}

// lossUnknownText says briefly why a loss cannot be told.
func lossUnknownText(why string) string {
	switch why {
	case results.LossUnknownSampled:
		return "sampled at the root: which traces were kept is the service's choice"
	case results.LossUnknownExtra:
		return "more spans arrived than requests × spans per request"
	case results.LossUnknownNoSpans:
		return "no trace to measure spans per request from, and no -spans"
	}
	return why
}

// deliveryCells formats how one cell's spans arrived: duplicates, traces
// missing and freshness.
func deliveryCells(name string, a summary.Account) []string {
	missing := "n/a"
	if a.MissingTraces >= 0 {
		missing = fmt.Sprint(a.MissingTraces)
	}
	return []string{name, fmt.Sprint(a.Duplicates), missing, fresh(a.FreshnessP50), fresh(a.FreshnessP99)}
}

// codes formats failures by gRPC code as "Unavailable 12, DeadlineExceeded
// 3", in name order; "" when nothing failed.
func codes(by map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(by)) {
		if n := by[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	return strings.Join(parts, ", ")
}

var recoveryHeader = []string{"cell", "fault ended at", "worst request during", "p99 before", "latency back after", "spans back after"}

// recoveryTable says how each cell came back after the sink's fault windows.
func recoveryTable(d *doc, s *summary.Summary) {
	t := table{header: recoveryHeader}
	for _, a := range s.Accounting {
		rc := a.Recovery
		switch {
		case rc == nil:
			continue
		case rc.UntilEnd:
			t.rows = append(t.rows, padded(len(recoveryHeader), a.Cell, dur(rc.FaultEnd), "n/a: the fault lasted until the end of the attack, leaving nothing to recover in"))
			continue
		case !rc.Known:
			t.rows = append(t.rows, padded(len(recoveryHeader), a.Cell, "unknown (window without end, or no request before it)"))
			continue
		}
		spans := backAfter(rc.Spans)
		if rc.NoArrivals {
			spans = "n/a (no arrival timeline)"
		}
		t.rows = append(t.rows, []string{a.Cell, dur(rc.FaultEnd), dur(rc.WorstDuring), dur(rc.BaselineP99),
			backAfter(rc.Latency), spans})
	}
	if len(t.rows) == 0 {
		return
	}
	sec := d.newSection(secRecovery, "Recovery after the fault")
	sec.para(fmt.Sprintf("Latency is back at the first of %d 100 ms buckets in a row whose p99 stays within %g× the p99 before the fault (or %s above it); spans are back when the sink receives any again. Times are from the end of the last window; worst request during: by send time.",
		summary.RecoveryRun, summary.RecoveryFactor, summary.RecoverySlack))
	sec.addTable(t)
}

// backAfter formats a recovery time; −1 means not within the attack.
func backAfter(d time.Duration) string {
	if d < 0 {
		return "not before the end of the attack"
	}
	return dur(d)
}

// fresh formats a freshness quantile; zero means none was measured.
func fresh(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return dur(d)
}
