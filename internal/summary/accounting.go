package summary

import (
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// Account is one cell's span accounting, span by span: where every span
// the target ended went.
type Account struct {
	Cell    string       `json:"cell"`
	Variant string       `json:"variant"`
	Kind    profile.Kind `json:"kind"`
	Rate    int          `json:"rate"`
	Rep     int          `json:"rep"`

	// Ended by the target; Handed to the exporter, of which Exported
	// succeeded and Failed did not (FailedByCode by gRPC code).
	Ended        int64            `json:"ended"`
	Handed       int64            `json:"handed"`
	Exported     int64            `json:"exported"`
	Failed       int64            `json:"failed"`
	FailedByCode map[string]int64 `json:"failed_by_code,omitempty"`
	// Dropped on a full queue and LostAtShutdown; DropSource as in
	// results.Spans.
	Dropped        int64  `json:"dropped"`
	LostAtShutdown int64  `json:"lost_at_shutdown"`
	DropSource     string `json:"drop_source"`
	// Received by the sink (distinct) and received more than once.
	Received   int64 `json:"received"`
	Duplicates int64 `json:"duplicates"`
	// MissingTraces: successful requests whose server span never arrived
	// (−1 when requests carried no traceparent to match).
	MissingTraces int64         `json:"missing_traces"`
	FreshnessP50  time.Duration `json:"freshness_p50_ns"`
	FreshnessP99  time.Duration `json:"freshness_p99_ns"`

	// Adds says ended = exported + dropped + failed + lost at shutdown.
	Adds bool `json:"adds_up"`
	// Independent says the parts were counted separately (the SDK's drop
	// counter was on, or the queue was drained at exit and the exporter
	// and sink agree); otherwise dropped is the remainder and Adds holds
	// by construction.
	Independent bool `json:"independent"`
	// Observability marks cells whose target ran with the SDK's
	// self-observability (which costs about 0.7 µs per span).
	Observability bool `json:"observability,omitempty"`
	// Recovery is how the cell came back after the sink's fault windows.
	Recovery *Recovery `json:"recovery,omitempty"`
	// Outside marks a user's service, seen only from outside: Ended is
	// expected rather than counted (EndedUnknown when LossUnknown says
	// why not even that), the parts are not counted, so there is nothing
	// to add up.
	Outside     bool   `json:"outside,omitempty"`
	LossUnknown string `json:"loss_unknown,omitempty"`
	// Warnings say which check failed, with the numbers.
	Warnings []Warning `json:"warnings,omitempty"`
}

// account builds the accounting of one measured cell.
// tl is the cell's timeline as binned from its raw results (nil when they
// could not be read) and attack the length of the measured attack.
func account(c results.Cell, tl *results.Timeline, windows []profile.Window, attack time.Duration) Account {
	s := c.Spans
	a := Account{
		Cell: c.Dir, Variant: c.Variant, Kind: c.Kind, Rate: c.Rate, Rep: c.Rep,
		Ended: s.Ended, Exported: s.ExportedOK, Failed: s.ExportFailed, FailedByCode: s.FailedByCode,
		Handed:  s.ExportedOK + s.ExportFailed,
		Dropped: s.Dropped, LostAtShutdown: s.LostAtShutdown, DropSource: s.DropSource,
		Received: s.Received, Duplicates: s.Duplicates,
		MissingTraces: -1,
		FreshnessP50:  s.FreshnessP50, FreshnessP99: s.FreshnessP99,
		Observability: s.Observability,
		Recovery:      recovery(tl, windows, attack),
	}
	if s.Matched {
		a.MissingTraces = s.MissingTraces
	}
	if !c.Kind.Exports() {
		a.Adds, a.Independent = true, true
		return a
	}
	if s.DropSource == string(results.DropExternal) {
		a.Outside, a.LossUnknown = true, s.LossUnknown
		a.Exported, a.Handed = 0, 0
		return a
	}
	sum := a.Exported + a.Dropped + a.Failed + a.LostAtShutdown
	a.Adds = sum == a.Ended
	a.Independent = a.DropSource == string(results.DropSDK) || a.DropSource == string(results.DropNone) || a.DropSource == string(results.DropCleanShutdown)
	if !a.Adds {
		a.warn(WarnSpansDontAddUp, Warning{N: a.Ended, Of: sum, Parts: []int64{a.Exported, a.Dropped, a.Failed, a.LostAtShutdown}})
	}
	if a.DropSource == string(results.DropUnknown) {
		a.warn(WarnDropsUnknown, Warning{N: a.Dropped})
	}
	// The SDK's own counters, when on, must agree with ours. A ForceFlush
	// that times out on a full queue counts its flush marker as one more
	// drop, so one span of difference is the SDK's, not ours.
	if queued := a.LostAtShutdown - s.InFlightAtExit; a.DropSource == string(results.DropSDK) && abs(s.SDKQueued-queued) > 1 {
		a.warn(WarnSDKQueueDisagrees, Warning{N: s.SDKQueued, Of: queued})
	}
	if s.Observability && a.DropSource == string(results.DropCleanShutdown) && s.SDKDropped != a.Dropped {
		a.warn(WarnSDKDropsDisagree, Warning{N: s.SDKDropped, Of: a.Dropped})
	}
	// The sink must hold exactly what the exporter says it delivered. A
	// failed export may still have reached the sink (the client gave up
	// as the answer came), so the sink may exceed it by that much.
	if a.Received < a.Exported || a.Received > a.Exported+a.Failed {
		a.warn(WarnSinkExporterDisagree, Warning{N: a.Received, Of: a.Exported, Parts: []int64{a.Failed}})
	}
	// Trace matching against ended − received is checked per row (see
	// finishSpans), where a disagreement is summed over repetitions.
	return a
}

// warn adds a warning of kind about the account's cell.
func (a *Account) warn(kind WarningKind, w Warning) {
	w.Kind, w.Cell, w.Variant, w.Rate, w.Rep = kind, a.Cell, a.Variant, a.Rate, a.Rep
	a.Warnings = append(a.Warnings, w)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
