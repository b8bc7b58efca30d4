// Package results is the on-disk form of a benchmark run: what the runner
// writes as it measures and what the reporter reads back.
//
// A run lives in results/<UTC time>-<profile>/ and is never overwritten:
//
//	run.json                 the profile, the environment fingerprint, every
//	                         variable given to every target and the module versions
//	                         each variant's binary links; rewritten at the end
//	                         with the final status (complete or interrupted)
//	run.lock                 empty; flocked by the measuring process while it runs,
//	                         so that a run whose process died can be told (Loaded.Dead)
//	cells/NNN-<variant>-r<rate>-rep<k>/
//	    results.gob          raw vegeta results of the measured attack, in vegeta's
//	                         own gob format (vegeta report / vegeta plot read it)
//	    metrics.prom         the target's final Prometheus metrics, after its flush
//	    target.log           the target's stderr
//	    cell.json            everything measured for the cell; written last, so a
//	                         cell directory without it was interrupted
//	summary.json             the aggregated numbers (package summary), rewritten
//	                         after every cell
//	report.md                the human report, written at the end of the run
//
// Every JSON file is written atomically (temporary file, then rename), so an
// interrupted run leaves only whole files behind. Open refuses a directory
// whose run.json or cell.json is not one of this schema with an
// *InvalidRunError.
package results
