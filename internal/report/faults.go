package report

import (
	"fmt"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

// conditions says what the spans were sent to and how it misbehaved.
func conditions(r renderer, s *summary.Summary) {
	if len(s.Faults) == 0 && s.Burst == "" && s.Collector != "otelcol" {
		return
	}
	r.heading(2, "Conditions")
	if s.Collector == "otelcol" {
		r.para("Spans went to a real OpenTelemetry Collector (`make collector`): received is its otelcol_receiver_accepted_spans; it counts spans, not traces, so there is no trace matching and no freshness.")
	}
	if len(s.Faults) == 0 && s.Burst == "" {
		return
	}
	var items []string
	for _, f := range s.Faults {
		items = append(items, "sink "+f)
	}
	if s.Burst != "" {
		items = append(items, "load burst: "+s.Burst)
	}
	r.para("Faults and load shape active in every cell (windows are from the start of each measured attack):")
	r.list(items)
}

var blockingHeader = []string{"variant", "OnEnd p50", "OnEnd p99", "OnEnd max", "wait/req", "share of latency", "lock wait/span", "export mean"}

// blockingTable lays out how long requests waited on span export at one rate.
func blockingTable(rs summary.RateSummary) (table, bool) {
	t := table{header: blockingHeader}
	any := false
	for _, row := range rs.Rows {
		if row.Kind == profile.KindNone || row.Reps == 0 {
			continue
		}
		any = true
		b := row.Blocking
		lock := ""
		if row.Kind == profile.KindSync {
			lock = dur(b.LockWait)
		}
		t.rows = append(t.rows, []string{
			row.Variant, dur(row.OnEndP50), dur(row.OnEndP99), dur(b.OnEndMax),
			dur(b.PerRequest), fmt.Sprintf("%.1f%%", 100*b.Share), lock, dur(b.ExportMean),
		})
	}
	return t, any
}

var accountingHeader = []string{"cell", "ended", "handed", "exported", "failed", "dropped", "lost at shutdown",
	"received", "dup", "traces missing", "fresh p50", "fresh p99", "adds up"}

// accounting lays out the span accounting of every cell in one table.
func accounting(r renderer, s *summary.Summary) {
	if len(s.Accounting) == 0 {
		return
	}
	r.heading(2, "Span accounting by cell")
	r.para("Every span each target ended, cell by cell: ended = exported + dropped + failed + lost at shutdown; the sink's distinct spans must equal exported.")
	t := table{header: accountingHeader}
	obs := false
	for _, a := range s.Accounting {
		if a.Kind == profile.KindNone {
			continue
		}
		name := a.Cell
		if a.Observability {
			name += " ◆"
			obs = true
		}
		failed := fmt.Sprint(a.Failed)
		if c := a.Codes(); c != "" {
			failed += " (" + c + ")"
		}
		dropped := fmt.Sprint(a.Dropped)
		lost := fmt.Sprint(a.LostAtShutdown)
		switch a.DropSource {
		case summary.DropUnknown:
			dropped += " (with lost)"
			lost = "?"
		case summary.DropExternal:
			dropped += " (never arrived)"
			lost, failed = "?", "?"
		}
		missing := "n/a"
		if a.MissingTraces >= 0 {
			missing = fmt.Sprint(a.MissingTraces)
		}
		adds := "yes"
		switch {
		case !a.Adds:
			adds = "NO"
		case !a.Independent:
			adds = "yes (dropped is the remainder)"
		}
		t.rows = append(t.rows, []string{name, fmt.Sprint(a.Ended), fmt.Sprint(a.Handed), fmt.Sprint(a.Exported),
			failed, dropped, lost, fmt.Sprint(a.Received), fmt.Sprint(a.Duplicates), missing,
			fresh(a.FreshnessP50), fresh(a.FreshnessP99), adds})
	}
	r.table(t)
	dropped := "dropped: every span never handed to the exporter, after a clean shutdown drained the queue (turn on the variant option observability to count drops with the SDK's own counter)."
	if obs {
		dropped = "dropped: from the SDK's own counter for ◆ cells (OTEL_GO_X_OBSERVABILITY=true, about 0.7 µs more per span); otherwise, after a clean shutdown (queue drained), every span never handed to the exporter."
	}
	notes := []string{dropped, "fresh: from a span's end to its arrival at the sink (distinct spans; ±15%)."}
	r.list(notes)
	recoveryTable(r, s)
}

var recoveryHeader = []string{"cell", "fault ended at", "worst request during", "p99 before", "latency back after", "spans back after"}

// recoveryTable says how each cell came back after the sink's fault windows.
func recoveryTable(r renderer, s *summary.Summary) {
	t := table{header: recoveryHeader}
	for _, a := range s.Accounting {
		rc := a.Recovery
		if rc == nil {
			continue
		}
		if !rc.Known {
			t.rows = append(t.rows, padded(len(recoveryHeader), a.Cell, "unknown (window without end, or no request before it)"))
			continue
		}
		spans := backAfter(rc.Spans)
		if rc.NoArrivals {
			spans = "n/a"
		}
		t.rows = append(t.rows, []string{a.Cell, dur(rc.FaultEnd), dur(rc.WorstDuring), dur(rc.BaselineP99),
			backAfter(rc.Latency), spans})
	}
	if len(t.rows) == 0 {
		return
	}
	r.heading(2, "Recovery after the fault")
	r.para(fmt.Sprintf("Latency is back at the first of %d 100 ms buckets in a row whose p99 stays within %g× the p99 before the fault (or %s above it); spans are back when the sink receives any again. Times are from the end of the last window; worst request during: by send time.",
		summary.RecoveryRun, summary.RecoveryFactor, summary.RecoverySlack))
	r.table(t)
}

// backAfter formats a recovery time; −1 means not within the attack.
func backAfter(d time.Duration) string {
	if d < 0 {
		return "not before the end ⚠"
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
