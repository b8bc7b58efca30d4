package advise

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// inputsFor reads the sizing's inputs from the run: the highest and lowest
// rates, the chosen variant's spans per request and sampled share, the
// export latency and the burst.
func inputsFor(s *summary.Summary, p *profile.Profile, base summary.VariantInfo) Inputs {
	in := Inputs{
		PeakRequestsPerSec: float64(s.PeakRate()),
		LowRequestsPerSec:  float64(s.LowRate()),
		SpansPerRequest:    base.SpansPerRequest,
		SampledShare:       base.Settings.SampledShare(),
		FaultWindow:        p.LongestFaultWindow(),
	}
	if in.SpansPerRequest <= 0 {
		in.SpansPerRequest = 2 + p.Workload.ExtraSpans
	}
	in.ExportLatency, in.LatencySource = exportLatency(s, p, base.Name)
	if b := p.Burst; b != nil && b.Factor > 1 && b.Length > 0 {
		in.BurstRequestsPerSec, in.BurstLength = in.PeakRequestsPerSec*b.Factor, b.Length.D()
	}
	return in
}

// exportLatency is the export latency to size for: the mean export of the
// chosen variant at the peak, else the longest of the batch variants; with
// sink outages or black holes, whose stuck exports inflate every mean, the
// sink's configured delay.
func exportLatency(s *summary.Summary, p *profile.Profile, base string) (time.Duration, LatencySource) {
	if p.LongestFaultWindow() <= 0 {
		if r := s.Row(base, s.PeakRate()); r != nil && r.Blocking.ExportMean > 0 {
			return r.Blocking.ExportMean, LatencyBaseExport
		}
		var longest time.Duration
		for _, rs := range s.Rates {
			for _, r := range rs.Rows {
				if r.Kind != profile.KindNone && r.Kind != profile.KindSync && r.Reps > 0 {
					longest = max(longest, r.Blocking.ExportMean)
				}
			}
		}
		if longest > 0 {
			return longest, LatencyLongestExport
		}
	}
	d := p.Sink.Delay.D()
	if l := p.Sink.Latency; l != nil {
		d += l.P99.D()
	}
	if d > 0 {
		return d, LatencySinkDelay
	}
	return 0, LatencyUnknown
}

// processorReasons say why the batch processor, as measured in the chosen
// variant, and why not sync; and whether to sample.
func processorReasons(s *summary.Summary, a Advice, c Candidate) []Reason {
	var out []Reason
	add := func(st Setting, f any) { out = append(out, Reason{Setting: st, Figures: f}) }
	ch := a.Choice
	add(SettingProcessor, BasedOn{Variant: ch.Variant, Qualified: ch.Qualified, Pool: ch.Pool, WorstP99Pct: c.WorstP99Pct,
		Budget: a.Budgets.P99OverheadPct, CPU: c.CPU})
	if ch.SyncQualified != "" {
		add(SettingProcessor, SyncQualified{Variant: ch.SyncQualified, CPU: candidate(a.Candidates, ch.SyncQualified).CPU})
	}
	add(SettingProcessor, syncEvidence(s, a.Inputs))
	switch {
	case !c.Settings.Sampled():
		add(SettingSampling, KeepEvery{Variant: ch.Variant, WorstP99Pct: c.WorstP99Pct, Budget: a.Budgets.P99OverheadPct, Rates: s.RateList()})
	default:
		r := SampleNeeded{Ratio: c.Settings.SampleRatio, Variant: ch.Variant, WorstP99Pct: c.WorstP99Pct, Budget: a.Budgets.P99OverheadPct,
			Kept: c.Settings.SampleRatio, BestP99Pct: math.Inf(1)}
		if row := s.Row(ch.Variant, s.PeakRate()); row != nil && row.Spans.SampledShare > 0 {
			r.Kept = row.Spans.SampledShare
		}
		for _, o := range a.Candidates {
			if o.Kind == profile.KindBatch && !o.Settings.Batch.Blocking && !o.Unmeasurable() && o.WorstP99Pct < r.BestP99Pct {
				r.BestUnsampled, r.BestP99Pct = o.Variant, o.WorstP99Pct
			}
		}
		if r.BestUnsampled == "" {
			r.BestP99Pct = 0
		}
		add(SettingSampling, r)
	}
	return out
}

// syncEvidence is what the run measured of sync, or what the model says of
// it.
func syncEvidence(s *summary.Summary, in Inputs) any {
	for _, v := range s.Variants {
		if v.Kind != profile.KindSync {
			continue
		}
		for i := len(s.Rates) - 1; i >= 0; i-- {
			if r := s.Row(v.Name, s.Rates[i].Rate); r != nil {
				return SyncMeasured{Variant: v.Name, Rate: s.Rates[i].Rate, Achieved: r.AchievedRate, P99Pct: r.P99OverheadPct,
					P99Overhead: r.P99Overhead, LockWait: r.Blocking.LockWait, OnEndMax: r.Blocking.OnEndMax}
			}
		}
	}
	if l := in.ExportLatency; l > 0 && in.SpansPerRequest > 0 {
		return SyncModel{ExportLatency: l, Spans: float64(in.SpansPerRequest), CapRPS: 1 / (float64(in.SpansPerRequest) * l.Seconds())}
	}
	return SyncOnRequestPath{Spans: in.SpansPerRequest}
}

// evidence is what the run measured that bears on the sized settings:
// the loss of smaller queues, the faults, failed exports and blocking.
func evidence(s *summary.Summary, p *profile.Profile, a Advice) []Reason {
	var out []Reason
	add := func(st Setting, f any) { out = append(out, Reason{Setting: st, Figures: f}) }
	q := a.Settings.Batch.QueueSize
	lambda := a.Inputs.PeakSpanRate()
	for _, v := range s.Variants {
		b := v.Settings.Batch
		if v.Settings.Processor != settings.ProcessorBatch || b.QueueSize >= q {
			continue
		}
		for i := len(s.Rates) - 1; i >= 0; i-- {
			if r := s.Row(v.Name, s.Rates[i].Rate); r != nil && r.Spans.Lost > 0 {
				add(SettingQueue, QueueMeasuredLoss{Variant: v.Name, Queue: b.QueueSize, Batch: b.MaxExportBatchSize,
					Lost: r.Spans.Lost, Ended: r.Spans.Ended, LossPct: r.Spans.LossPct, Rate: s.Rates[i].Rate})
				break
			}
		}
	}
	if o := a.Inputs.FaultWindow; o > 0 && lambda > 0 {
		add(SettingQueue, QueueFault{Window: o, Spans: lambda * o.Seconds(), Queue: q,
			Holds:   time.Duration(float64(q) / lambda * float64(time.Second)),
			FullMiB: float64(modelBytesPerSpan()) * lambda * o.Seconds() / (1 << 20)})
		for _, r := range faultEvidence(s, o) {
			add(SettingExporterTimeout, r)
		}
	}
	if f := failures(s); len(f.ByCode) > 0 {
		add(SettingRetry, f)
	}
	for _, r := range blockingEvidence(s) {
		add(SettingBlocking, r)
	}
	return out
}

// faultEvidence cites what batch variants lost during the sink's outages
// or black holes at the highest rate.
func faultEvidence(s *summary.Summary, window time.Duration) []FaultEvidence {
	peak := s.PeakRate()
	var out []FaultEvidence
	for _, v := range s.Variants {
		if v.Settings.Processor != settings.ProcessorBatch {
			continue
		}
		t := s.FaultTotals(v.Name, peak)
		if t.Cells == 0 {
			continue
		}
		out = append(out, FaultEvidence{Variant: v.Name, Window: window, Rate: peak, Bound: v.Settings.ExportBound(), Queue: v.Settings.Batch.QueueSize,
			Lost: t.Lost, Ended: t.Ended, Dropped: t.Dropped, Failed: t.Failed, SpansBack: t.SpansBack, Recovered: t.Recovered})
	}
	return out
}

// failures counts failed exports by gRPC code per variant at the peak.
func failures(s *summary.Summary) RetryFailures {
	f := RetryFailures{Rate: s.PeakRate(), ByCode: map[string]map[string]int64{}}
	for _, ac := range s.Accounting {
		if ac.Rate != f.Rate {
			continue
		}
		for code, n := range ac.FailedByCode {
			if n <= 0 {
				continue
			}
			if f.ByCode[ac.Variant] == nil {
				f.ByCode[ac.Variant] = map[string]int64{}
			}
			f.ByCode[ac.Variant][code] += n
		}
	}
	return f
}

// blockingEvidence cites what variants measured with blocking held the
// request path, beside their twin without it.
func blockingEvidence(s *summary.Summary) []BlockingMeasured {
	var out []BlockingMeasured
	for _, v := range s.Variants {
		if v.Settings.Processor != settings.ProcessorBatch || !v.Settings.Batch.Blocking {
			continue
		}
		var r *summary.Row
		rate := 0
		for i := len(s.Rates) - 1; i >= 0 && r == nil; i-- {
			rate = s.Rates[i].Rate
			r = s.Row(v.Name, rate)
		}
		if r == nil {
			continue
		}
		e := BlockingMeasured{Variant: v.Name, Rate: rate, OnEndMax: r.Blocking.OnEndMax, P99Pct: r.P99OverheadPct}
		want := v.Settings
		want.Batch.Blocking = false
		for _, w := range s.Variants {
			if w.Name != v.Name && w.Settings == want && w.Observability == v.Observability {
				if tr := s.Row(w.Name, rate); tr != nil {
					e.Twin, e.TwinOnEndMax, e.TwinP99Pct = w.Name, tr.Blocking.OnEndMax, tr.P99OverheadPct
					break
				}
			}
		}
		out = append(out, e)
	}
	return out
}
