package pprofmap

// Component is one part of a service's CPU time, as the mapping names it.
type Component string

// The components, in the order reports list them.
const (
	// App is the application's own work: the handler, its libraries, and
	// any code no rule names.
	App Component = "app"
	// NetHTTP is the net/http server: reading and parsing requests,
	// routing, writing responses (and the syscalls under them).
	NetHTTP Component = "net/http"
	// Otelhttp is otelhttp with semconv, the propagators and baggage, and
	// the metric API it records on (a noop MeterProvider included).
	Otelhttp Component = "otelhttp"
	// SDKStart is the SDK's span start: the tracer, ids, the new span and
	// its allocation.
	SDKStart Component = "sdk.start"
	// SDKAttributes is the SDK setting and limiting span attributes.
	SDKAttributes Component = "sdk.attributes"
	// SDKSampler is the SDK's sampler.
	SDKSampler Component = "sdk.sampler"
	// SDKEnd is the SDK's span end: the snapshot handed to the processor.
	SDKEnd Component = "sdk.end"
	// Processor is the span processor: the batch processor's queue and
	// worker, or the simple processor.
	Processor Component = "processor"
	// Export is the OTLP exporter's transform of spans into OTLP and the
	// protobuf marshal.
	Export Component = "export"
	// Transport is the exporter's gRPC or HTTP client and the net/http
	// client side.
	Transport Component = "transport"
	// Harness is what otelbench adds to the bundled target to measure it:
	// the timing wrappers around the processor and exporter, and the
	// profiler itself.
	Harness Component = "harness"
	// GCAssist is garbage collection done by allocating goroutines.
	GCAssist Component = "gc.assist"
	// GCBackground is the GC's background mark workers, sweeper and
	// scavenger.
	GCBackground Component = "gc.background"
	// Runtime is the scheduler and the rest of the runtime.
	Runtime Component = "runtime"
	// Other is a sample of generic library code only, with no runtime
	// frame and no caller the mapping can place.
	Other Component = "other"
)

// Components lists every component in report order.
var Components = []Component{
	App, NetHTTP, Otelhttp,
	SDKStart, SDKAttributes, SDKSampler, SDKEnd,
	Processor, Export, Transport, Harness,
	GCAssist, GCBackground, Runtime, Other,
}

// labels are the components' names for people.
var labels = map[Component]string{
	App:           "application work",
	NetHTTP:       "net/http server",
	Otelhttp:      "otelhttp and semconv",
	SDKStart:      "SDK span start",
	SDKAttributes: "SDK attributes",
	SDKSampler:    "SDK sampler",
	SDKEnd:        "SDK span end",
	Processor:     "span processor (queue, worker)",
	Export:        "OTLP transform and marshal",
	Transport:     "gRPC/HTTP transport",
	Harness:       "otelbench harness (timing wrappers, profiler)",
	GCAssist:      "GC assist",
	GCBackground:  "GC background",
	Runtime:       "scheduler and rest of runtime",
	Other:         "other (generic code, no caller)",
}

// Label is c's name for people ("SDK span start"); c itself when unknown.
func (c Component) Label() string {
	if l, ok := labels[c]; ok {
		return l
	}
	return string(c)
}

// Tracing reports whether c is code that only a traced service runs:
// otelhttp, the SDK, the processor, the exporter and its transport.
func (c Component) Tracing() bool {
	switch c {
	case Otelhttp, SDKStart, SDKAttributes, SDKSampler, SDKEnd, Processor, Export, Transport:
		return true
	}
	return false
}
