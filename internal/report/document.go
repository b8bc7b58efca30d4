package report

import (
	"fmt"
	"io"

	"github.com/otelbench/otelbench/internal/summary"
)

// renderer is what a output format provides; document lays out the report
// once for every format.
type renderer interface {
	heading(level int, text string)
	para(text string)
	table(t table)
	list(items []string)
	code(lang, text string)
	err() error
}

// Text writes the report for a terminal.
func Text(w io.Writer, s *summary.Summary) error {
	r := &textRenderer{w: w}
	document(r, s)
	return r.err()
}

// Markdown writes the report as Markdown (report.md).
func Markdown(w io.Writer, s *summary.Summary) error {
	r := &markdownRenderer{w: w}
	document(r, s)
	return r.err()
}

func document(r renderer, s *summary.Summary) {
	r.heading(1, fmt.Sprintf("otelbench run %s", s.RunID))
	r.para(fmt.Sprintf("Profile %s, status %s. Overheads are against the baseline (%s) at the same rate.", s.Profile, s.Status, s.Baseline))
	r.list([]string{
		"Latency columns are vegeta's, from the moment a request is sent, over every measured request of every repetition; \"p99 intended\" measures from when the request was due (start + n/rate), so queueing in the load generator cannot hide; \"p99 of reps\" is the range of single repetitions' p99.",
		fmt.Sprintf("Δ columns: the absolute difference of the pooled percentile, then the change of the median of the repetitions' values with a %.0f%% bootstrap confidence interval (repetitions resampled), when a Mann–Whitney U test over the repetitions finds it significant (p < %.2f); \"~\" means not significant. With n repetitions per side the smallest p is 2/C(2n,n): 3 against 3 can never reach 0.05, 5 against 5 can.", 100*summary.Confidence, summary.Alpha),
		"A/A control rows measure the baseline again as a separate variant: their Δ is the noise floor of this machine and profile.",
	})
	if len(s.Warnings) > 0 {
		r.list(prefixed("⚠ ", s.Warnings))
	}
	conditions(r, s)
	for _, rs := range s.Rates {
		r.heading(2, fmt.Sprintf("%d requests/s", rs.Rate))
		lat, cost, notes := rateTables(rs)
		for _, row := range rs.Rows {
			if row.Control && row.Reps > 0 {
				notes = append([]string{fmt.Sprintf("noise floor (A/A %s against %s): Δp50 %s, Δp99 %s, ΔCPU %s",
					row.Variant, s.Baseline, delta(row.P50Delta), delta(row.P99Delta), delta(row.CPUDelta))}, notes...)
			}
		}
		r.table(lat)
		r.table(cost)
		if bt, ok := blockingTable(rs); ok {
			r.para("Time the request path waited on span export:")
			r.table(bt)
		}
		if len(notes) > 0 {
			r.list(prefixed("⚠ ", notes))
		}
	}
	accounting(r, s)
	modelSection(r, s)
	r.heading(2, "How to read the span columns")
	r.list([]string{
		"spans ended: spans that reached the span processor in the target (warm-up included); lost = ended − received by the sink.",
		"traces missing: successful requests whose server span never reached the sink, found by matching each request's trace id; n/a for sampled variants, whose requests start root traces (the share kept is shown instead).",
		"OnEnd p99: time a request spent in the span processor's OnEnd, the request path's wait on span export, from the target's histogram (buckets about 25% wide).",
		"wait/req: mean time in OnEnd per span × spans per request; share of latency: that over the mean request latency. lock wait/span (sync): OnEnd minus the span's own export, the wait behind other requests' exports on the processor's lock.",
		"CPU/req: the target's CPU time (user+sys, all threads) during the measured attack divided by the requests sent.",
	})
	rulesOfThumb(r, s)
	recommendation(r, s)
}

func recommendation(r renderer, s *summary.Summary) {
	rec := s.Recommendation
	r.heading(2, "Recommendation")
	if rec.Variant == "" {
		r.para("No measured variant qualifies.")
	} else {
		r.para(fmt.Sprintf("Use the settings of %s.", rec.Variant))
	}
	r.list(rec.Reasons)
	if rec.Settings != nil {
		r.para("As Go:")
		r.code("go", goCode(*rec.Settings))
		if lines := envLines(rec.Env); len(lines) > 0 {
			r.para("Or as standard environment variables (the SDK reads them; explicit options in code win):")
			r.code("sh", joinLines(lines))
		} else {
			r.para("As environment variables: none to set; the SDK's defaults apply.")
		}
		if rec.Settings.Blocking {
			r.para("Blocking has no standard variable: it needs sdktrace.WithBlocking() in code.")
		}
	}
	if len(rec.Rejected) > 0 {
		r.para("Not chosen:")
		var items []string
		for _, j := range rec.Rejected {
			items = append(items, fmt.Sprintf("%s: %s", j.Variant, joinSemi(j.Reasons)))
		}
		r.list(items)
	}
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func joinLines(xs []string) string {
	s := ""
	for _, x := range xs {
		s += x + "\n"
	}
	return s
}

func joinSemi(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}
