// Package pprofmap attributes a CPU profile of a traced Go service to the
// parts of the request path that tracing adds or touches: the application's
// own work, net/http, otelhttp and semconv, the SDK's span lifecycle (start,
// attributes, sampler, end), the span processor (the batch queue and worker,
// or the simple processor), OTLP transform and protobuf marshal, the gRPC or
// HTTP transport, the garbage collector (assist and background), and the
// scheduler with the rest of the runtime.
//
// The mapping is a table of package (and function) prefixes, [Rules], read
// from the leaf of each sample's stack towards its root:
//
//  1. A stack that passes through the GC's background workers
//     (runtime.gcBgMarkWorker, runtime.bgsweep, runtime.bgscavenge, or the
//     profiler's runtime._GC pseudo-frame) is [GCBackground]; one that
//     passes through runtime.gcAssistAlloc or the sweep credit of an
//     allocation is [GCAssist]. Both are found anywhere in the stack,
//     because the work itself runs in generic runtime code.
//  2. Otherwise the first frame, from the leaf, whose package is not
//     generic decides: the standard library (except net/http and the
//     profilers), the runtime, and small shared libraries (attribute sets,
//     the trace API, client_golang's counters, hashing) are generic, so
//     their cost is charged to whoever called them. An allocation
//     (runtime.mallocgc) under the SDK's span start is span start.
//  3. A non-generic frame that no rule names is the application's: for a
//     user's service that is its own code and its libraries.
//  4. A stack of generic frames only is [Runtime] when it holds a runtime
//     frame (the scheduler, netpoll, timers, the profiler's _System and
//     _ExternalCode pseudo-frames), else [Other].
//
// [Attribute] sums a profile's CPU samples by component. The package is
// pure: it reads a profile and knows nothing of runs or reports.
package pprofmap
