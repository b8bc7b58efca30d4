package model

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrInvalidLoad is wrapped by every error Load.Validate returns.
var ErrInvalidLoad = errors.New("invalid load")

// Load describes the traffic a service sends through the processor and the
// collector it exports to. The zero value is no traffic.
type Load struct {
	// RequestsPerSec is the steady request rate.
	RequestsPerSec float64
	// SpansPerRequest is the number of spans each request ends (2 for the
	// benchmark's target: the otelhttp server span and process_item_logic).
	SpansPerRequest float64
	// SampledShare is the share of requests whose spans are sampled, from 0
	// (none) to 1 (all). Unsampled spans never reach the processor. Zero is
	// taken literally: no spans.
	SampledShare float64
	// ExportLatency is the time of one ExportSpans call, taken as the same
	// for every batch size.
	ExportLatency time.Duration
	// PerSpanExportCost is added to ExportLatency for every span in the
	// batch, for an export whose time grows with its size.
	PerSpanExportCost time.Duration
	// Burst is an optional period of higher traffic; the zero value is none.
	Burst Burst
}

// Burst is a period during which requests arrive at a higher rate.
type Burst struct {
	// PeakRequestsPerSec is the request rate during the burst; zero means
	// there is no burst.
	PeakRequestsPerSec float64
	// Length is how long the peak lasts; zero means it does not end.
	Length time.Duration
}

// Validate reports every field that is negative, not a number, or out of
// range. The errors wrap ErrInvalidLoad.
func (l Load) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format+": %w", append(args, ErrInvalidLoad)...))
	}
	rate := func(name string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			bad("%s %v: want a finite number ≥ 0", name, v)
		}
	}
	rate("requests per second", l.RequestsPerSec)
	rate("spans per request", l.SpansPerRequest)
	if math.IsNaN(l.SampledShare) || l.SampledShare < 0 || l.SampledShare > 1 {
		bad("sampled share %v: want a share from 0 to 1", l.SampledShare)
	}
	if l.ExportLatency < 0 {
		bad("export latency %v: negative", l.ExportLatency)
	}
	if l.PerSpanExportCost < 0 {
		bad("per-span export cost %v: negative", l.PerSpanExportCost)
	}
	rate("burst peak requests per second", l.Burst.PeakRequestsPerSec)
	if p := l.Burst.PeakRequestsPerSec; p > 0 && p < l.RequestsPerSec {
		bad("burst peak %v requests per second below the steady rate %v", p, l.RequestsPerSec)
	}
	if l.Burst.Length < 0 {
		bad("burst length %v: negative", l.Burst.Length)
	}
	return errors.Join(errs...)
}

// SpanRate returns λ, the spans per second that reach the processor:
// RequestsPerSec × SpansPerRequest × SampledShare.
func SpanRate(l Load) float64 {
	return l.RequestsPerSec * l.SpansPerRequest * l.SampledShare
}

// PeakSpanRate returns the span rate during the burst, or SpanRate(l) when
// the load has no burst.
func PeakSpanRate(l Load) float64 {
	if l.Burst.PeakRequestsPerSec <= 0 {
		return SpanRate(l)
	}
	return l.Burst.PeakRequestsPerSec * l.SpansPerRequest * l.SampledShare
}

// spansPerRequest returns the sampled spans per request that reach the
// processor.
func spansPerRequest(l Load) float64 {
	return l.SpansPerRequest * l.SampledShare
}
