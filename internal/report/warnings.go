package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/summary"
)

// kindLabels name each kind of warning at the start of its line.
var kindLabels = map[summary.WarningKind]string{
	summary.WarnCellsMissing:         "cells without results",
	summary.WarnCellFailed:           "cells failed",
	summary.WarnResultsUnreadable:    "raw results unreadable (counted as failed)",
	summary.WarnRateNotReached:       "rate not reached",
	summary.WarnLoadGenBusy:          "load generator busy",
	summary.WarnWarmupUnsettled:      "warm-up did not settle",
	summary.WarnIntendedDiverges:     "latency from the intended send time diverges",
	summary.WarnNoisy:                "noisy",
	summary.WarnTailUnreliable:       "p99.9 not reliable",
	summary.WarnRequestsFailed:       "requests failed",
	summary.WarnTargetFailed:         "target failed",
	summary.WarnNoBaseline:           "no baseline",
	summary.WarnNoRepetition:         "nothing measured",
	summary.WarnHistogramsMixed:      "OnEnd histograms not merged",
	summary.WarnSinkExtra:            "more spans received than ended",
	summary.WarnMatchingDisagrees:    "trace matching disagrees",
	summary.WarnSpansDontAddUp:       "spans do not add up",
	summary.WarnSpansPerRequest:      "spans per request differ from -spans",
	summary.WarnDropsUnknown:         "drops not told apart from spans lost at shutdown",
	summary.WarnSDKQueueDisagrees:    "the SDK's queue disagrees",
	summary.WarnSDKDropsDisagree:     "the SDK's drop count disagrees",
	summary.WarnSinkExporterDisagree: "the sink and the exporter disagree",
	summary.WarnShardBehind:          "shard behind its rate",
	summary.WarnShardSkew:            "shard started off the common start",
	summary.WarnLoadOnly:             "only the load measured",
	summary.WarnTimeoutSeconds:       "exporter timeout read in seconds",
	summary.WarnMachineShared:        "the machine was shared",
}

// kindWhy says, once per group, what a kind of warning means for the
// numbers it concerns.
var kindWhy = map[summary.WarningKind]string{
	summary.WarnRateNotReached:    "the target could not keep up or the load generator saturated; the latency of those cells is not at the rate asked",
	summary.WarnLoadGenBusy:       "otelbench itself (vegeta and the embedded sink) used most of its CPUs; its sends and timings may lag, and it competes with the target",
	summary.WarnWarmupUnsettled:   "the target's CPU per request was still falling when the warm-up reached warmup_max: the measured attack includes its start (raise warmup_max)",
	summary.WarnIntendedDiverges:  "requests waited in the load generator, so vegeta's latency understates what clients would see",
	summary.WarnNoisy:             fmt.Sprintf("the coefficient of variation between repetitions is above the limit (p50 %.0f%%, p99 %.0f%%, CPU %.0f%%): differences of that size are not told apart", 100*summary.MaxCVP50, 100*summary.MaxCVP99, 100*summary.MaxCVCPU),
	summary.WarnTailUnreliable:    fmt.Sprintf("fewer than %d requests lie beyond the p99.9 (it needs %d): it is one or two unlucky requests", summary.MinTailSamples, int(summary.MinTailSamples/0.001)),
	summary.WarnResultsUnreadable: "their latency is not counted, never as zero",
	summary.WarnNoBaseline:        "no overhead can be given there",
	summary.WarnDropsUnknown:      "turn on the variant option observability to count drops with the SDK's own counter",
	summary.WarnSpansPerRequest:   "leave -spans out: each cell measures it from the traces that arrive",
	summary.WarnShardBehind:       "that attack process could not send its share (its CPUs, or the network to the target): the cell's load was lower than asked in its part of the schedule",
	summary.WarnMachineShared:     "other work on the machine competed with the target and otelbench in those repetitions: their CPU and latency include its interference (stop it, or compare with the A/A control's spread)",
	summary.WarnTimeoutSeconds:    "the profile writes the timeout in milliseconds, as the specification has it, so the exporter waited 1000 times longer than asked; for this SDK leave exporter_timeout out and give the seconds with -env OTEL_EXPORTER_OTLP_TIMEOUT=S",
	summary.WarnShardSkew:         "its requests were sent that much off the common schedule (latency from the intended send time counts it); on several machines, check their clocks (NTP)",
}

// warningGroups turns warnings into one item per kind, in the order kinds
// first appear: the kind, how many, the range of their figures, and what
// it means; the HTML folds each warning's own sentence under it.
func warningGroups(ws []summary.Warning) []item {
	var order []summary.WarningKind
	byKind := map[summary.WarningKind][]summary.Warning{}
	for _, w := range ws {
		if _, ok := byKind[w.Kind]; !ok {
			order = append(order, w.Kind)
		}
		byKind[w.Kind] = append(byKind[w.Kind], w)
	}
	var out []item
	for _, k := range order {
		g := byKind[k]
		text := fmt.Sprintf("%s: %s", label(k), groupFigures(k, g))
		if why := kindWhy[k]; why != "" {
			text += "; " + why
		}
		it := item{text: text, warn: true}
		for _, w := range g {
			it.more = append(it.more, warningText(w))
		}
		out = append(out, it)
	}
	return out
}

func label(k summary.WarningKind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// groupFigures says how many warnings of a kind there are, where, and the
// range of their figures.
func groupFigures(k summary.WarningKind, g []summary.Warning) string {
	where := whereList(g)
	switch k {
	case summary.WarnNoisy:
		var parts []string
		for _, m := range []string{summary.MetricP50, summary.MetricP99, summary.MetricCPU} {
			lo, hi, n := valueRange(g, func(w summary.Warning) bool { return w.Metric == m })
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s CV %s", metricName(m), pctRange(lo, hi)))
			}
		}
		return fmt.Sprintf("%s (%s): %s", count(len(g), "row"), strings.Join(parts, ", "), where)
	case summary.WarnTailUnreliable:
		lo, hi := countRange(g, func(w summary.Warning) int64 { return w.N })
		return fmt.Sprintf("%s, %s requests each: %s", count(len(g), "row"), intRange(lo, hi), where)
	case summary.WarnRateNotReached:
		lo, _, _ := valueRange(g, nil)
		return fmt.Sprintf("%s, down to %.0f/s: %s", count(len(g), "repetition"), lo, where)
	case summary.WarnLoadGenBusy:
		_, hi, _ := valueRange(g, nil)
		return fmt.Sprintf("%s, up to %.0f%% of its CPUs: %s", count(len(g), "repetition"), 100*hi, where)
	case summary.WarnRequestsFailed:
		worst := 0.0
		for _, w := range g {
			worst = math.Max(worst, float64(w.N)/math.Max(float64(w.Of), 1))
		}
		return fmt.Sprintf("%s, up to %.2f%% of requests (first error: %s): %s", count(len(g), "row"), 100*worst, g[0].Detail, where)
	case summary.WarnCellsMissing:
		return fmt.Sprintf("%d of %d planned cells (run %s)", g[0].N, g[0].Of, g[0].Detail)
	case summary.WarnLoadOnly:
		return fmt.Sprintf("%d of %d cells were merged from shard folders without the target or the sink: their latency and rates are measured; CPU per request, memory and spans are n/a", g[0].N, g[0].Of)
	}
	return fmt.Sprintf("%s: %s", count(len(g), unitOf(g[0])), where)
}

// unitOf is what one warning of a kind is about.
func unitOf(w summary.Warning) string {
	switch {
	case w.Cell != "":
		return "cell"
	case w.Variant != "":
		return "row"
	}
	return "time"
}

// whereList names where the warnings of a group apply: variant at rate
// (and repetition), at most six, then how many more.
func whereList(g []summary.Warning) string {
	var names []string
	for _, w := range g {
		n := where(w)
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 6 {
		return strings.Join(names[:6], ", ") + fmt.Sprintf(" and %d more", len(names)-6)
	}
	return strings.Join(names, ", ")
}

// where names one warning's place.
func where(w summary.Warning) string {
	switch {
	case w.Cell != "":
		return w.Cell
	case w.Variant != "" && w.Rate > 0 && w.Rep > 0:
		return fmt.Sprintf("%s at %d/s rep %d", w.Variant, w.Rate, w.Rep)
	case w.Variant != "" && w.Rate > 0:
		return fmt.Sprintf("%s at %d/s", w.Variant, w.Rate)
	case w.Rate > 0:
		return fmt.Sprintf("%d/s", w.Rate)
	}
	return w.Variant
}

// warningText is the sentence of one warning.
func warningText(w summary.Warning) string {
	p := where(w)
	if p != "" {
		p += ": "
	}
	return p + warningClause(w)
}

// warningClause says what one warning found, without where.
func warningClause(w summary.Warning) string {
	d := func(x float64) string { return dur(time.Duration(x)) }
	switch w.Kind {
	case summary.WarnCellsMissing:
		return fmt.Sprintf("%d of %d planned cells have no results (run %s)", w.N, w.Of, w.Detail)
	case summary.WarnCellFailed:
		return "failed: " + w.Detail
	case summary.WarnResultsUnreadable:
		return "its raw results could not be read (" + w.Detail + "): counted as failed, not as zero latency"
	case summary.WarnRateNotReached:
		return fmt.Sprintf("rate not reached: %.0f/s of %.0f/s", w.Value, w.Limit)
	case summary.WarnLoadGenBusy:
		return fmt.Sprintf("load generator busy: otelbench used %.0f%% of its %d CPU(s)", 100*w.Value, max(w.N, 1))
	case summary.WarnWarmupUnsettled:
		return fmt.Sprintf("the target had not settled after a warm-up of %s", dur(time.Duration(w.Value)))
	case summary.WarnIntendedDiverges:
		return fmt.Sprintf("p99 from the intended send time %s against %s as vegeta measures it (send lag p99 %s)", d(w.Value), d(w.Limit), dur(time.Duration(w.N)))
	case summary.WarnNoisy:
		return fmt.Sprintf("%s varies by %.0f%% between repetitions (coefficient of variation; limit %.0f%%)", metricName(w.Metric), 100*w.Value, 100*w.Limit)
	case summary.WarnTailUnreliable:
		return fmt.Sprintf("p99.9 is not reliable: %d requests leave fewer than %d beyond it (needs %d)", w.N, summary.MinTailSamples, w.Of)
	case summary.WarnRequestsFailed:
		return fmt.Sprintf("%d of %d requests failed (%.2f%%): %s", w.N, w.Of, 100*float64(w.N)/math.Max(float64(w.Of), 1), w.Detail)
	case summary.WarnTargetFailed:
		return fmt.Sprintf("the target failed in %d repetition(s)", w.N)
	case summary.WarnNoBaseline:
		return "no baseline measured at this rate: no overhead"
	case summary.WarnNoRepetition:
		return "no successful repetition"
	case summary.WarnHistogramsMixed:
		return "OnEnd histograms of the repetitions have different buckets; not merged"
	case summary.WarnSinkExtra:
		return fmt.Sprintf("the sink received %d more spans than the target ended", w.N)
	case summary.WarnMatchingDisagrees:
		return fmt.Sprintf("accounting disagrees: trace matching finds %d spans missing, ended − received is %d", w.N, w.Of)
	case summary.WarnSpansDontAddUp:
		p := append(w.Parts, 0, 0, 0, 0)
		return fmt.Sprintf("spans do not add up: ended %d ≠ exported %d + dropped %d + failed %d + lost at shutdown %d (= %d, off by %d)",
			w.N, p[0], p[1], p[2], p[3], w.Of, w.N-w.Of)
	case summary.WarnSpansPerRequest:
		return fmt.Sprintf("-spans said %d spans per request, but the service's traces held %d: the measured %d was used", w.Of, w.N, w.N)
	case summary.WarnDropsUnknown:
		return fmt.Sprintf("the target's shutdown timed out with %d spans never exported: dropped and lost at shutdown cannot be told apart without the SDK's counter", w.N)
	case summary.WarnSDKQueueDisagrees:
		return fmt.Sprintf("the SDK's queue held %d spans at exit, but %d are unaccounted for after its drop count", w.N, w.Of)
	case summary.WarnSDKDropsDisagree:
		return fmt.Sprintf("the SDK counts %d spans dropped on a full queue; the accounting finds %d", w.N, w.Of)
	case summary.WarnSinkExporterDisagree:
		failed := int64(0)
		if len(w.Parts) > 0 {
			failed = w.Parts[0]
		}
		return fmt.Sprintf("the sink received %d distinct spans but the exporter reports %d exported (and %d failed)", w.N, w.Of, failed)
	case summary.WarnShardBehind:
		return fmt.Sprintf("shard %d sent %.1f/s of the %.1f/s asked of it", w.N, w.Value, w.Limit)
	case summary.WarnShardSkew:
		return fmt.Sprintf("shard %d started %s from the common start (limit ±%s)", w.N, skewText(w.Value), skewText(w.Limit))
	case summary.WarnLoadOnly:
		return fmt.Sprintf("%d of %d cells hold the load alone: the target and the sink were not measured", w.N, w.Of)
	case summary.WarnMachineShared:
		return fmt.Sprintf("other work used %.0f%% of the machine's %d CPUs (limit %.0f%%)", 100*w.Value, w.N, 100*w.Limit)
	case summary.WarnTimeoutSeconds:
		return fmt.Sprintf("%s set OTEL_EXPORTER_OTLP_TIMEOUT=%.0f (ms), but the %s SDK's exporter reads it in seconds: %.0f s", w.Variant, w.Value, w.Detail, w.Value)
	}
	return fmt.Sprintf("%s (%v)", w.Kind, w)
}

// rateNotes are the warnings of one rate's rows, beside its tables: one
// item per kind, each row's figure in it.
func rateNotes(rs summary.RateSummary) []item {
	var ws []summary.Warning
	for _, r := range rs.Rows {
		ws = append(ws, r.Warnings...)
	}
	var order []summary.WarningKind
	byKind := map[summary.WarningKind][]string{}
	for _, w := range ws {
		if _, ok := byKind[w.Kind]; !ok {
			order = append(order, w.Kind)
		}
		part := w.Variant
		if w.Rep > 0 {
			part += fmt.Sprintf(" rep %d", w.Rep)
		}
		byKind[w.Kind] = append(byKind[w.Kind], part+" ("+shortFigure(w)+")")
	}
	var out []item
	for _, k := range order {
		out = append(out, item{text: label(k) + ": " + strings.Join(byKind[k], ", ")})
	}
	return out
}

// shortFigure is a warning's figure in a few words.
func shortFigure(w summary.Warning) string {
	switch w.Kind {
	case summary.WarnNoisy:
		return fmt.Sprintf("%s CV %.0f%%", metricName(w.Metric), 100*w.Value)
	case summary.WarnTailUnreliable:
		return fmt.Sprintf("%d requests", w.N)
	case summary.WarnRateNotReached:
		return fmt.Sprintf("%.0f/s", w.Value)
	case summary.WarnLoadGenBusy:
		return fmt.Sprintf("%.0f%% of its CPUs", 100*w.Value)
	case summary.WarnWarmupUnsettled:
		return "after " + dur(time.Duration(w.Value))
	case summary.WarnRequestsFailed:
		return fmt.Sprintf("%d of %d", w.N, w.Of)
	case summary.WarnIntendedDiverges:
		return fmt.Sprintf("p99 %s from the intended time against %s", dur(time.Duration(w.Value)), dur(time.Duration(w.Limit)))
	case summary.WarnTargetFailed:
		return fmt.Sprintf("%d repetition(s)", w.N)
	case summary.WarnResultsUnreadable:
		return w.Detail
	case summary.WarnShardBehind:
		return fmt.Sprintf("shard %d at %.1f/s of %.1f/s", w.N, w.Value, w.Limit)
	case summary.WarnShardSkew:
		return fmt.Sprintf("shard %d %s", w.N, skewText(w.Value))
	}
	return warningClause(w)
}

func metricName(m string) string {
	if m == summary.MetricCPU {
		return "CPU per request"
	}
	return m
}

// valueRange is the lowest and highest Value of the warnings that keep
// (all when nil) passes, and how many.
func valueRange(g []summary.Warning, keep func(summary.Warning) bool) (lo, hi float64, n int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, w := range g {
		if keep == nil || keep(w) {
			lo, hi, n = math.Min(lo, w.Value), math.Max(hi, w.Value), n+1
		}
	}
	return lo, hi, n
}

func countRange(g []summary.Warning, f func(summary.Warning) int64) (lo, hi int64) {
	lo, hi = math.MaxInt64, math.MinInt64
	for _, w := range g {
		lo, hi = min(lo, f(w)), max(hi, f(w))
	}
	return lo, hi
}

func pctRange(lo, hi float64) string {
	if math.Round(100*lo) == math.Round(100*hi) {
		return fmt.Sprintf("%.0f%%", 100*hi)
	}
	return fmt.Sprintf("%.0f–%.0f%%", 100*lo, 100*hi)
}

func intRange(lo, hi int64) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// count writes "1 row" or "3 rows".
func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
