// Package summary turns a run read back from disk (package results) into the
// numbers a report shows: per rate and variant, the latency percentiles over
// all repetitions, the overhead against the uninstrumented baseline, CPU per
// request, memory, the span accounting, warnings, and a first recommendation.
// It computes; it does not format. Package report renders a Summary, and
// summary.json is a Summary as JSON.
package summary
