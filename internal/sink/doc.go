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
// The sink reads each request straight from its wire bytes (wire.go): the
// ids, kind and end time of every span and a few attributes of its
// resource, skipping every other field by its length, without allocating.
// Only a capturing sink (Options.Capture, for verify) also decodes requests
// into Go values. Memory is bounded by design: a request over
// MaxRecvMsgSize is refused by gRPC before it is read, and one that would
// take the bytes of requests in flight over Options.MaxInflightBytes is
// refused with RESOURCE_EXHAUSTED. Given a TraceIndex (SetTraceIndex), the
// mapping from item numbers to trace ids that the runner's load generator
// uses, the sink counts those traces in a table by item number, a few
// bytes per request, instead of a map by trace id.
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
