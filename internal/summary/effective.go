package summary

import (
	"github.com/otelbench/otelbench/internal/settings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// Defaults of the OTLP gRPC exporter (otlptracegrpc v1.47.0): what a
// service gets without WithTimeout, WithRetry or OTEL_EXPORTER_OTLP_TIMEOUT.
const (
	// DefaultExporterTimeout bounds one export, every retry included.
	DefaultExporterTimeout = 10 * time.Second
	// DefaultRetryInitialInterval is the exporter's first backoff after a
	// retryable failure, randomised by ±50% (so 2.5–7.5 s).
	DefaultRetryInitialInterval = 5 * time.Second
	// DefaultRetryMaxInterval and DefaultRetryMaxElapsedTime are the rest
	// of the exporter's default retry policy.
	DefaultRetryMaxInterval    = 30 * time.Second
	DefaultRetryMaxElapsedTime = time.Minute
)

// effective returns the BatchSpanProcessor settings a variant's target ran
// with: its options, the SDK's defaults for the rest, and the SDK's clamp of
// a batch size above the queue (to min(512, queue), as it does for
// OTEL_BSP_MAX_EXPORT_BATCH_SIZE). For kind sync and none it returns the
// defaults.
func effective(v profile.Variant) settings.Batch {
	s := settings.DefaultBatch()
	if v.Kind != profile.KindBatch && v.Kind != profile.KindSampled {
		return s
	}
	if v.QueueSize != nil {
		s.QueueSize = *v.QueueSize
	}
	if v.MaxExportBatchSize != nil {
		s.MaxExportBatchSize = *v.MaxExportBatchSize
	}
	if s.MaxExportBatchSize > s.QueueSize {
		s.MaxExportBatchSize = min(settings.DefaultBatch().MaxExportBatchSize, s.QueueSize)
	}
	if v.BatchTimeout != nil {
		s.BatchTimeout = v.BatchTimeout.D()
	}
	if v.ExportTimeout != nil {
		s.ExportTimeout = v.ExportTimeout.D()
	}
	s.Blocking = v.Blocking
	return s
}

// exporterTimeout returns the OTLP exporter's timeout of a variant.
func exporterTimeout(v profile.Variant) time.Duration {
	if v.ExporterTimeout != nil {
		return v.ExporterTimeout.D()
	}
	return DefaultExporterTimeout
}

// exportBound returns how long one export can hold the processor's worker:
// the shorter of the processor's export timeout and the exporter's own.
func exportBound(v profile.Variant) time.Duration {
	b := exporterTimeout(v)
	if x := effective(v).ExportTimeout; x > 0 && x < b {
		b = x
	}
	return b
}

// variantByName returns the profile's variant of that name.
func variantByName(p *profile.Profile, name string) (profile.Variant, bool) {
	for _, v := range p.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return profile.Variant{}, false
}

// rowAt returns the row of a variant at a rate, or nil when it has no
// measured repetition there.
func rowAt(s *Summary, variant string, rate int) *Row {
	for i := range s.Rates {
		if s.Rates[i].Rate != rate {
			continue
		}
		for j := range s.Rates[i].Rows {
			if r := &s.Rates[i].Rows[j]; r.Variant == variant && r.Reps > 0 {
				return r
			}
		}
	}
	return nil
}

// baselineAt returns the measured baseline row of a rate, or nil.
func baselineAt(s *Summary, rate int) *Row {
	for i := range s.Rates {
		if s.Rates[i].Rate != rate {
			continue
		}
		for j := range s.Rates[i].Rows {
			if r := &s.Rates[i].Rows[j]; r.Baseline && r.Reps > 0 {
				return r
			}
		}
	}
	return nil
}

// faultWindow returns the longest outage or black hole of the profile's
// sink (a window without an end lasts until the end of the attack).
func faultWindow(p *profile.Profile) time.Duration {
	var longest time.Duration
	for _, w := range faultWindows(p.Sink) {
		to := w.To.D()
		if to == 0 {
			to = p.Duration.D()
		}
		longest = max(longest, to-w.From.D())
	}
	return longest
}

// cellTotals adds up the span accounting of a variant's cells at a rate.
type cellTotals struct {
	cells                            int
	ended, exported, dropped, failed int64
	lostAtShutdown                   int64
	spansBack                        time.Duration // the slowest recovery of span delivery; −1 if one never came back
	recoveries                       int
	codes                            map[string]int64
	independent                      bool
}

func totals(s *Summary, variant string, rate int) cellTotals {
	t := cellTotals{codes: map[string]int64{}, independent: true}
	for _, a := range s.Accounting {
		if a.Variant != variant || a.Rate != rate {
			continue
		}
		t.cells++
		t.ended += a.Ended
		t.exported += a.Exported
		t.dropped += a.Dropped
		t.failed += a.Failed
		t.lostAtShutdown += a.LostAtShutdown
		t.independent = t.independent && a.Independent
		for k, n := range a.FailedByCode {
			t.codes[k] += n
		}
		if rc := a.Recovery; rc != nil && rc.Known && !rc.NoArrivals {
			t.recoveries++
			switch {
			case rc.Spans < 0 || t.spansBack < 0:
				t.spansBack = -1
			default:
				t.spansBack = max(t.spansBack, rc.Spans)
			}
		}
	}
	return t
}

// lost is every span of the totals that never reached the collector.
func (t cellTotals) lost() int64 { return t.dropped + t.failed + t.lostAtShutdown }

// setup is everything that distinguishes two variants' tracing setups.
type setup struct {
	kind          profile.Kind
	settings      settings.Batch
	exporter      time.Duration
	ratio         float64
	observability bool
}

func setupOf(v profile.Variant) setup {
	u := setup{kind: v.Kind, settings: effective(v), exporter: exporterTimeout(v), observability: v.Observability}
	if v.SampleRatio != nil {
		u.ratio = *v.SampleRatio
	}
	return u
}

// findTwin returns the first other variant of p whose setup equals v's once
// edit has been applied to a copy of it: edit sets the options allowed to
// differ to v's values.
func findTwin(p *profile.Profile, v profile.Variant, edit func(u *profile.Variant)) (profile.Variant, bool) {
	want := setupOf(v)
	for _, u := range p.Variants {
		if u.Name == v.Name {
			continue
		}
		c := u
		edit(&c)
		if setupOf(c) == want {
			return u, true
		}
	}
	return profile.Variant{}, false
}
