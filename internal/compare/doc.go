// Package compare sets two runs side by side: it matches their rows by rate
// and variant, takes the median of each side's repetitions for p50, p99 and
// CPU per request, and the change of the second run (B) against the first
// (A) with its confidence interval and significance (summary.NewDelta). It
// says why two runs cannot be compared (a profile or machine that differs),
// which variants were built with other OpenTelemetry releases (an upgrade:
// comparable, and said; see Releases), and which significant changes are
// regressions beyond a threshold.
//
// It computes; it does not format. Package report renders a Comparison, and
// "otelbench compare" decides what a mismatch or a regression does to its
// exit code.
package compare
