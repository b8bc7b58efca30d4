package summary

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
)

// Thresholds behind the warnings.
const (
	// RateShortfall: a repetition whose achieved send rate is below this share
	// of the requested rate did not apply the load it was asked to.
	RateShortfall = 0.97
	// MinTailSamples is how many requests should lie beyond a percentile for
	// it to be more than one or two unlucky requests.
	MinTailSamples = 10
	// MaxCVP50, MaxCVP99 and MaxCVCPU: a coefficient of variation between
	// repetitions above these makes a row noisy.
	MaxCVP50 = 0.10
	MaxCVP99 = 0.30
	MaxCVCPU = 0.10
	// LoadGenCPUShare: above this share of a core, otelbench itself (vegeta
	// and the embedded sink) may be what limits the measurement.
	LoadGenCPUShare = 0.90
)

// Build aggregates a loaded run. Cells that failed are counted, not averaged.
func Build(l *results.Loaded) (*Summary, error) {
	p := l.Run.Profile
	if p == nil {
		return nil, fmt.Errorf("%s: run.json has no profile", l.Path)
	}
	s := &Summary{
		Schema:  SchemaVersion,
		RunID:   l.Run.ID,
		Profile: p.Name,
		Status:  l.Run.Status,
		Budget:  p.Budget.P99OverheadPct,
	}
	if b := p.Baseline(); b != nil {
		s.Baseline = b.Name
	}
	if n := len(l.Unfinished); n > 0 {
		// Not len(l.Run.Cells): Open lists the cell directories when run.json has none.
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d of %d planned cells have no results (run %s)", n, n+len(l.Cells), l.Run.Status))
	}
	for _, rate := range p.Rates {
		rs := RateSummary{Rate: rate}
		for _, v := range p.Variants {
			row, err := buildRow(l, v, rate, p)
			if err != nil {
				return nil, err
			}
			row.Baseline = v.Name == s.Baseline
			row.Control = v.Kind == profile.KindNone && !row.Baseline
			rs.Rows = append(rs.Rows, row)
		}
		compareToBaseline(rs.Rows)
		s.Rates = append(s.Rates, rs)
	}
	s.ModelChecks = modelChecks(l, p, s.Rates)
	s.Collector = l.Run.Sink.Kind
	s.Faults = l.Run.Sink.Faults
	if b := p.Burst; b != nil {
		s.Burst = fmt.Sprintf("×%g the cell's rate from %s for %s of every measured attack", b.Factor, b.At, b.Length)
	}
	windows := faultWindows(p.Sink)
	for _, c := range l.Cells {
		if c.Status == results.StatusFailed {
			s.Warnings = append(s.Warnings, fmt.Sprintf("cell %s failed: %s", c.Dir, c.Error))
		}
		if c.Status != results.StatusOK {
			continue
		}
		a := account(c, windows)
		s.Warnings = append(s.Warnings, a.Warnings...)
		s.Accounting = append(s.Accounting, a)
	}
	s.Recommendation = recommend(s, p)
	s.Rules = Rules(s, p)
	return s, nil
}

// buildRow aggregates the repetitions of one variant at one rate.
func buildRow(l *results.Loaded, v profile.Variant, rate int, p *profile.Profile) (Row, error) {
	row := Row{Variant: v.Name, Kind: v.Kind, RequestedRate: float64(rate)}
	row.Spans.PerRequest = v.SpansPerRequest(p.Workload)
	var (
		m              vegeta.Metrics
		intended       vegeta.LatencyMetrics
		lags           []float64
		cpu            time.Duration
		cpuRequests    uint64
		bounds         []float64
		counts         []uint64
		onEndTotal     uint64
		onEndSum       float64
		exportSum      float64
		exportCount    uint64
		histogramsFine = true
		matchedAll     = true
	)
	row.AchievedRate = math.Inf(1)
	for _, c := range l.Cells {
		if c.Variant != v.Name || c.Rate != rate {
			continue
		}
		if c.Status != results.StatusOK {
			if c.Status == results.StatusFailed {
				row.Failed++
			}
			continue
		}
		row.Reps++
		if err := addResults(&m, &intended, &lags, l.CellPath(c, results.ResultsGob), rate, p.Burst); err != nil {
			row.Warnings = append(row.Warnings, fmt.Sprintf("rep %d: %v", c.Rep, err))
		}
		row.AchievedRate = math.Min(row.AchievedRate, c.Load.AchievedRate)
		if c.Load.AchievedRate < RateShortfall*c.Load.RequestedRate {
			row.Warnings = append(row.Warnings, fmt.Sprintf("rate not reached in rep %d: %.0f/s of %.0f/s (the target could not keep up or the load generator saturated)",
				c.Rep, c.Load.AchievedRate, c.Load.RequestedRate))
		}
		cpu += c.CPU.Window
		cpuRequests += c.Load.Requests
		row.PerRep.P50 = append(row.PerRep.P50, float64(c.Load.Latency.P50))
		row.PerRep.P99 = append(row.PerRep.P99, float64(c.Load.Latency.P99))
		if c.Load.Requests > 0 {
			row.PerRep.CPUPerReq = append(row.PerRep.CPUPerReq, float64(c.CPU.Window)/float64(c.Load.Requests))
		}
		if c.Load.Duration > 0 {
			if share := float64(c.Load.LoadGenCPU) / float64(c.Load.Duration); share > LoadGenCPUShare {
				row.Warnings = append(row.Warnings, fmt.Sprintf("load generator busy in rep %d: otelbench (vegeta and the embedded sink) used %.0f%% of a core; its sends and timings may lag", c.Rep, 100*share))
			}
		}
		row.PeakRSS = max(row.PeakRSS, c.CPU.PeakRSS)
		addSpans(&row.Spans, c.Spans)
		matchedAll = matchedAll && c.Spans.Matched
		var ok bool
		bounds, counts, ok = stats.MergeHistograms(bounds, counts, c.OnEnd.Bounds, c.OnEnd.Counts)
		histogramsFine = histogramsFine && ok
		onEndTotal += c.OnEnd.Count
		onEndSum += c.OnEnd.Sum
		exportSum += c.Export.Sum
		exportCount += c.Export.Count
		row.Blocking.OnEndMax = max(row.Blocking.OnEndMax, c.OnEndMax)
	}
	if row.Reps == 0 {
		row.AchievedRate = 0
		row.Warnings = append(row.Warnings, "no successful repetition")
		return row, nil
	}
	m.Close()
	row.Requests = m.Requests
	// Successes from the same results as Requests: a cell whose results.gob
	// could not be read would otherwise make Errors wrap around below zero.
	row.Errors = m.Requests - uint64(math.Round(m.Success*float64(m.Requests)))
	if m.Requests > 0 {
		q := m.Latencies.Quantile
		row.Latency = results.Latency{Mean: m.Latencies.Mean, Min: m.Latencies.Min,
			P50: q(0.5), P90: q(0.9), P99: q(0.99), P999: q(0.999), Max: m.Latencies.Max}
	}
	if intended.Max > 0 {
		q := intended.Quantile
		row.Intended = results.Latency{Mean: intended.Total / time.Duration(max(1, m.Requests)), Min: intended.Min,
			P50: q(0.5), P90: q(0.9), P99: q(0.99), P999: q(0.999), Max: intended.Max}
		sort.Float64s(lags)
		row.SendLagP99 = time.Duration(lags[int(0.99*float64(len(lags)-1))])
		if row.Intended.P99 > row.Latency.P99+row.Latency.P99/10 && row.Intended.P99-row.Latency.P99 > time.Millisecond {
			row.Warnings = append(row.Warnings, fmt.Sprintf("latency from the intended send time diverges: p99 %s against %s as vegeta measures it; requests waited in the load generator (send lag p99 %s), so vegeta's figure understates what clients would see",
				roundDur(row.Intended.P99), roundDur(row.Latency.P99), roundDur(row.SendLagP99)))
		}
	}
	for _, c := range []struct {
		name  string
		xs    []float64
		limit float64
	}{{"p50", row.PerRep.P50, MaxCVP50}, {"p99", row.PerRep.P99, MaxCVP99}, {"CPU per request", row.PerRep.CPUPerReq, MaxCVCPU}} {
		if cv := stats.CV(c.xs); cv > c.limit {
			row.Warnings = append(row.Warnings, fmt.Sprintf("noisy: %s varies by %.0f%% between repetitions (coefficient of variation; limit %.0f%%)", c.name, 100*cv, 100*c.limit))
		}
	}
	lo, hi := stats.MinMax(row.PerRep.P99)
	row.P99Low, row.P99High = time.Duration(lo), time.Duration(hi)
	if cpuRequests > 0 {
		row.CPUPerRequest = cpu / time.Duration(cpuRequests)
	}
	row.Spans.Matched = matchedAll
	finishSpans(&row)
	if !histogramsFine {
		row.Warnings = append(row.Warnings, "OnEnd histograms of the repetitions have different buckets; not merged")
	} else if onEndTotal > 0 {
		row.OnEndCount = onEndTotal
		row.OnEndP50 = secondsToDuration(stats.HistogramQuantile(bounds, counts, onEndTotal, 0.5))
		row.OnEndP99 = secondsToDuration(stats.HistogramQuantile(bounds, counts, onEndTotal, 0.99))
		row.OnEndResolution = stats.HistogramBucketWidth(bounds, counts, onEndTotal, 0.99)
		if math.IsInf(row.OnEndResolution, 0) || math.IsNaN(row.OnEndResolution) {
			row.OnEndResolution = 0
		}
	}
	fillBlocking(&row, onEndSum, onEndTotal, exportSum, exportCount)
	if row.Errors > 0 {
		first := ""
		if len(m.Errors) > 0 {
			first = ": " + m.Errors[0]
		}
		row.Warnings = append(row.Warnings, fmt.Sprintf("%d of %d requests failed (%.2f%%)%s",
			row.Errors, row.Requests, 100*float64(row.Errors)/float64(row.Requests), first))
	}
	if float64(row.Requests)*0.001 < MinTailSamples {
		row.Warnings = append(row.Warnings, fmt.Sprintf("p99.9 is not reliable: %d requests leave fewer than %d beyond it (needs %d)",
			row.Requests, MinTailSamples, int(MinTailSamples/0.001)))
	}
	if row.Failed > 0 {
		row.Warnings = append(row.Warnings, fmt.Sprintf("the target failed in %d repetition(s)", row.Failed))
	}
	return row, nil
}

// addResults feeds a cell's raw vegeta results into m, and their latency
// from the intended send time into intended: with a constant pacer request n
// is due at t0 + n/rate, t0 being the send time of request 0 (with a burst,
// at the time profile.Burst.Due gives). lags collects
// how late each request was sent, in nanoseconds.
func addResults(m *vegeta.Metrics, intended *vegeta.LatencyMetrics, lags *[]float64, path string, rate int, burst *profile.Burst) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256*1024))
	var all []vegeta.Result
	var readErr error
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = fmt.Errorf("reading %s: %w", path, err)
			}
			break
		}
		r.Headers = nil
		all = append(all, r)
	}
	if len(all) == 0 {
		return readErr
	}
	first := all[0]
	for _, r := range all {
		m.Add(&r)
		if r.Seq < first.Seq {
			first = r
		}
	}
	for _, r := range all {
		due := first.Timestamp.Add(burst.Due(float64(rate), float64(r.Seq-first.Seq)))
		lag := max(r.Timestamp.Sub(due), 0)
		intended.Add(r.Latency + lag)
		*lags = append(*lags, float64(lag))
	}
	return readErr
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
}

// finishSpans derives the loss share and checks that the two ways of
// counting loss agree.
func finishSpans(row *Row) {
	t := &row.Spans
	if t.Ended > 0 {
		t.LossPct = 100 * float64(t.Lost) / float64(t.Ended)
	}
	if t.PerRequest > 0 && t.TargetRequests > 0 {
		t.SampledShare = float64(t.ServerSpans) / float64(t.TargetRequests)
	}
	if t.Lost < 0 {
		row.Warnings = append(row.Warnings, fmt.Sprintf("the sink received %d more spans than the target ended", -t.Lost))
	}
	if t.Matched && t.MissingSpans != t.Lost {
		row.Warnings = append(row.Warnings, fmt.Sprintf("accounting disagrees: trace matching finds %d spans missing, ended − received is %d",
			t.MissingSpans, t.Lost))
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
func compareToBaseline(rows []Row) {
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
				r.Warnings = append(r.Warnings, "no baseline measured at this rate: no overhead")
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
