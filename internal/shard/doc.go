// Package shard is one shard of a cell's load, and the merge of several.
//
// A cell's load of R requests per second can come from N attack processes
// (`otelbench attack`), on one machine or on many: shard i sends the
// cell's requests i, i+N, i+2N, … of the schedule one attacker at R would
// follow (Pacer), from a common wall-clock start, so that the merged
// stream is the same attack. Each request carries item number
// FirstItem+i+k·N, so the shards' trace ids (from the runner's bijection
// of item numbers, given as Options.Traceparent) never collide and the
// sink still matches every trace to its request. Each result's Seq is
// rewritten to its place in the whole schedule (i+k·N), so latency from
// the intended send time is computed on merged results as on one
// attacker's.
//
// Run attacks and writes vegeta's gob results and returns the shard's own
// record (results.Shard: its CPU time, its start against the common start,
// requested and achieved rate); Merge puts the results of several shards
// into one file in timestamp order, which `vegeta report` and package
// summary read like any other.
//
// The package knows nothing of profiles' variants or of the runner: the
// runner (internal/runner) starts shards as processes, cmd/otelbench's
// attack command is one.
package shard
