package wire

// Names of the metrics the target exposes on /metrics and writes to the
// final metrics file.
//
// Every span that reaches OnEnd (MetricSpansEnded) ends in exactly one of
// four places: exported (MetricExportedSpans result="success"), failed
// (MetricExportFailedSpans, by gRPC code; their sum is MetricExportedSpans
// result="error"), dropped by a full batch queue, or lost at shutdown (still
// queued, or in an export still running, when the target exits). The
// shutdown gauges below split the last two; when the shutdown did not drain
// the queue, only the SDK's own queue_full count can
// (SDKMetricProcessorSpanProcessed). See MetricSpansUnexportedAtExit.
const (
	// MetricRequests counts /process requests served.
	MetricRequests = "otelbench_target_requests_total"
	// MetricSpansEnded counts spans that reached the span processor's OnEnd,
	// that is sampled spans ended. A span is counted as OnEnd is entered, so
	// the count never lags the spans handed to the exporter.
	MetricSpansEnded = "otelbench_target_spans_ended_total"
	// MetricOnEndSeconds is a histogram of the time spent inside the span
	// processor's OnEnd: how long the request path blocks on span export.
	MetricOnEndSeconds = "otelbench_target_span_processor_on_end_seconds"
	// MetricOnEndMaxSeconds is a gauge of the longest single OnEnd so far,
	// exact to the nanosecond, where MetricOnEndSeconds only knows buckets.
	MetricOnEndMaxSeconds = "otelbench_target_span_processor_on_end_max_seconds"
	// MetricExportSeconds is a histogram of the duration of each ExportSpans
	// call.
	MetricExportSeconds = "otelbench_target_export_duration_seconds"
	// MetricExportStartedSpans counts spans handed to ExportSpans, counted as
	// the call starts. Minus both series of MetricExportedSpans (counted as
	// the call returns) it is the spans in an export still running.
	MetricExportStartedSpans = "otelbench_target_export_started_spans_total"
	// MetricExportedSpans counts spans handed to ExportSpans, labelled
	// result="success" or result="error", counted when the call returns.
	MetricExportedSpans = "otelbench_target_exported_spans_total"
	// MetricExportFailedSpans counts spans handed to ExportSpans whose call
	// failed, labelled code= the name of the gRPC status code in the error
	// ("Unavailable", "DeadlineExceeded", ...). Its series
	// sum to MetricExportedSpans result="error". A series appears with its
	// first failure.
	MetricExportFailedSpans = "otelbench_target_export_failed_spans_total"
	// MetricExportErrors counts ExportSpans calls that returned an error.
	MetricExportErrors = "otelbench_target_export_errors_total"
	// MetricOtelErrors counts errors reported to the global OpenTelemetry
	// error handler.
	MetricOtelErrors = "otelbench_target_otel_errors_total"
	// MetricHeapAllocBytes counts the bytes the target has allocated on
	// the heap since it started (runtime/metrics /gc/heap/allocs:bytes).
	// The runner reads it from /metrics as the measured attack begins and
	// ends: the difference over the requests is the allocation per request.
	MetricHeapAllocBytes = "otelbench_target_heap_alloc_bytes_total"
	// MetricHeapAllocObjects counts the heap allocations since the target
	// started (/gc/heap/allocs:objects plus /gc/heap/tiny/allocs:objects,
	// as runtime.MemStats.Mallocs counts them), read as
	// MetricHeapAllocBytes is.
	MetricHeapAllocObjects = "otelbench_target_heap_alloc_objects_total"
	// MetricGCCycles counts the garbage collections the target has
	// completed since it started (runtime/metrics /gc/cycles/total:gc-cycles),
	// read as MetricHeapAllocBytes is.
	MetricGCCycles = "otelbench_target_gc_cycles_total"
	// MetricGCCPUSeconds is the runtime's estimate of the CPU time its
	// garbage collector has spent since the target started
	// (/cpu/classes/gc/total:cpu-seconds: mark assists, dedicated and
	// idle mark workers, and the stop-the-world pauses × GOMAXPROCS),
	// read as MetricHeapAllocBytes is.
	MetricGCCPUSeconds = "otelbench_target_gc_cpu_seconds_total"
	// MetricGoCPUSeconds is the runtime's estimate of the CPU time Go code
	// and the runtime have used since the target started
	// (/cpu/classes/total:cpu-seconds less /cpu/classes/idle:cpu-seconds).
	// The runtime documents its /cpu/classes as comparable only with each
	// other: the GC's share of the CPU is MetricGCCPUSeconds over this.
	MetricGoCPUSeconds = "otelbench_target_go_cpu_seconds_total"
)

// Names of the gauges a traced target records once, while shutting down:
// they are absent before, so only its final metrics file holds them. A
// target in the untraced variant never has them.
const (
	// MetricSpansEndedBeforeShutdown is MetricSpansEnded at the moment
	// shutdown began (SIGTERM): spans ended later ended while draining.
	MetricSpansEndedBeforeShutdown = "otelbench_target_spans_ended_before_shutdown"
	// MetricShutdownClean is 1 if the tracer provider's ForceFlush and
	// Shutdown both returned nil within the shutdown timeout, else 0 (also
	// when they were skipped, as with the no-flush mistake). Clean implies
	// MetricShutdownDrained. ForceFlush returns the error of its last
	// export, so a collector that fails the final flush makes a shutdown
	// unclean even though nothing was left behind.
	MetricShutdownClean = "otelbench_target_shutdown_clean"
	// MetricShutdownDrained is 1 if the tracer provider's Shutdown returned
	// nil within the shutdown timeout, else 0: the batch processor's worker
	// exported (or failed to export) everything left in its queue, no export
	// is still running and the exporter shut down. Then no span was lost at
	// shutdown, whatever ForceFlush returned.
	MetricShutdownDrained = "otelbench_target_shutdown_drained"
	// MetricSpansUnexportedAtExit is MetricSpansEnded minus
	// MetricExportStartedSpans, observed after the tracer provider's
	// Shutdown returned: the spans never handed to the exporter.
	//
	// They were either dropped by a full batch queue or lost at shutdown
	// (still queued, or ended after the processor stopped). After a drained
	// shutdown (MetricShutdownDrained 1, implied by MetricShutdownClean 1)
	// all of them were dropped and none lost. Otherwise only the SDK's
	// self-observability tells them apart: dropped is
	// SDKMetricProcessorSpanProcessed{error_type="queue_full"}, the rest is
	// lost. (That count includes one phantom drop when ForceFlush ran out of
	// time waiting for room in a full queue for its flush marker.) Spans in
	// an export still running at exit (MetricExportStartedSpans minus both
	// series of MetricExportedSpans, 0 when drained) are lost too. With
	// the sync variant nothing is ever dropped: every unexported span was lost.
	MetricSpansUnexportedAtExit = "otelbench_target_spans_unexported_at_exit"
)

// Names of the OpenTelemetry SDK's own metrics as the otel prometheus
// exporter (v0.69) renders them into the target's registry when the target
// starts with OTEL_GO_X_OBSERVABILITY=true.
// Every series carries the labels otel_scope_name, otel_scope_schema_url and
// otel_scope_version; those of a processor or exporter also carry
// otel_component_type and otel_component_name ("batching_span_processor" and
// "batching_span_processor/0", "simple_span_processor", "otlp_grpc_span_exporter"
// with server_address and server_port). For example:
//
//	otel_sdk_processor_span_processed_total{error_type="queue_full",otel_component_name="batching_span_processor/0",otel_component_type="batching_span_processor",otel_scope_name="go.opentelemetry.io/otel/sdk/trace/internal/observ",otel_scope_schema_url="https://opentelemetry.io/schemas/1.43.0",otel_scope_version="1.47.0"} 96
//
// A series appears with its first measurement: no queue_full series means
// no drop. The batch processor's queue gauges are unregistered when it shuts
// down, so they reach the final metrics file only when it never did (a
// ForceFlush that used up the shutdown timeout leaves the tracer provider's
// Shutdown nothing to work with); then queue_size is the spans left queued.
//
// The metrics pipeline observes itself as well: the prometheus exporter
// adds otel_sdk_exporter_metric_data_point_exported_total,
// otel_sdk_exporter_metric_data_point_inflight and series of
// SDKMetricExporterOperationDuration with its own otel_component_type, and
// the SDK's reader otel_sdk_metric_reader_collection_duration_seconds. Select
// otel_component_type="otlp_grpc_span_exporter" for span export.
const (
	// SDKMetricSpanStarted counts spans started (otel.sdk.span.started),
	// labelled otel_span_sampling_result and otel_span_parent_origin.
	SDKMetricSpanStarted = "otel_sdk_span_started_total"
	// SDKMetricSpanLive is the number of spans started and not yet ended
	// (otel.sdk.span.live), labelled otel_span_sampling_result.
	SDKMetricSpanLive = "otel_sdk_span_live"
	// SDKMetricProcessorSpanProcessed counts spans a span processor finished
	// with (otel.sdk.processor.span.processed). For the batch processor a
	// series without error_type counts spans handed to the exporter (as the
	// export starts), and error_type="queue_full" the spans it dropped
	// because the queue was full. The simple processor counts every span it
	// exports, before the export.
	SDKMetricProcessorSpanProcessed = "otel_sdk_processor_span_processed_total"
	// SDKMetricProcessorSpanQueueSize is the batch processor's queue length
	// (otel.sdk.processor.span.queue.size).
	SDKMetricProcessorSpanQueueSize = "otel_sdk_processor_span_queue_size"
	// SDKMetricProcessorSpanQueueCapacity is the batch processor's queue
	// capacity (otel.sdk.processor.span.queue.capacity).
	SDKMetricProcessorSpanQueueCapacity = "otel_sdk_processor_span_queue_capacity"
	// SDKMetricExporterSpanInflight is the number of spans in exports still
	// running (otel.sdk.exporter.span.inflight), from otlptracegrpc.
	SDKMetricExporterSpanInflight = "otel_sdk_exporter_span_inflight"
	// SDKMetricExporterSpanExported counts spans otlptracegrpc finished
	// exporting (otel.sdk.exporter.span.exported); failures carry
	// error_type, the Go type of the error, not its gRPC code.
	SDKMetricExporterSpanExported = "otel_sdk_exporter_span_exported_total"
	// SDKMetricExporterOperationDuration is a histogram of otlptracegrpc's
	// export calls (otel.sdk.exporter.operation.duration), labelled
	// rpc_response_status_code ("OK", "Unavailable", ...), and of the
	// prometheus exporter's collections.
	SDKMetricExporterOperationDuration = "otel_sdk_exporter_operation_duration_seconds"
)
