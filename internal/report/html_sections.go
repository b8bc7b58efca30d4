package report

import (
	"fmt"
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// rateFigures are the charts of one rate: its latency spectrum and its
// overheads with their confidence intervals.
func rateFigures(s *summary.Summary, rs summary.RateSummary, col map[string]string) []htmlFigure {
	return []htmlFigure{{
		Title: fmt.Sprintf("Latency by percentile at %d requests/s", rs.Rate),
		Caption: "Every request of every successful repetition, pooled per variant; the x axis stretches the tail as HdrHistogram plots do " +
			"(each step right is ten times rarer). A line ends where its requests no longer resolve the percentile.",
		SVG:   spectrumChart(rs, col),
		Empty: "No measured requests to draw from.",
	}, {
		Title: fmt.Sprintf("Overhead against %s at %d requests/s", s.Baseline, rs.Rate),
		Caption: fmt.Sprintf("Change of the median over repetitions of each repetition's p50 and p99 (the Δ columns), with its %.0f%% bootstrap "+
			"confidence interval; hollow markers are not significant (~).", 100*summary.Confidence),
		SVG:   overheadChart(rs, s.Budget, col),
		Empty: "No variant measured besides the baseline.",
	}}
}

// costSection shows CPU per request and peak RSS per variant and rate.
func costSection(s *summary.Summary, col map[string]string) *htmlSection {
	var cpu, rss []chartBarGroup
	for _, rs := range s.Rates {
		gc, gr := chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}, chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}
		for _, r := range rs.Rows {
			if r.Reps == 0 {
				gc.bars = append(gc.bars, chartBar{name: r.Variant, color: col[r.Variant], label: "not measured", missing: true})
				gr.bars = append(gr.bars, chartBar{name: r.Variant, color: col[r.Variant], label: "not measured", missing: true})
				continue
			}
			c := dur(r.CPUPerRequest)
			if !r.Baseline {
				c += "  Δ " + delta(r.CPUDelta)
			}
			gc.bars = append(gc.bars, chartBar{name: r.Variant, color: col[r.Variant], value: float64(r.CPUPerRequest), label: c})
			gr.bars = append(gr.bars, chartBar{name: r.Variant, color: col[r.Variant], value: float64(r.PeakRSS) / (1 << 20), label: bytesIEC(r.PeakRSS)})
		}
		cpu, rss = append(cpu, gc), append(rss, gr)
	}
	return &htmlSection{Title: "Cost per variant", Figures: []htmlFigure{{
		Title:   "CPU per request",
		Caption: "The target's CPU time (user+sys, all threads) during the measured attacks divided by the requests sent; Δ as in the tables.",
		SVG:     chartBars("CPU per request", cpu, func(v float64) string { return tickDur(time.Duration(v)) }, "CPU time per request"),
		Empty:   "No variant was measured.",
	}, {
		Title:   "Peak RSS",
		Caption: "The highest peak resident set size of a repetition's target.",
		SVG:     chartBars("peak RSS", rss, func(v float64) string { return tickNum(v) }, "peak resident set size (MiB)"),
		Empty:   "No variant was measured.",
	}}}
}

var spanHeader = []string{"rate", "variant", "queue size", "spans ended", "received", "lost", "loss", "traces missing", "OnEnd p99"}

// spanSection is the span accounting of the instrumented variants and a
// chart of their losses, labelled with their queue sizes.
func spanSection(s *summary.Summary, col map[string]string) *htmlSection {
	queues := queueSizes(s)
	t := &htmlTable{Class: "spans", Header: spanHeader}
	var groups []chartBarGroup
	for _, rs := range s.Rates {
		g := chartBarGroup{label: fmt.Sprintf("%d requests/s", rs.Rate)}
		for _, r := range rs.Rows {
			if r.Kind == profile.KindNone {
				continue
			}
			q := queues[r.Variant]
			row := []string{fmt.Sprint(rs.Rate), r.Variant, q}
			name := fmt.Sprintf("%s (queue %s)", r.Variant, q)
			if r.Reps == 0 {
				t.Rows = append(t.Rows, append(row, padded(len(spanHeader)-3, "not measured")...))
				g.bars = append(g.bars, chartBar{name: name, color: col[r.Variant], label: "not measured", missing: true})
				continue
			}
			c := spanCells(r)
			t.Rows = append(t.Rows, append(row, c.ended, c.received, c.lost, c.loss, c.missing, c.onEnd))
			g.bars = append(g.bars, chartBar{name: name, color: col[r.Variant], value: r.Spans.LossPct, label: c.loss})
		}
		if len(g.bars) > 0 {
			groups = append(groups, g)
		}
	}
	delay := dur(s.Sink.Delay)
	sec := &htmlSection{Title: "Span accounting"}
	if len(t.Rows) > 0 {
		sec.Blocks = []htmlBlock{{Table: t}}
	} else {
		sec.Blocks = []htmlBlock{{Para: "No instrumented variant was measured."}}
	}
	sec.Figures = []htmlFigure{{
		Title: fmt.Sprintf("Spans lost by queue size (sink delay %s)", delay),
		Caption: fmt.Sprintf("Share of the spans ended that never reached the sink, per variant, labelled with its batch queue size "+
			"(the SDK's default is %d; sync has no queue). The sink answered every export after %s.", settings.DefaultBatch().QueueSize, delay),
		SVG:   chartBars("spans lost", groups, func(v float64) string { return tickNum(v) + "%" }, "spans lost (% of ended)"),
		Empty: "No instrumented variant was measured.",
	}}
	return sec
}

// queueSizes returns each variant's batch queue size as the report shows it.
func queueSizes(s *summary.Summary) map[string]string {
	q := map[string]string{}
	def := settings.DefaultBatch().QueueSize
	for _, v := range s.Variants {
		switch {
		case v.Kind == profile.KindSync:
			q[v.Name] = "none (sync)"
		case v.Settings.Batch.QueueSize == def:
			q[v.Name] = fmt.Sprintf("%d (default)", def)
		default:
			q[v.Name] = fmt.Sprint(v.Settings.Batch.QueueSize)
		}
	}
	return q
}

// timelineSection draws every cell's course: small multiples grouped by
// rate (shared scales) and variant (one per repetition, in a grid whose
// columns fit the page).
func timelineSection(s *summary.Summary, col map[string]string) *htmlSection {
	sec := &htmlSection{Title: "Timelines"}
	sec.Blocks = []htmlBlock{{Para: "Each measured cell over time, in buckets by send time from the start of its measured attack: requests sent per second (red marks: failed requests) " +
		"and the p99 latency of the bucket. Scales are shared by the cells of a rate."}}
	for _, rs := range s.Rates {
		tr := htmlTimelineRate{Rate: rs.Rate}
		// Shared scales: requests/s from 0 to a round value above the
		// highest bucket, p99 over the 1-2-5 values around every bucket's.
		var rateMax, p99Max float64
		p99Min := math.Inf(1)
		for _, r := range rs.Rows {
			for _, c := range r.Cells {
				tl := c.Timeline
				if tl == nil || tl.Bucket <= 0 {
					continue
				}
				for _, b := range tl.Requests {
					rateMax = max(rateMax, float64(b.Requests)/tl.Bucket.Seconds(), float64(rs.Rate))
					p99Max = max(p99Max, float64(b.P99))
					if b.Requests > 0 {
						p99Min = min(p99Min, float64(max(b.P99, time.Microsecond)))
					}
				}
			}
		}
		_, _, rateMax = linearTicks(0, 1.15*rateMax, 4) // headroom above the requested rate
		_, p99Min, p99Max = logTicks(p99Min, p99Max)
		for _, r := range rs.Rows {
			row := htmlTimelineRow{Variant: r.Variant, Color: col[r.Variant]}
			for _, c := range r.Cells {
				cell := htmlTimelineCell{Label: fmt.Sprintf("rep %d", c.Rep)}
				switch {
				case c.Status != results.StatusOK:
					cell.Empty = fmt.Sprintf("%s: %s", c.Status, c.Error)
				case c.Timeline == nil || len(c.Timeline.Requests) == 0:
					cell.Empty = "no results"
				default:
					cell.SVG = timelineChart(c.Timeline, float64(rs.Rate), rateMax, p99Min, p99Max, row.Color,
						fmt.Sprintf("%s at %d requests/s, rep %d", r.Variant, rs.Rate, c.Rep))
				}
				row.Cells = append(row.Cells, cell)
			}
			if len(row.Cells) > 0 {
				tr.Rows = append(tr.Rows, row)
				tr.Columns = max(tr.Columns, len(row.Cells))
			}
		}
		sec.Timelines = append(sec.Timelines, tr)
	}
	return sec
}
