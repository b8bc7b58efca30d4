// Package stats is the pure arithmetic of otelbench: quantiles of histograms,
// relative differences, summaries of repetitions. It knows nothing of files,
// formats or the rest of the module, so every function here can be checked
// against numbers worked out by hand.
package stats
