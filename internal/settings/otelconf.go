package settings

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// OtelConfFileFormat is the declarative configuration schema OtelConf
// writes: opentelemetry-configuration v1.0.0, the schema the root package
// of go.opentelemetry.io/contrib/otelconf (v0.27.0) models.
const OtelConfFileFormat = "1.0"

// DefaultOTLPEndpoint is the endpoint OtelConf writes when given none: the
// schema's default for otlp_grpc, spelt out with its scheme.
const DefaultOTLPEndpoint = "http://localhost:4317"

// OtelConf returns t as an OpenTelemetry declarative configuration file,
// the YAML that go.opentelemetry.io/contrib/otelconf reads from
// OTEL_CONFIG_FILE: a tracer provider with t's processor (batch, every
// option spelt out, or simple for ProcessorSync), an OTLP gRPC exporter to
// endpoint (DefaultOTLPEndpoint when empty; insecure for http://) with
// t's timeout, the sampler ParentBased with a TraceIDRatioBased or
// AlwaysOn root, and the tracecontext and baggage propagators, without
// which ParentBased never sees an inbound parent. Durations are whole
// milliseconds, rounded up.
//
// The batch options are written as Batch.Clamped gives them, as the SDK
// makes them from the OTEL_BSP_* variables otelbench measures with: from
// the file they become options, which the SDK does not clamp. What the
// schema cannot express (CodeOnly: blocking, a retry policy other than the
// exporter's default) is written as a comment that says what the file
// gives instead. ProcessorNone writes no tracer provider, which otelconf
// makes a noop one.
//
// It fails on settings Batch.Validate rejects, on an unknown processor and
// on an endpoint that is not an http:// or https:// URL with a host.
func (t Tracing) OtelConf(endpoint string) ([]byte, error) {
	if endpoint == "" {
		endpoint = DefaultOTLPEndpoint
	}
	root := mapping(field{"file_format", str(OtelConfFileFormat), ""})
	switch t.Processor {
	case ProcessorNone, "":
		root.Content[0].HeadComment = "No tracing: no tracer_provider, so otelconf makes a noop tracer provider."
		return encode(root)
	case ProcessorSync, ProcessorBatch:
	default:
		return nil, fmt.Errorf("otelconf: processor %q: want %q, %q or %q", t.Processor, ProcessorBatch, ProcessorSync, ProcessorNone)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("otelconf: endpoint %q: want an http:// or https:// URL with a host, such as %s", endpoint, DefaultOTLPEndpoint)
	}

	exporter := mapping(
		field{"endpoint", str(endpoint), ""},
		field{"timeout", integer(ceilMillis(t.Exporter.Timeout)), timeoutComment(t.Exporter.Timeout)},
	)
	if u.Scheme == "http" {
		exporter.Content = append(exporter.Content, mapping(field{"tls", mapping(field{"insecure", boolean(true), ""}), "Plaintext, as the http:// scheme already says."}).Content...)
	}
	exporterOf := mapping(field{"otlp_grpc", exporter, "OTLP over gRPC.\n" + retryComment(t.Exporter.Retry)})

	var processor *yaml.Node
	if t.Processor == ProcessorSync {
		processor = mapping(field{"simple", mapping(field{"exporter", exporterOf, ""}),
			"Simple span processor (sdktrace.WithSyncer): every span is exported on the\n" +
				"goroutine that ends it, under one lock, bounded only by the exporter's timeout."})
	} else {
		b := t.Batch.Clamped()
		if err := b.Validate(); err != nil {
			return nil, fmt.Errorf("otelconf: %w", err)
		}
		batch := mapping(
			field{"schedule_delay", integer(ceilMillis(b.BatchTimeout)), "Milliseconds between exports (WithBatchTimeout, OTEL_BSP_SCHEDULE_DELAY)."},
			field{"export_timeout", integer(ceilMillis(b.ExportTimeout)), "Bound on one export in milliseconds, 0 for none (WithExportTimeout,\nOTEL_BSP_EXPORT_TIMEOUT)."},
			field{"max_queue_size", integer(b.QueueSize), "Spans the queue holds (WithMaxQueueSize, OTEL_BSP_MAX_QUEUE_SIZE)."},
			field{"max_export_batch_size", integer(b.MaxExportBatchSize), "Spans that make the worker export at once (WithMaxExportBatchSize,\nOTEL_BSP_MAX_EXPORT_BATCH_SIZE)."},
			field{"exporter", exporterOf, ""},
		)
		processor = mapping(field{"batch", batch, "Batch span processor (sdktrace.WithBatcher). Every option is written, so\n" +
			"no OTEL_BSP_* variable in the environment changes it.\n" + blockingComment(b.Blocking)})
	}

	samplerRoot := mapping(field{"always_on", null(), "Keep every root span: the SDK's default."})
	if t.Sampled() {
		samplerRoot = mapping(field{"trace_id_ratio_based", mapping(field{"ratio", float(t.SampleRatio), ""}),
			"A root span is kept with this probability, from its trace id."})
	}
	tracer := mapping(
		field{"processors", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{processor}}, ""},
		field{"sampler", mapping(field{"parent_based", mapping(field{"root", samplerRoot, ""}),
			"ParentBased: a span with a parent follows its parent's decision."}), ""},
	)
	root.Content = append(root.Content, mapping(
		field{"propagator", mapping(field{"composite", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{
			mapping(field{"tracecontext", null(), ""}), mapping(field{"baggage", null(), ""}),
		}}, ""}), "W3C trace context and baggage, as otelbench's targets use: without them\n" +
			"ParentBased never sees an inbound traceparent. Install them with\n" +
			"otel.SetTextMapPropagator(sdk.Propagator())."},
		field{"tracer_provider", tracer, ""},
	).Content...)
	root.Content[0].HeadComment = "OpenTelemetry declarative configuration of the span pipeline otelbench\n" +
		"recommends, for OTEL_CONFIG_FILE (go.opentelemetry.io/contrib/otelconf).\n" +
		"It configures tracing only: without meter_provider and logger_provider,\n" +
		"otelconf makes those noop."
	return encode(root)
}

// timeoutComment says what the exporter's timeout bounds, and what otelconf
// does with 0.
func timeoutComment(d time.Duration) string {
	if d <= 0 {
		return "Bound on one export in milliseconds, every retry included: 0 is none in\n" +
			"the schema, but otelconf for Go ignores 0 and keeps the exporter's default, 10000."
	}
	return "Bound on one export in milliseconds, every retry included (WithTimeout,\nOTEL_EXPORTER_OTLP_TIMEOUT)."
}

// retryComment says which retry policy an exporter built from the file
// gets, since the schema has none.
func retryComment(r Retry) string {
	def := DefaultRetry()
	defText := fmt.Sprintf("(initial interval %v, max interval %v, max elapsed %v)", def.InitialInterval, def.MaxInterval, def.MaxElapsedTime)
	if r == def {
		return "The schema has no retry policy: the exporter keeps its default, the one\nrecommended " + defText + "."
	}
	want := "(no retry)"
	if r.Enabled {
		want = fmt.Sprintf("(initial interval %v, max interval %v, max elapsed %v)", r.InitialInterval, r.MaxInterval, r.MaxElapsedTime)
	}
	return "The schema has no retry policy: the exporter keeps its default\n" + defText + ", not the one\n" +
		"recommended " + want + ",\nwhich needs code: otlptracegrpc.WithRetry."
}

// blockingComment says what a full queue does, since the schema has no
// blocking option.
func blockingComment(blocking bool) string {
	if blocking {
		return "The schema has no blocking option: from this file a full queue drops spans,\n" +
			"while the recommendation blocks (sdktrace.WithBlocking), which needs code."
	}
	return "A full queue drops spans: the schema has no blocking option, and not\nblocking is what is recommended."
}

// field is one key of a YAML mapping with its value and the comment above
// it (lines without "# ").
type field struct {
	key     string
	value   *yaml.Node
	comment string
}

// mapping is a YAML mapping of fields in order.
func mapping(fields ...field) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range fields {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: f.key, HeadComment: strings.TrimSpace(f.comment)}, f.value)
	}
	return n
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

func str(s string) *yaml.Node        { return scalar("!!str", s) }
func integer(i int) *yaml.Node       { return scalar("!!int", strconv.Itoa(i)) }
func float(x float64) *yaml.Node     { return scalar("!!float", strconv.FormatFloat(x, 'f', -1, 64)) }
func boolean(b bool) *yaml.Node      { return scalar("!!bool", strconv.FormatBool(b)) }
func null() *yaml.Node               { return scalar("!!null", "") }
func ceilMillis(d time.Duration) int { return int(max(0, (d+time.Millisecond-1)/time.Millisecond)) }

// encode writes root as a YAML document indented by two spaces, the
// layout of the schema's examples.
func encode(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("otelconf: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("otelconf: %w", err)
	}
	return buf.Bytes(), nil
}
