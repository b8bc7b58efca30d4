package summary

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

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
	// OtherCPUShare: above this share of the machine's CPUs used by
	// anything but the target and otelbench during a repetition's attack,
	// the machine was shared, and that repetition competed with it.
	OtherCPUShare = 0.10
)

// Build aggregates a loaded run. Cells that failed, and cells whose raw
// results cannot be read, are counted, not averaged.
func Build(l *results.Loaded) (*Summary, error) {
	p := l.Run.Profile
	if p == nil {
		return nil, fmt.Errorf("%s: run.json has no profile", l.Path)
	}
	s := &Summary{
		Schema:      SchemaVersion,
		RunID:       l.Run.ID,
		Profile:     p.Name,
		Status:      l.Run.Status,
		Started:     l.Run.Started,
		Finished:    l.Run.Finished,
		Budget:      p.Budget.P99OverheadPct,
		Collector:   l.Run.Sink.Kind,
		Faults:      l.Run.Sink.Faults,
		Burst:       p.Burst,
		Environment: l.Run.Environment,
		Service:     l.Run.Service,
		Seed:        l.Run.Seed,
		Sink:        l.Run.Sink,
		Died:        l.Dead,
		LastSeen:    l.LastSeen,
		Cells:       len(l.Cells),
		Planned:     len(l.Cells) + len(l.Unfinished),
	}
	if b := p.Baseline(); b != nil {
		s.Baseline = b.Name
	}
	if n := len(l.Unfinished); n > 0 {
		// Not len(l.Run.Cells): Open lists the cell directories when run.json has none.
		s.Warnings = append(s.Warnings, Warning{Kind: WarnCellsMissing, N: int64(n), Of: int64(n + len(l.Cells)), Detail: string(l.Run.Status)})
	}
	raws := readCells(l, p)
	s.Variants = variantInfos(l, p)
	s.Warnings = append(s.Warnings, timeoutUnitWarnings(p, s.Variants)...)
	rates := slices.Clone(p.Rates)
	slices.Sort(rates)
	rates = slices.Compact(rates)
	for _, rate := range rates {
		rs := RateSummary{Rate: rate}
		for _, v := range p.Variants {
			row := buildRow(l, raws, v, rate, p)
			row.Baseline = v.Name == s.Baseline
			row.Control = v.Kind == profile.KindNone && !row.Baseline
			rs.Rows = append(rs.Rows, row)
		}
		compareToBaseline(rs.Rows, rate)
		s.Rates = append(s.Rates, rs)
	}
	s.Trends = trends(s, p)
	s.Floor = floors(s)
	s.Overhead = overhead(l, s.Baseline, rates)
	if s.Service == nil {
		s.Micro = microFigure(l.Path, s, p)
	}
	windows := p.Sink.FaultWindows()
	loadOnly := 0
	defer func() {
		if loadOnly > 0 {
			s.Warnings = append(s.Warnings, Warning{Kind: WarnLoadOnly, N: int64(loadOnly), Of: int64(len(l.Cells))})
		}
	}()
	for _, c := range l.Cells {
		if c.Status == results.StatusFailed {
			w := Warning{Kind: WarnCellFailed, Cell: c.Dir, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Detail: c.Error}
			if nd := c.NoDelivery; nd != nil {
				w.Lines = nd.LogTail
			}
			s.Warnings = append(s.Warnings, w)
		}
		if c.Status != results.StatusOK {
			continue
		}
		var tl *results.Timeline
		if r := raws[c.Dir]; r.raw != nil {
			tl = r.raw.timeline
		}
		if sc, ok := shardCell(c); ok {
			s.Shards = append(s.Shards, sc)
		}
		if c.LoadOnly {
			loadOnly++
			continue // no spans were counted: nothing to account for
		}
		a := account(c, tl, windows, p.Duration.D())
		s.Accounting = append(s.Accounting, a)
	}
	return s, nil
}

// rawCell is one cell's raw results, or why they could not be read.
type rawCell struct {
	raw *cellRaw
	err error
}

// receipts gathers what the sink saw of a variant's cells: the protocols
// used, in a fixed order, and the senders, spans added up.
func receipts(l *results.Loaded, variant string) ([]string, []results.Resource) {
	used := map[string]bool{}
	var senders []results.Resource
	for _, c := range l.Cells {
		if c.Variant != variant || c.Receipt == nil {
			continue
		}
		for _, p := range c.Receipt.Protocols {
			used[p] = true
		}
	next:
		for _, r := range c.Receipt.Resources {
			for i := range senders {
				if s := &senders[i]; s.ServiceName == r.ServiceName && s.SDKLanguage == r.SDKLanguage && s.SDKName == r.SDKName && s.SDKVersion == r.SDKVersion {
					s.Spans += r.Spans
					continue next
				}
			}
			senders = append(senders, r)
		}
	}
	var protocols []string
	for _, p := range []string{"grpc", "http/protobuf", "http/json"} {
		if used[p] {
			protocols = append(protocols, p)
		}
	}
	slices.SortStableFunc(senders, func(a, b results.Resource) int { return cmp.Compare(b.Spans, a.Spans) })
	return protocols, senders
}

// readCells reads every measured cell's results.gob once.
func readCells(l *results.Loaded, p *profile.Profile) map[string]rawCell {
	out := make(map[string]rawCell, len(l.Cells))
	for _, c := range l.Cells {
		if c.Status != results.StatusOK {
			continue
		}
		raw, err := readRaw(l.CellPath(c, results.ResultsGob), c.Rate, p.Burst, c.Timeline)
		out[c.Dir] = rawCell{raw, err}
	}
	return out
}

// variantInfos describes the profile's variants as their targets ran them.
func variantInfos(l *results.Loaded, p *profile.Profile) []VariantInfo {
	var out []VariantInfo
	for _, v := range p.Variants {
		vi := VariantInfo{Name: v.Name, Kind: v.Kind, Observability: v.Observability}
		vi.Settings, vi.SettingsFrom = variantSettings(v, readyLineOf(l, v.Name))
		vi.Otel, vi.Otelhttp = releasesOf(l, v)
		vi.SpansPerRequest = v.SpansPerRequest(p.Workload)
		// The cells record what the target (or, for a user's service, the
		// -spans flag) says a request ends: that, not the profile's
		// workload, is what was measured.
		for _, c := range l.Cells {
			if c.Variant == v.Name && c.Status == results.StatusOK && c.Spans.PerRequest > 0 {
				vi.SpansPerRequest = c.Spans.PerRequest
				break
			}
		}
		vi.Protocols, vi.Senders = receipts(l, v.Name)
		switch {
		case l.Run.Service == nil:
			vi.Language = LanguageGo // the bundled target
		case v.Kind != profile.KindNone:
			vi.Language = languageOf(vi.Senders)
		}
		out = append(out, vi)
	}
	return out
}

// rowAcc accumulates the cells of one row.
type rowAcc struct {
	pooled, intended, lags []time.Duration
	sum, intendedSum       time.Duration
	successes              uint64
	firstErr               string
	cpu                    time.Duration
	cpuRequests            uint64
	alloc                  results.Alloc
	allocRequests          uint64
	gc                     results.GC
	gcRequests             uint64
	wireBytes, wireSpans   int64
	onEnd, exports         results.Histogram
	onEndMixed, exMixed    bool
	loadGenCPU, sinkCPU    time.Duration
	otherUnknown           bool
	sinkSpans              int64
	matchedAll             bool
	sinkLost, accLost      int64
	perRequestMeasured     []int
	lossKnown              bool
}

// buildRow aggregates the repetitions of one variant at one rate.
func buildRow(l *results.Loaded, raws map[string]rawCell, v profile.Variant, rate int, p *profile.Profile) Row {
	row := Row{Variant: v.Name, Kind: v.Kind, RequestedRate: float64(rate), AchievedRate: math.Inf(1)}
	row.Spans.PerRequest = v.SpansPerRequest(p.Workload)
	acc := rowAcc{matchedAll: true, lossKnown: true}
	targetFailed := 0
	cells := slices.Clone(l.Cells)
	slices.SortStableFunc(cells, func(a, b results.Cell) int { return cmp.Compare(a.Rep, b.Rep) })
	for _, c := range cells {
		if c.Variant != v.Name || c.Rate != rate {
			continue
		}
		cs := CellSeries{Dir: c.Dir, Rep: c.Rep, Status: c.Status, Error: c.Error}
		rc := raws[c.Dir]
		switch {
		case c.Status == results.StatusFailed:
			row.Failed++
			targetFailed++
		case c.Status != results.StatusOK:
		case rc.err != nil:
			row.Failed++
			cs.Status, cs.Error = results.StatusFailed, rc.err.Error()
			row.Warnings = append(row.Warnings, Warning{Kind: WarnResultsUnreadable, Variant: v.Name, Rate: rate, Rep: c.Rep, Cell: c.Dir, Detail: rc.err.Error()})
		default:
			cs.Timeline = rc.raw.timeline
			addCell(&row, &acc, c, rc.raw)
		}
		row.Cells = append(row.Cells, cs)
	}
	if targetFailed > 0 {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnTargetFailed, Variant: v.Name, Rate: rate, N: int64(targetFailed)})
	}
	if row.Reps == 0 {
		row.AchievedRate = 0
		row.Warnings = append(row.Warnings, Warning{Kind: WarnNoRepetition, Variant: v.Name, Rate: rate})
		return row
	}
	finishRow(&row, &acc)
	return row
}

// addCell adds one measured cell to its row.
func addCell(row *Row, acc *rowAcc, c results.Cell, raw *cellRaw) {
	row.Reps++
	if ps := c.Spans.PerRequest; ps > 0 {
		row.Spans.PerRequest = ps
	}
	acc.pooled = append(acc.pooled, raw.latencies...)
	acc.intended = append(acc.intended, raw.intended...)
	acc.lags = append(acc.lags, raw.lags...)
	acc.sum += raw.sum
	for _, d := range raw.intended {
		acc.intendedSum += d
	}
	acc.successes += raw.successes
	if acc.firstErr == "" {
		acc.firstErr = raw.firstErr
	}
	row.AchievedRate = math.Min(row.AchievedRate, c.Load.AchievedRate)
	if c.Load.AchievedRate < RateShortfall*c.Load.RequestedRate {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnRateNotReached, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep,
			Value: c.Load.AchievedRate, Limit: c.Load.RequestedRate})
	}
	n := uint64(len(raw.latencies))
	acc.cpu += c.CPU.Window
	acc.cpuRequests += n
	row.PerRep.P50 = append(row.PerRep.P50, float64(NearestRank(raw.latencies, 0.5)))
	row.PerRep.P99 = append(row.PerRep.P99, float64(NearestRank(raw.latencies, 0.99)))
	row.PerRep.CPUPerReq = append(row.PerRep.CPUPerReq, float64(c.CPU.Window)/float64(n))
	row.PerRep.PeakRSS = append(row.PerRep.PeakRSS, float64(c.CPU.PeakRSS))
	row.PerRep.Lost = append(row.PerRep.Lost, float64(c.Spans.Lost))
	row.PerRep.Rep = append(row.PerRep.Rep, c.Rep)
	row.PerRep.Requests = append(row.PerRep.Requests, float64(n))
	row.PerRep.OtherShare = append(row.PerRep.OtherShare, otherShare(c))
	if a := c.Alloc; a != nil && n > 0 {
		acc.alloc.Bytes += a.Bytes
		acc.alloc.Objects += a.Objects
		acc.allocRequests += n
		row.PerRep.AllocBytes = append(row.PerRep.AllocBytes, float64(a.Bytes)/float64(n))
		row.PerRep.AllocObjects = append(row.PerRep.AllocObjects, float64(a.Objects)/float64(n))
		addGC(row, acc, a.GC, n)
	}
	addWire(row, acc, c.Receipt)
	addHarness(row, acc, c)
	row.Warnings = append(row.Warnings, shardWarnings(c)...)
	row.LoadOnly = row.LoadOnly || c.LoadOnly
	row.PeakRSS = max(row.PeakRSS, c.CPU.PeakRSS)
	addSpans(&row.Spans, c.Spans)
	acc.matchedAll = acc.matchedAll && c.Spans.Matched
	s := c.Spans
	acc.accLost += s.Dropped + s.ExportFailed
	acc.sinkLost += s.Lost
	if s.PerRequestMeasured > 0 {
		acc.perRequestMeasured = append(acc.perRequestMeasured, s.PerRequestMeasured)
	}
	acc.lossKnown = acc.lossKnown && (s.DropSource == string(results.DropSDK) || s.DropSource == string(results.DropCleanShutdown))
	var ok bool
	acc.onEnd.Bounds, acc.onEnd.Counts, ok = stats.MergeHistograms(acc.onEnd.Bounds, acc.onEnd.Counts, c.OnEnd.Bounds, c.OnEnd.Counts)
	acc.onEndMixed = acc.onEndMixed || !ok
	acc.onEnd.Count += c.OnEnd.Count
	acc.onEnd.Sum += c.OnEnd.Sum
	acc.exports.Bounds, acc.exports.Counts, ok = stats.MergeHistograms(acc.exports.Bounds, acc.exports.Counts, c.Export.Bounds, c.Export.Counts)
	acc.exMixed = acc.exMixed || !ok
	acc.exports.Count += c.Export.Count
	acc.exports.Sum += c.Export.Sum
	row.Blocking.OnEndMax = max(row.Blocking.OnEndMax, c.OnEndMax)
}

// otherShare is the share of the machine's CPUs that anything but the
// target and otelbench used during c's attack; −1 when not measured.
func otherShare(c results.Cell) float64 {
	if !c.Load.OtherCPUKnown || c.Load.OtherWindow <= 0 || c.Load.MachineCPUs <= 0 {
		return -1
	}
	return float64(c.Load.OtherCPU) / (float64(c.Load.OtherWindow) * float64(c.Load.MachineCPUs))
}

// addOther records what else the machine ran during one cell's attack, and
// warns when it was more than OtherCPUShare of its CPUs.
func addOther(row *Row, acc *rowAcc, c results.Cell) {
	h := &row.Harness
	share := otherShare(c)
	if share < 0 {
		acc.otherUnknown = true
		return
	}
	h.OtherKnown = !acc.otherUnknown
	h.OtherShare = max(h.OtherShare, share)
	if share > OtherCPUShare {
		row.Warnings = append(row.Warnings, Warning{Kind: WarnMachineShared, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Value: share, Limit: OtherCPUShare, N: int64(c.Load.MachineCPUs)})
	}
}

// addHarness adds up otelbench's own cost in one cell, and warns when it
// came close to saturating its CPUs or the warm-up ended unsettled.
func addHarness(row *Row, acc *rowAcc, c results.Cell) {
	h := &row.Harness
	acc.loadGenCPU += c.Load.LoadGenCPU
	acc.sinkCPU += c.Load.SinkCPU
	acc.sinkSpans += c.Load.SinkSpans
	cpus := max(c.Load.LoadGenCPUs, 1)
	if c.Load.Duration > 0 {
		share := float64(c.Load.LoadGenCPU) / (float64(c.Load.Duration) * float64(cpus))
		h.LoadGenShare = max(h.LoadGenShare, share)
		if share > LoadGenCPUShare {
			row.Warnings = append(row.Warnings, Warning{Kind: WarnLoadGenBusy, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Value: share, Limit: LoadGenCPUShare, N: int64(cpus)})
		}
	}
	addOther(row, acc, c)
	h.Warmup = max(h.Warmup, c.Load.Warmup)
	if c.Load.Warmup > 0 && !c.Load.WarmupSettled && len(c.Load.WarmupWindows) > 0 {
		h.Unsettled++
		row.Warnings = append(row.Warnings, Warning{Kind: WarnWarmupUnsettled, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Value: float64(c.Load.Warmup)})
	}
}
