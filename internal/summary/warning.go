package summary

// Warning is one thing that limits what a number means, as a value: its
// kind, where it applies, and the figures behind it. The renderers write
// the sentence, and group warnings of one kind into one line.
//
// Which fields a kind fills is documented on the kind. Durations are in
// nanoseconds, shares as fractions (0.26 for 26%).
type Warning struct {
	Kind    WarningKind `json:"kind"`
	Variant string      `json:"variant,omitempty"`
	Rate    int         `json:"rate,omitempty"`
	Rep     int         `json:"rep,omitempty"`
	Cell    string      `json:"cell,omitempty"`
	// Metric names what the figures measure, where a kind has several
	// (MetricP50, MetricP99, MetricCPU for WarnNoisy).
	Metric string `json:"metric,omitempty"`
	// Value and Limit are the measured figure and what it should be
	// within; N and Of are counts.
	Value float64 `json:"value,omitempty"`
	Limit float64 `json:"limit,omitempty"`
	N     int64   `json:"n,omitempty"`
	Of    int64   `json:"of,omitempty"`
	// Parts are further counts, for the accounting identity (WarnSpansDontAddUp).
	Parts []int64 `json:"parts,omitempty"`
	// Detail is text from outside otelbench: an error message, a status.
	Detail string `json:"detail,omitempty"`
	// Lines are the service's last lines of output, for a WarnCellFailed
	// whose service delivered no span.
	Lines []string `json:"lines,omitempty"`
}

// WarningKind says what a Warning is about.
type WarningKind string

// The kinds of warnings, with the fields each fills.
const (
	// WarnCellsMissing: N of Of planned cells have no results; Detail is
	// the run's status.
	WarnCellsMissing WarningKind = "cells-missing"
	// WarnCellFailed: Cell failed; Detail is its error.
	WarnCellFailed WarningKind = "cell-failed"
	// WarnResultsUnreadable: Cell's raw results (results.gob) could not be
	// read; Detail says why. The cell counts as failed.
	WarnResultsUnreadable WarningKind = "results-unreadable"
	// WarnRateNotReached: repetition Rep sent Value requests/s of Limit
	// asked (the target could not keep up or the load generator
	// saturated).
	WarnRateNotReached WarningKind = "rate-not-reached"
	// WarnLoadGenBusy: in repetition Rep, otelbench itself (vegeta and the
	// embedded sink) used Value of its N CPUs, above Limit.
	WarnLoadGenBusy WarningKind = "load-generator-busy"
	// WarnMachineShared: in repetition Rep, anything but the target and
	// otelbench (other processes, the kernel, a hypervisor's steal) used
	// Value of the machine's N CPUs, above Limit.
	WarnMachineShared WarningKind = "machine-shared"
	// WarnWarmupUnsettled: in repetition Rep the target's CPU per request
	// was still falling when the warm-up reached its cap (Value, ns): the
	// measured attack began before it settled.
	WarnWarmupUnsettled WarningKind = "warmup-unsettled"
	// WarnIntendedDiverges: the p99 from the intended send time, Value, is
	// well above vegeta's, Limit; N is the send lag p99.
	WarnIntendedDiverges WarningKind = "intended-latency-diverges"
	// WarnNoisy: Metric varies between repetitions by a coefficient of
	// variation Value, above Limit.
	WarnNoisy WarningKind = "noisy"
	// WarnTailUnreliable: N requests leave fewer than MinTailSamples
	// beyond p99.9 (Of would be needed).
	WarnTailUnreliable WarningKind = "p99.9-unreliable"
	// WarnRequestsFailed: N of Of requests failed; Detail is the first
	// error.
	WarnRequestsFailed WarningKind = "requests-failed"
	// WarnTargetFailed: the target failed in N repetitions.
	WarnTargetFailed WarningKind = "target-failed"
	// WarnNoBaseline: no baseline was measured at Rate, so no overhead.
	WarnNoBaseline WarningKind = "no-baseline"
	// WarnNoRepetition: no repetition of the row succeeded.
	WarnNoRepetition WarningKind = "no-repetition"
	// WarnHistogramsMixed: the repetitions' OnEnd histograms have
	// different buckets and were not merged.
	WarnHistogramsMixed WarningKind = "histograms-mixed"
	// WarnSinkExtra: the sink received N more spans than the target ended.
	WarnSinkExtra WarningKind = "sink-received-extra"
	// WarnMatchingDisagrees: trace matching finds N spans missing where
	// ended − received is Of.
	WarnMatchingDisagrees WarningKind = "matching-disagrees"
	// WarnSpansDontAddUp: in Cell, ended N ≠ exported + dropped + failed +
	// lost at shutdown, whose parts are Parts and whose sum is Of.
	WarnSpansDontAddUp WarningKind = "spans-do-not-add-up"
	// WarnSpansPerRequest: a user's service's traces held N spans per
	// request (the most common count) where -spans said Of; N was used.
	WarnSpansPerRequest WarningKind = "spans-per-request"
	// WarnDropsUnknown: Cell's shutdown timed out with N spans never
	// exported: dropped and lost at shutdown cannot be told apart.
	WarnDropsUnknown WarningKind = "drops-unknown"
	// WarnSDKQueueDisagrees: the SDK's queue held N spans at exit in Cell,
	// but Of are unaccounted for after its drop count.
	WarnSDKQueueDisagrees WarningKind = "sdk-queue-disagrees"
	// WarnSDKDropsDisagree: the SDK counts N spans dropped in Cell; the
	// accounting finds Of.
	WarnSDKDropsDisagree WarningKind = "sdk-drops-disagree"
	// WarnSinkExporterDisagree: in Cell the sink received N distinct spans
	// but the exporter reports Of exported (and Parts[0] failed).
	WarnSinkExporterDisagree WarningKind = "sink-exporter-disagree"
)

// Metrics of WarnNoisy.
const (
	MetricP50 = "p50"
	MetricP99 = "p99"
	MetricCPU = "cpu_per_request"
)

// AllWarnings returns every warning of s: the run's, every row's and every
// cell's accounting, in that order.
func (s *Summary) AllWarnings() []Warning {
	out := append([]Warning(nil), s.Warnings...)
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			out = append(out, r.Warnings...)
		}
	}
	for _, a := range s.Accounting {
		out = append(out, a.Warnings...)
	}
	return out
}
