// Package advise is otelbench's one recommender: the span processor and
// exporter settings to use for a service like the one a run measured,
// and why. The run's report, `otelbench recommend` and `otelbench tune`
// all take their answer from it.
//
// It works in three steps, each usable on its own:
//
//   - Qualify judges every measured variant against the budgets (spans
//     lost, p99 change, memory) at every rate, and says by how much each
//     budget is missed.
//   - Choose picks the measured variant to start from. A variant is
//     cheaper than another only when its CPU per request is lower by the
//     test the report prints (Mann–Whitney over the repetitions, p < 0.05);
//     differences inside the noise are ties, broken toward more headroom
//     (the model's distance from loss onset, the burst the queue absorbs),
//     then toward the SDK's defaults, then toward the larger queue. Sync
//     is never chosen, blocking only when nothing else qualified, sampling
//     only when nothing that keeps every trace did.
//   - Size sets every setting by package model from what the run measured
//     (the peak rate, spans per request, export latency, burst, faults),
//     starting from the chosen variant's settings and raising what is too
//     small; the same policy sizes tune's candidates.
//
// When no variant meets the budgets it still answers: the best measured
// settings, sized the same way, with the budgets they miss, by how much,
// and whether that budget is below the run's own noise floor (its A/A
// control).
//
// Every reason is a value (a Reason with its figures); package report
// writes the sentences.
package advise
