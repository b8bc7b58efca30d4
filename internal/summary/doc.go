// Package summary aggregates a run read back from disk (package results)
// into the numbers every report shows: per rate and variant, the latency
// percentiles over all repetitions, the change against the uninstrumented
// baseline with its significance, CPU per request, memory, the span
// accounting cell by cell, the recovery after sink faults, and the series
// the charts draw (latency spectra and timelines).
//
// It reads each cell's results.gob once, and computes every quantile from
// the raw latencies by the same nearest-rank rule. What limits a number is
// a Warning: a value with a kind and the figures behind it, never a
// sentence; package report writes the sentences. Predictions (package
// predict), rules of thumb (package rules) and advice (package advise) are
// built on a Summary, not in it.
package summary
