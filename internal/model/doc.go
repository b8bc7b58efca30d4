// Package model predicts, without running anything, what the OpenTelemetry
// Go SDK's BatchSpanProcessor does under a given load: how many spans per
// second it can export, when and how many it drops, how long a burst it
// absorbs, how stale exported spans are and how much memory it holds. The
// recommender uses it (and its inverse functions) to choose settings, and
// the report sets it beside what the benchmark measured. It is pure: no I/O,
// no clock, no goroutines.
//
// # The processor, as read in the source
//
// sdk/trace/batch_span_processor.go of otel v1.47.0. OnEnd does a
// non-blocking send on a channel of QueueSize slots (with Blocking, a send
// that waits without limit; unsampled spans never get there). One worker
// goroutine loops on a select over the channel, a timer and the stop
// channel. Each span it receives is appended to a separate batch slice; the
// moment the batch reaches MaxExportBatchSize the worker stops the timer and
// exports at once, synchronously. When the timer fires it exports whatever
// the batch holds, and nothing if it is empty (the exporter is not called).
// Every export, whichever started it, first restarts the timer with
// BatchTimeout, then calls ExportSpans with a context cut at ExportTimeout
// (no cut when ExportTimeout ≤ 0). While ExportSpans runs the worker receives
// nothing, so spans accumulate in the channel. Two consequences refine the
// usual description:
//
//   - The timer period is BatchTimeout, not BatchTimeout + export time: it
//     restarts when an export starts, not when it ends (measured: 100 ms
//     between exports with a 100 ms timeout and a 30 ms export).
//   - When an export lasts at least BatchTimeout, the timer fires during it.
//     Afterwards the select finds the timer and the channel both ready and
//     picks one at random, so after taking j spans (probability 2^-(j+1))
//     the worker exports those j: half the exports carry a few spans. A
//     saturated processor then averages RaceBatchSize = M/2 + 1 − 2^-M spans
//     per export instead of M, which halves its ceiling (measured: 252
//     spans on average and 12 170 spans/s for M 512, timeout 10 ms, 21 ms
//     exports, against 23 899 with a 1 s timeout). The model flags this as
//     TimerRaces; its figures there are approximations, and the inverse
//     functions refuse to recommend inside it.
//
// Spans are held in two places: up to QueueSize in the channel and up to
// MaxExportBatchSize in the batch, whose spans have left the queue. Both are
// allocated when the processor is built (16 bytes a slot).
//
// # Notation and assumptions
//
// λ is the span rate reaching the processor, RequestsPerSec ×
// SpansPerRequest × SampledShare; M is MaxExportBatchSize, Q QueueSize, T
// BatchTimeout, X ExportTimeout; an export of b spans takes D(b) = L + b·c
// (ExportLatency plus PerSpanExportCost per span), cut at X. Arrivals are
// taken as a steady stream (fluid, deterministic): the model predicts the
// steady state, not the queueing noise of random arrivals close to the
// ceiling. The worker's own cost of moving spans from the channel to the
// batch is left out: measured 164 µs per 512-span batch (0.3 µs a span,
// under 1% of a 21 ms export) with 40 000 spans/s offered on our 2 cores,
// but 1.7 ms (3.4 µs a span) against a producer ending spans flat out; fold
// it into PerSpanExportCost when exports are that short. An export cut at X
// is taken to return at X and to lose its spans, as the OTLP exporters do
// when their context ends.
//
// # Formulas
//
// Ceiling (exports back to back, full batches):
//
//	μ = M / D(M)                    e.g. 512 / 5 ms = 102 400 spans/s
//	μ = RaceBatchSize(M) / D(…)      when D(M) ≥ T (TimerRaces)
//
// Regimes, with their batch size and time between exports:
//
//	timer      λ·T < M, λ ≤ μ    batch λ·T   every T
//	full       λ·T ≥ M, λ ≤ μ    batch M     every M/λ
//	saturated  λ > μ             batch M     every D(M)
//
// Loss. Saturated, the queue fills at λ − μ and then drops at that rate:
//
//	drop fraction = 1 − μ/λ          e.g. 1 − 5 120/9 000 = 0.431
//	loss onset    = μ / (SpansPerRequest × SampledShare) requests/s
//
// and an export whose D(b) exceeds X loses its whole batch. With Blocking
// nothing is dropped: OnEnd waits, first come first served, the service is
// throttled to μ / (SpansPerRequest × SampledShare) requests/s, and for an
// open-loop client the wait grows by (λ − μ)/μ seconds per second.
//
// Bursts. The plain fluid answer, Q / (λp − μ) for a peak λp, overstates how
// long a queue lasts, because spans leave in steps: during each export λp·D
// spans enter and only afterwards M leave. Starting as an export begins with
// an empty queue, after n exports and τ into the next the queue holds
//
//	n·(λp·D − M) + λp·τ
//
// so the first drop comes in export n*, the smallest n ≥ 0 with
// n·(λp·D − M) + λp·D > Q, after Q + n*·M spans:
//
//	absorb = (Q + n*·M) / λp
//
// e.g. Q 2048, M 512, D 100 ms (μ 5 120), λp 10 000: n* = 3 and absorb is
// 358.4 ms, not 2048/4 880 = 419.7 ms. A burst that finds the worker idle
// with an empty batch lasts M/λp longer (409.6 ms here; measured on the SDK:
// the first drop was span 4 096, at 409.6 ms). The smallest queue for a burst
// of length d is the highest point of that sawtooth within d (PeakQueue).
// After absorb, a burst drops (λp − μ) spans per second.
//
// Staleness, from a span's End to the start of the export that carries it
// (add D for its end):
//
//	timer      typical T/2,            worst T
//	full       typical M/(2λ),         worst M/λ
//	saturated  typical Q/μ − M/(2λ),   worst ⌈Q/M⌉·D(M)
//
// so at low load a span waits up to T + D, and saturated about Q/μ + D.
// Saturated with Blocking, the wait in OnEnd comes first and has no bound
// (Forever). With a timer race: typical T + D, worst (99th percentile)
// T + 7·D, since each export after a span's arrival takes it only with
// probability about 1/2.
//
// Runs of finite length (PredictRun). The steady state misses three things
// a benchmark cell shows, checked against measurement in
// profiles/model-check*.yaml: an idle processor's empty queue absorbs about
// Q + M spans before the first drop, so a cell of length d loses only above
// μ + (Q + M)/d or so; exports are not all alike, and one that lasts longer
// than Q/λ overflows the queue even when the mean export keeps up (a stall
// of the collector or of the machine: a queue of four 5 ms batches holds
// 25 ms of spans); and under a timer race half the exports carry a few
// spans, so the queue grows by λ·D − j at each of them and the loss starts
// well below RaceBatchSize/D (measured: 0.6% lost at 1 200 spans/s by a
// worker whose steady ceiling is 1 490). PredictRun follows the
// distribution of the queue's length at the start of each export, export
// by export, with each export's duration drawn from a distribution (a
// histogram of measured ones) and the timer race's random split:
//
//	during an export of D:  q ← min(q + λ·D, Q), dropping the excess
//	then, D < T:            q ≥ M: q ← q − M; else take q, wait to fill, q ← 0
//	      D ≥ T:            take j = 0, 1, … spans with probability 2^-(j+1),
//	                        export j (j ≥ 1) leaving q − j, or (j = 0) as D < T
//
// RunOnsetRequestsPerSec inverts it: the rate at which the expected loss
// over a run passes a threshold. Single runs stray from the expectation (a
// rare slow export, a few unlucky races in a row), so SimulateRuns plays
// the same worker run by run with seeded draws, and RunOnsetBand gives the
// rates at which a tenth, half and nine tenths of the runs pass the
// threshold: for the race above, 364, 435 and 501 requests/s of 3 spans in
// 4 s runs, where single cells measured 400 and 537.
//
// Memory. A queued span keeps BytesPerQueuedSpan bytes alive (1 236 for the
// benchmark's requests; 1 928 for an otelhttp server span, 552 for the child
// span), measured by queue_memory_test.go; a saturated processor holds
// (Q + M) of them plus 16 bytes a slot.
//
// # Inputs the model refuses
//
// settings.Batch.Validate rejects a zero queue (an unbuffered channel: nearly
// every span is dropped while an export runs), a batch timeout ≤ 0 (the
// timer fires at once and is re-armed with zero: the worker spins a core), a
// batch size ≤ 0 and a batch size above the queue size (the SDK accepts it
// from an option and only clamps the environment variable, but batches would
// then wait for spans arriving after the queue has emptied). Degenerate
// loads are valid: zero traffic predicts nothing lost, and zero export
// latency an infinite ceiling (+Inf; durations without bound are Forever).
package model
