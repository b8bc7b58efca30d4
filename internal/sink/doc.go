// Package sink is the embedded OTLP/gRPC trace receiver that otelbench runs
// in-process.
//
// Target processes export their spans over real OTLP/gRPC to a Sink, which
// answers like a collector would but keeps nothing except exact counts: how
// many Export calls and spans it accepted, how many of those spans were of
// kind SERVER, which (trace id, span id) pairs arrived more than once, and
// how many distinct spans each trace delivered. Comparing those counts with
// what the load generator sent tells the runner exactly which spans were
// lost.
//
// A Sink can also misbehave on purpose, so that the runner can measure how
// the code under test copes with a bad backend (Faults, set with
// Options.Faults or SetFaults): a latency per export, fixed or lognormal,
// with spikes; a fraction of exports answered with a gRPC error, with or
// without RetryInfo; outages, in which it refuses connections and then
// comes back on the same address; black holes, in which it never answers;
// and a throughput cap in spans per second. Random choices come from a
// seed, so runs repeat. Outages and black holes are windows on a timeline
// that the runner starts with StartTimeline at the start of each
// measurement.
//
// Whatever happens, the counts agree with what the exporter on the other
// end believes: a call its client gave up on is abandoned, a call answered
// with an error is rejected, and neither counts as received; a retry that
// succeeds counts its spans once.
//
// The sink knows no output format; Stats.String is a one-line summary for
// the standalone command and logs.
package sink
