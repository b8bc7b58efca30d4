package summary

import (
	"math"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// finishRow derives a row's figures from its accumulated cells.
func finishRow(row *Row, acc *rowAcc) {
	// Each cell's values came sorted; pooled, they are sorted again.
	sortDurations(acc.pooled, acc.intended, acc.lags)
	n := len(acc.pooled)
	row.Requests = uint64(n)
	row.Errors = row.Requests - acc.successes
	row.Latency = latencyOf(acc.pooled, acc.sum)
	row.Intended = latencyOf(acc.intended, acc.intendedSum)
	row.SendLagP99 = NearestRank(acc.lags, 0.99)
	if row.Intended.P99 > row.Latency.P99+row.Latency.P99/10 && row.Intended.P99-row.Latency.P99 > time.Millisecond {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnIntendedDiverges, Variant: row.Variant, Rate: int(row.RequestedRate),
			Value: float64(row.Intended.P99), Limit: float64(row.Latency.P99), N: int64(row.SendLagP99)})
	}
	row.Spectrum = Spectrum(acc.pooled, SpectrumLevels(SpectrumPoints, SpectrumMaxQ))
	for _, c := range []struct {
		metric string
		xs     []float64
		limit  float64
	}{{MetricP50, row.PerRep.P50, MaxCVP50}, {MetricP99, row.PerRep.P99, MaxCVP99}, {MetricCPU, row.PerRep.CPUPerReq, MaxCVCPU}} {
		if cv := stats.CV(c.xs); cv > c.limit {
			row.Warnings = append(row.Warnings, Warning{Kind: WarnNoisy, Variant: row.Variant, Rate: int(row.RequestedRate), Metric: c.metric, Value: cv, Limit: c.limit})
		}
	}
	lo, hi := stats.MinMax(row.PerRep.P99)
	row.P99Low, row.P99High = time.Duration(lo), time.Duration(hi)
	if acc.cpuRequests > 0 {
		row.CPUPerRequest = acc.cpu / time.Duration(acc.cpuRequests)
		row.Harness.LoadGenCPUPerRequest = acc.loadGenCPU / time.Duration(acc.cpuRequests)
	}
	if acc.sinkSpans > 0 {
		row.Harness.SinkCPUPerSpan = acc.sinkCPU / time.Duration(acc.sinkSpans)
	}
	// Known only when every repetition measured it.
	row.Harness.OtherKnown = row.Harness.OtherKnown && !acc.otherUnknown
	if acc.allocRequests > 0 {
		row.AllocBytesPerRequest = float64(acc.alloc.Bytes) / float64(acc.allocRequests)
		row.AllocObjectsPerRequest = float64(acc.alloc.Objects) / float64(acc.allocRequests)
	}
	finishGC(row, acc)
	row.Spans.Matched = acc.matchedAll
	row.Spans.PerRequestMeasured = mode(acc.perRequestMeasured)
	finishSpans(row)
	row.Loss = Loss{Lost: acc.accLost, Ended: row.Spans.Ended, From: LossFromAccounting}
	switch {
	case row.Spans.LossUnknown != "":
		row.Loss = Loss{From: LossFromUnknown, Unknown: row.Spans.LossUnknown}
	case !acc.lossKnown:
		row.Loss.Lost, row.Loss.From = acc.sinkLost, LossFromSink
	}
	finishOnEnd(row, acc)
	row.Exports = acc.exports
	if acc.exMixed {
		row.Exports.Bounds, row.Exports.Counts = nil, nil
	}
	fillBlocking(row, acc.onEnd.Sum, acc.onEnd.Count, acc.exports.Sum, acc.exports.Count)
	if row.Errors > 0 {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnRequestsFailed, Variant: row.Variant, Rate: int(row.RequestedRate),
			N: int64(row.Errors), Of: int64(row.Requests), Detail: acc.firstErr})
	}
	if float64(row.Requests)*0.001 < MinTailSamples {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnTailUnreliable, Variant: row.Variant, Rate: int(row.RequestedRate),
			N: int64(row.Requests), Of: int64(MinTailSamples / 0.001)})
	}
}

func sortDurations(xss ...[]time.Duration) {
	for _, xs := range xss {
		slices.Sort(xs)
	}
}

// finishOnEnd derives the OnEnd quantiles from the merged histogram.
func finishOnEnd(row *Row, acc *rowAcc) {
	h := acc.onEnd
	switch {
	case acc.onEndMixed:
		row.Warnings = append(row.Warnings, Warning{Kind: WarnHistogramsMixed, Variant: row.Variant, Rate: int(row.RequestedRate)})
	case h.Count > 0:
		row.OnEndCount = h.Count
		row.OnEndP50 = secondsToDuration(stats.HistogramQuantile(h.Bounds, h.Counts, h.Count, 0.5))
		row.OnEndP99 = secondsToDuration(stats.HistogramQuantile(h.Bounds, h.Counts, h.Count, 0.99))
		row.OnEndResolution = stats.HistogramBucketWidth(h.Bounds, h.Counts, h.Count, 0.99)
		if math.IsInf(row.OnEndResolution, 0) || math.IsNaN(row.OnEndResolution) {
			row.OnEndResolution = 0
		}
	}
}

func addSpans(t *SpanTotals, s results.Spans) {
	t.TargetRequests += s.TargetRequests
	t.Ended += s.Ended
	t.ExportedOK += s.ExportedOK
	t.ExportFailed += s.ExportFailed
	t.Received += s.Received
	t.Duplicates += s.Duplicates
	t.Lost += s.Lost
	t.TracedRequests += s.TracedRequests
	t.MissingTraces += s.MissingTraces
	t.MissingSpans += s.MissingSpans
	t.ServerSpans += s.ServerSpans
	t.Expected = t.Expected || s.EndedSource == results.EndedExpected
	if s.PerRequestGiven > 0 {
		t.PerRequestGiven = s.PerRequestGiven
	}
	if t.LossUnknown == "" {
		t.LossUnknown = s.LossUnknown
	}
}

// mode returns the most common value of xs, the larger on a tie; 0 for
// none.
func mode(xs []int) int {
	counts := map[int]int{}
	best, bestN := 0, 0
	for _, x := range xs {
		counts[x]++
		if n := counts[x]; n > bestN || n == bestN && x > best {
			best, bestN = x, n
		}
	}
	return best
}

// finishSpans derives the loss share and checks that the two ways of
// counting loss agree.
func finishSpans(row *Row) {
	t := &row.Spans
	if g, m := t.PerRequestGiven, t.PerRequestMeasured; g > 0 && m > 0 && g != m {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnSpansPerRequest, Variant: row.Variant, Rate: int(row.RequestedRate), N: int64(m), Of: int64(g)})
	}
	if t.LossUnknown != "" {
		// Nothing to derive or check: the counts do not say what was lost.
		t.Lost, t.LossPct = 0, 0
		if t.PerRequest > 0 && t.TargetRequests > 0 {
			t.SampledShare = float64(t.ServerSpans) / float64(t.TargetRequests)
		}
		return
	}
	if t.Ended > 0 {
		t.LossPct = 100 * float64(t.Lost) / float64(t.Ended)
	}
	if t.PerRequest > 0 && t.TargetRequests > 0 {
		t.SampledShare = float64(t.ServerSpans) / float64(t.TargetRequests)
	}
	if t.Lost < 0 {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnSinkExtra, Variant: row.Variant, Rate: int(row.RequestedRate), N: -t.Lost})
	}
	if t.Matched && t.MissingSpans != t.Lost {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnMatchingDisagrees, Variant: row.Variant, Rate: int(row.RequestedRate), N: t.MissingSpans, Of: t.Lost})
	}
}

// fillBlocking derives the export-blocking figures of a row from the sums
// of its OnEnd and export histograms.
func fillBlocking(row *Row, onEndSum float64, onEndCount uint64, exportSum float64, exportCount uint64) {
	b := &row.Blocking
	if onEndCount > 0 {
		b.OnEndMean = secondsToDuration(onEndSum / float64(onEndCount))
		b.PerRequest = b.OnEndMean * time.Duration(row.Spans.PerRequest)
		if row.Latency.Mean > 0 {
			b.Share = float64(b.PerRequest) / float64(row.Latency.Mean)
		}
	}
	if exportCount > 0 {
		b.ExportMean = secondsToDuration(exportSum / float64(exportCount))
	}
	// With the simple processor every OnEnd is its own export plus the wait
	// for the lock; what is left after the exports is the wait.
	if row.Kind == profile.KindSync && onEndCount > 0 && onEndSum > exportSum {
		b.LockWait = secondsToDuration((onEndSum - exportSum) / float64(onEndCount))
	}
}

// compareToBaseline fills the overhead columns of every row against the
// baseline row of the same rate: from the pooled percentiles, and as deltas
// between the repetitions' values with their significance.
func compareToBaseline(rows []Row, rate int) {
	var base *Row
	for i := range rows {
		if rows[i].Baseline && rows[i].Reps > 0 {
			base = &rows[i]
		}
	}
	for i := range rows {
		r := &rows[i]
		if base == nil {
			if !r.Baseline {
				r.Warnings = append(r.Warnings, Warning{Kind: WarnNoBaseline, Variant: r.Variant, Rate: rate})
			}
			continue
		}
		if r.Reps == 0 || r == base {
			continue
		}
		r.P50Overhead = r.Latency.P50 - base.Latency.P50
		r.P99Overhead = r.Latency.P99 - base.Latency.P99
		r.P50OverheadPct = pct(stats.RelativeChange(float64(r.Latency.P50), float64(base.Latency.P50)))
		r.P99OverheadPct = pct(stats.RelativeChange(float64(r.Latency.P99), float64(base.Latency.P99)))
		r.CPUOverheadPct = pct(stats.RelativeChange(float64(r.CPUPerRequest), float64(base.CPUPerRequest)))
		r.P50Delta = NewDelta(r.PerRep.P50, base.PerRep.P50)
		r.P99Delta = NewDelta(r.PerRep.P99, base.PerRep.P99)
		r.CPUDelta = NewDelta(r.PerRep.CPUPerReq, base.PerRep.CPUPerReq)
		compareCosts(r, base)
	}
}

func pct(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return 100 * x
}

func secondsToDuration(s float64) time.Duration {
	if math.IsNaN(s) {
		return 0
	}
	if math.IsInf(s, 1) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * 1e9)
}
