package summary

import (
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

// AdviceSchema is the version of Advice's JSON layout. It grows when a
// field changes meaning or disappears, not when one is added.
const AdviceSchema = 1

// The margins Advise keeps. Each is a choice, not a measurement; the
// reasons show the numbers they produce.
const (
	// AdviceUtilisation is the largest share of the worker's ceiling (batch
	// size / export latency) the steady peak span rate may use: the ceiling
	// stays at least twice the peak.
	AdviceUtilisation = 0.5
	// AdviceQueueHeadroom multiplies the queue the model says the peak (and
	// the burst, if any) needs; the result is rounded up to a power of two.
	AdviceQueueHeadroom = 2
	// AdviceRaceMargin: the batch timeout is at least this many full-batch
	// exports, well away from the timer race (model.TimerRaces).
	AdviceRaceMargin = 4
	// AdviceMinExporterTimeout and AdviceExportFactor: the exporter timeout
	// is at least this long and at least this many mean exports, so that a
	// slow but healthy export is not cut.
	AdviceMinExporterTimeout = 500 * time.Millisecond
	AdviceExportFactor       = 20
	// AdviceRetryDivisor: the advised first backoff is the exporter timeout
	// divided by this, so that retries fit within the timeout.
	AdviceRetryDivisor = 5
)

// Millis is a duration in whole milliseconds, the unit of the OTEL_*
// variables. It is a plain integer in JSON.
type Millis int64

// D returns m as a time.Duration.
func (m Millis) D() time.Duration { return time.Duration(m) * time.Millisecond }

// millisOf rounds d up to whole milliseconds, and a positive d to at least 1.
func millisOf(d time.Duration) Millis {
	return Millis((d + time.Millisecond - 1) / time.Millisecond)
}

// Advice is what `otelbench recommend` prints: span processor and exporter
// settings for a service like the measured one, each with the numbers that
// justify it. It starts from the measured Recommendation (the cheapest
// variant that lost nothing within the p99 budget; never sync) and checks
// and sizes its settings with package model against the run's peak rate,
// burst, export latency and faults.
//
// As JSON (AdviceSchema 1) it is one object; durations are integer
// milliseconds, as the OTEL_* variables take them:
//
//	{
//	  "schema": 1,
//	  "run_id": "20250102T030405Z-default",
//	  "profile": "default",
//	  "based_on": "batch",            // the measured variant it starts from; "" if none qualified
//	  "settings": {
//	    "processor": "batch",         // always: sync is never advised
//	    "max_queue_size": 2048,       // > 0
//	    "max_export_batch_size": 512, // > 0, ≤ max_queue_size
//	    "schedule_delay_ms": 5000,    // > 0
//	    "export_timeout_ms": 1000,    // > 0
//	    "exporter_timeout_ms": 1000,  // > 0
//	    "retry": {"enabled": true, "initial_interval_ms": 200, "max_interval_ms": 500, "max_elapsed_time_ms": 1000},
//	    "blocking": false,            // always
//	    "sample_ratio": 0.1           // only when nothing unsampled met the budget
//	  },
//	  "env": {"OTEL_BSP_MAX_QUEUE_SIZE": "2048", ...},
//	  "inputs": {"peak_requests_per_sec": 3000, "burst_requests_per_sec": 0, "burst_length_ms": 0,
//	             "spans_per_request": 3, "sampled_share": 1, "peak_span_rate": 9000,
//	             "export_latency_ms": 5.2, "export_latency_source": "...", "fault_window_ms": 0},
//	  "reasons": [{"setting": "processor", "reasons": ["..."]}, ...],
//	  "warnings": ["..."]
//	}
//
// The reasons come in the order of AdviceSettings' fields, one entry per
// setting.
type Advice struct {
	Schema  int    `json:"schema"`
	RunID   string `json:"run_id"`
	Profile string `json:"profile"`
	// BasedOn is the measured variant the settings start from; empty when
	// no batch variant qualified and they start from the SDK's defaults.
	BasedOn  string            `json:"based_on"`
	Settings AdviceSettings    `json:"settings"`
	Env      map[string]string `json:"env"`
	Inputs   AdviceInputs      `json:"inputs"`
	Reasons  []SettingReasons  `json:"reasons"`
	// Warnings say what limits the advice (nothing qualified, no export
	// latency measured, a model without a solution).
	Warnings []string `json:"warnings,omitempty"`
}

// AdviceSettings are the advised settings. Processor is always "batch",
// Blocking always false, and the sizes and durations always positive.
type AdviceSettings struct {
	Processor          string      `json:"processor"`
	MaxQueueSize       int         `json:"max_queue_size"`
	MaxExportBatchSize int         `json:"max_export_batch_size"`
	ScheduleDelay      Millis      `json:"schedule_delay_ms"`
	ExportTimeout      Millis      `json:"export_timeout_ms"`
	ExporterTimeout    Millis      `json:"exporter_timeout_ms"`
	Retry              RetryConfig `json:"retry"`
	Blocking           bool        `json:"blocking"`
	// SampleRatio is the ParentBased(TraceIDRatioBased) ratio; nil keeps
	// every trace.
	SampleRatio *float64 `json:"sample_ratio,omitempty"`
}

// RetryConfig is the OTLP exporter's retry policy (otlptracegrpc.RetryConfig).
type RetryConfig struct {
	Enabled         bool   `json:"enabled"`
	InitialInterval Millis `json:"initial_interval_ms"`
	MaxInterval     Millis `json:"max_interval_ms"`
	MaxElapsedTime  Millis `json:"max_elapsed_time_ms"`
}

// AdviceInputs are the figures of the run the model was given.
type AdviceInputs struct {
	// PeakRequestsPerSec is the highest rate the run measured.
	PeakRequestsPerSec float64 `json:"peak_requests_per_sec"`
	// BurstRequestsPerSec and BurstLength are the profile's burst at that
	// rate; zero without one.
	BurstRequestsPerSec float64 `json:"burst_requests_per_sec"`
	BurstLength         Millis  `json:"burst_length_ms"`
	SpansPerRequest     int     `json:"spans_per_request"`
	// SampledShare is the share of requests whose spans reach the
	// processor (the advised sample ratio, else 1).
	SampledShare float64 `json:"sampled_share"`
	// PeakSpanRate is PeakRequestsPerSec × SpansPerRequest × SampledShare.
	PeakSpanRate float64 `json:"peak_span_rate"`
	// ExportLatency is the time of one export, in milliseconds, and
	// ExportLatencySource where it comes from.
	ExportLatency       float64 `json:"export_latency_ms"`
	ExportLatencySource string  `json:"export_latency_source"`
	// FaultWindow is the sink's longest outage or black hole; zero without.
	FaultWindow Millis `json:"fault_window_ms"`
}

// SettingReasons are the reasons behind one setting.
type SettingReasons struct {
	Setting string   `json:"setting"`
	Reasons []string `json:"reasons"`
}

// The settings in the order their reasons are listed.
const (
	SettingProcessor       = "processor"
	SettingSampling        = "sample_ratio"
	SettingQueue           = "max_queue_size"
	SettingBatch           = "max_export_batch_size"
	SettingDelay           = "schedule_delay"
	SettingExportTimeout   = "export_timeout"
	SettingExporterTimeout = "exporter_timeout"
	SettingRetry           = "retry"
	SettingBlocking        = "blocking"
)

var settingOrder = []string{SettingProcessor, SettingSampling, SettingQueue, SettingBatch, SettingDelay,
	SettingExportTimeout, SettingExporterTimeout, SettingRetry, SettingBlocking}

// adviser carries what Advise has worked out so far.
type adviser struct {
	s      *Summary
	p      *profile.Profile
	base   *profile.Variant // nil: the SDK's defaults
	peak   int              // highest rate
	set    settings.Batch
	load   model.Load
	lambda float64 // steady peak span rate
	// exporter is the advised exporter timeout; set.ExportTimeout follows it.
	exporter time.Duration
	// latencySource says where load.ExportLatency comes from.
	latencySource string
	reasons       map[string][]string
	warn          []string
}

func (a *adviser) why(setting, format string, args ...any) {
	a.reasons[setting] = append(a.reasons[setting], fmt.Sprintf(format, args...))
}

// Advise returns the settings to use for a service like the one measured in
// s, with p the run's profile. It never advises the synchronous processor, a
// zero or negative batch timeout, a zero queue or blocking.
func Advise(s *Summary, p *profile.Profile) Advice {
	a := &adviser{s: s, p: p, reasons: map[string][]string{}}
	for _, r := range p.Rates {
		a.peak = max(a.peak, r)
	}
	a.chooseBase()
	a.inputs()
	a.syncEvidence()
	a.batchSize()
	a.batchTimeout()
	a.queue()
	a.exporterTimeout()
	a.exportTimeout()
	a.retry()
	a.blocking()

	out := Advice{Schema: AdviceSchema, RunID: s.RunID, Profile: s.Profile, Warnings: a.warn}
	x := millisOf(a.exporter)
	out.Settings = AdviceSettings{
		Processor:          string(profile.KindBatch),
		MaxQueueSize:       a.set.QueueSize,
		MaxExportBatchSize: a.set.MaxExportBatchSize,
		ScheduleDelay:      millisOf(a.set.BatchTimeout),
		ExportTimeout:      millisOf(a.set.ExportTimeout),
		ExporterTimeout:    x,
		Retry:              retryFor(x.D()),
	}
	if a.base != nil {
		out.BasedOn = a.base.Name
		if a.base.Kind == profile.KindSampled && a.base.SampleRatio != nil {
			r := *a.base.SampleRatio
			out.Settings.SampleRatio = &r
		}
	}
	out.Env = out.Settings.variant().Env()
	out.Inputs = AdviceInputs{
		PeakRequestsPerSec:  a.load.RequestsPerSec,
		BurstRequestsPerSec: a.load.Burst.PeakRequestsPerSec,
		BurstLength:         millisOf(a.load.Burst.Length),
		SpansPerRequest:     int(a.load.SpansPerRequest),
		SampledShare:        a.load.SampledShare,
		PeakSpanRate:        a.lambda,
		ExportLatency:       float64(a.load.ExportLatency) / float64(time.Millisecond),
		ExportLatencySource: a.latencySource,
		FaultWindow:         millisOf(faultWindow(p)),
	}
	for _, name := range settingOrder {
		if rs := a.reasons[name]; len(rs) > 0 {
			out.Reasons = append(out.Reasons, SettingReasons{Setting: name, Reasons: rs})
		}
	}
	return out
}

// variant returns the settings as a profile variant, whose Env gives the
// standard variables.
func (st AdviceSettings) variant() profile.Variant {
	d := func(m Millis) *profile.Duration { x := profile.Duration(m.D()); return &x }
	q, b := st.MaxQueueSize, st.MaxExportBatchSize
	v := profile.Variant{Kind: profile.KindBatch, QueueSize: &q, MaxExportBatchSize: &b,
		BatchTimeout: d(st.ScheduleDelay), ExportTimeout: d(st.ExportTimeout), ExporterTimeout: d(st.ExporterTimeout)}
	if st.SampleRatio != nil {
		r := *st.SampleRatio
		v.Kind, v.SampleRatio = profile.KindSampled, &r
	}
	return v
}

// retryFor is the retry policy advised for an exporter timeout of x: the
// first backoff a fifth of it, the longest half, and retrying for no longer
// than x.
func retryFor(x time.Duration) RetryConfig {
	return RetryConfig{
		Enabled:         true,
		InitialInterval: max(1, millisOf(x/AdviceRetryDivisor)),
		MaxInterval:     max(1, millisOf(x/2)),
		MaxElapsedTime:  millisOf(x),
	}
}

// chooseBase picks the measured variant to start from: the cheapest that
// qualified and keeps every trace, never sync; a sampled one only when no
// unsampled one qualified.
func (a *adviser) chooseBase() {
	full, sampled, _ := qualifiers(a.s, a.p)
	var batch, blocking []candidate
	var syncWon *candidate
	for i, c := range full {
		switch {
		case c.v.Kind == profile.KindSync:
			if i == 0 {
				syncWon = &full[i]
			}
		case c.v.Blocking:
			blocking = append(blocking, c)
		default:
			batch = append(batch, c)
		}
	}
	// Blocking is never advised, so a variant measured with it is the last
	// resort: without blocking its queue might have dropped spans.
	sampled = slices.DeleteFunc(sampled, func(c candidate) bool { return c.v.Blocking })
	if len(batch) == 0 && len(sampled) == 0 && len(blocking) > 0 {
		batch = blocking
		a.warn = append(a.warn, fmt.Sprintf("only %s, measured with blocking, qualified: without blocking, which is never advised, its queue may drop spans where it blocked instead; measure these settings", blocking[0].v.Name))
	}
	budget := a.p.Budget.P99OverheadPct
	var chosen *candidate
	switch {
	case len(batch) > 0:
		chosen = &batch[0]
		a.why(SettingSampling, "none: %s keeps every trace with a worst p99 overhead of %+.1f%% (budget %.0f%%) at %s",
			chosen.v.Name, chosen.worstPc, budget, rateList(a.p.Rates))
	case len(sampled) > 0:
		chosen = &sampled[0]
		share := a.sampledShare(chosen.v.Name)
		a.why(SettingSampling, "%s: no variant that keeps every trace met the %.0f%% p99 budget (%s); %s did, worst p99 overhead %+.1f%%, keeping %.1f%% of traces",
			ratioText(chosen.v.SampleRatio), budget, a.bestUnsampled(), chosen.v.Name, chosen.worstPc, 100*share)
	default:
		next := "measure sampled variants to find a ratio that does"
		if s := a.bestOf(profile.KindSampled); s != "" {
			next = "neither did sampling: " + s
		}
		a.why(SettingSampling, "none: no variant met the %.0f%% p99 budget without losing spans (%s); %s",
			budget, a.bestUnsampled(), next)
		a.warn = append(a.warn, fmt.Sprintf("no measured batch variant lost no span and kept its p99 overhead within %.0f%% at every rate: these settings start from the SDK's defaults and rest on the model alone; measure them", budget))
	}
	if chosen != nil {
		v := chosen.v
		a.base = &v
		a.why(SettingProcessor, "batch, as measured in %s: no span lost, no request failed, worst p99 overhead %+.1f%% (budget %.0f%%), %s CPU per request on average",
			v.Name, chosen.worstPc, budget, roundDur(chosen.cpu))
	}
	if syncWon != nil {
		a.why(SettingProcessor, "not sync, although %s qualified in this run and cost least (%s CPU per request): it exports on the request path, so a slow or absent collector slows every request up to the exporter timeout",
			syncWon.v.Name, roundDur(syncWon.cpu))
	}
}

// syncEvidence adds what the run measured of sync, or what the model says
// of it.
func (a *adviser) syncEvidence() {
	for _, v := range a.p.Variants {
		if v.Kind != profile.KindSync {
			continue
		}
		r := a.highestRow(v.Name)
		if r == nil {
			continue
		}
		lock := ""
		if r.Blocking.LockWait > 0 {
			lock = fmt.Sprintf("; each span waited %s on the processor's lock behind other requests' exports", roundDur(r.Blocking.LockWait))
		}
		a.why(SettingProcessor, "not sync: it exports on the request path; measured, %s at %.0f/s reached %.0f/s with a p99 overhead of %+.1f%% (%s)%s, and the longest OnEnd took %s",
			v.Name, r.RequestedRate, r.AchievedRate, r.P99OverheadPct, roundDur(r.P99Overhead), lock, roundDur(r.Blocking.OnEndMax))
		return
	}
	if l := a.load.ExportLatency; l > 0 && a.load.SpansPerRequest > 0 {
		a.why(SettingProcessor, "not sync: it exports each span on the request path under one lock; with exports of %s and %.0f spans per request the model caps a service at 1/(%.0f × %s) = %.0f requests/s",
			roundDur(l), a.load.SpansPerRequest, a.load.SpansPerRequest, roundDur(l), 1/(a.load.SpansPerRequest*l.Seconds()))
	} else {
		a.why(SettingProcessor, "not sync: it exports each of the %d spans of a request on the request path under one lock", 2+a.p.Workload.ExtraSpans)
	}
}

// highestRow returns the variant's row at the highest rate it was measured at.
func (a *adviser) highestRow(name string) *Row {
	for i := len(a.s.Rates) - 1; i >= 0; i-- {
		if r := rowAt(a.s, name, a.s.Rates[i].Rate); r != nil {
			return r
		}
	}
	return nil
}

// sampledShare is the measured share of traces a sampled variant kept at
// the highest rate, or its ratio.
func (a *adviser) sampledShare(name string) float64 {
	if r := a.highestRow(name); r != nil && r.Spans.SampledShare > 0 {
		return r.Spans.SampledShare
	}
	if v, ok := variantByName(a.p, name); ok && v.SampleRatio != nil {
		return *v.SampleRatio
	}
	return 1
}

// bestUnsampled describes the unsampled batch variant with the lowest worst
// p99 overhead.
func (a *adviser) bestUnsampled() string {
	if s := a.bestOf(profile.KindBatch); s != "" {
		return s
	}
	return "no batch variant was measured"
}

// bestOf describes the variant of a kind with the lowest worst p99
// overhead, among those that lost no span if any did not: "the best, X,
// reached +N%"; "" when none of that kind was measured.
func (a *adviser) bestOf(kind profile.Kind) string {
	best, worst, bestLost := "", math.Inf(1), true
	for _, v := range a.p.Variants {
		if v.Kind != kind {
			continue
		}
		c, why := qualify(a.s, v, a.p.Budget.P99OverheadPct)
		if math.IsInf(c.worstPc, -1) {
			continue // not measured
		}
		lost := slices.ContainsFunc(why, func(w string) bool { return strings.HasPrefix(w, "lost ") })
		if (bestLost && !lost) || (lost == bestLost && c.worstPc < worst) {
			best, worst, bestLost = v.Name, c.worstPc, lost
		}
	}
	if best == "" {
		return ""
	}
	if bestLost {
		return fmt.Sprintf("the best, %s, reached %+.1f%% and lost spans", best, worst)
	}
	return fmt.Sprintf("the best that lost no span, %s, reached %+.1f%%", best, worst)
}

func ratioText(r *float64) string {
	if r == nil {
		return "sampling"
	}
	return fmt.Sprintf("%g", *r)
}
