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
// the code under test copes with a slow backend: it can hold every answer
// for a fixed delay (Options.Delay, SetDelay). A client that gives up during
// the delay is counted as abandoned, never as received, so the sink agrees
// with what the exporter on the other end believes.
//
// The sink knows no output format; Stats.String is a one-line summary for
// the standalone command and logs.
package sink
