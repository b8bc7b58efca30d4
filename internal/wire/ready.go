package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// EventReady is the Event of a ready line.
const EventReady = "ready"

// Ready is the one JSON line the target writes to stdout once it listens:
// where it serves and the configuration actually in effect. The runner
// keeps it verbatim in cell.json (target.ready) and run.json (the
// variant's effective settings).
type Ready struct {
	// Event is always EventReady.
	Event string `json:"event"`
	// Addr is the host:port the target serves on; PID its process id.
	Addr string `json:"addr"`
	PID  int    `json:"pid"`
	// Variant is the target's -variant (targets.Variant).
	Variant    string `json:"variant"`
	GoVersion  string `json:"go_version"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// Processor is the span processor's configuration in effect, as the
	// SDK's MarshalLog reports it, verbatim: JSON null in the untraced
	// variant. DecodeProcessor reads it.
	Processor json.RawMessage `json:"processor"`
	// OtelEnv holds every OTEL_* variable of the target's environment.
	OtelEnv  map[string]string `json:"otel_env"`
	Workload Workload          `json:"workload"`
	Blocking bool              `json:"blocking"`
	// Observability is true when the SDK's self-observability metrics are
	// on (OTEL_GO_X_OBSERVABILITY=true in a traced variant) and exposed
	// with the target's own.
	Observability bool `json:"observability"`
	// The fields for `otelbench verify` appear only when set, so the
	// benchmark's ready line is unchanged: Mistake is targets.Mistake.
	Mistake    string `json:"mistake,omitempty"`
	Downstream string `json:"downstream,omitempty"`
	Handoff    bool   `json:"handoff,omitempty"`
}

// Workload is the target's simulated work per request as the ready line
// shows it: durations in Go's notation ("50µs").
type Workload struct {
	CPU        string `json:"cpu"`
	Sleep      string `json:"sleep"`
	ExtraSpans int    `json:"extra_spans"`
}

// Processor is the ready line's "processor": what the SDK's MarshalLog
// returns for its span processors (sdk/trace, v1.47). The batch processor
// reports its type, its exporter's Go type and its options in effect,
// after the OTEL_BSP_* variables and the options were applied; the simple
// processor reports only its type.
type Processor struct {
	// Type is "BatchSpanProcessor" or "SimpleSpanProcessor".
	Type string `json:"Type"`
	// SpanExporter is the exporter's Go type, such as "*otlptrace.Exporter".
	SpanExporter string `json:"SpanExporter,omitempty"`
	// Config is the batch processor's options; nil for the simple one.
	Config *BatchConfig `json:"Config,omitempty"`
}

// BatchConfig mirrors sdktrace.BatchSpanProcessorOptions as MarshalLog
// encodes it: durations in nanoseconds.
type BatchConfig struct {
	MaxQueueSize       int
	BatchTimeout       time.Duration
	ExportTimeout      time.Duration
	MaxExportBatchSize int
	BlockOnQueueFull   bool
}

// Names of the span processors in Processor.Type.
const (
	ProcessorBatch  = "BatchSpanProcessor"
	ProcessorSimple = "SimpleSpanProcessor"
)

// ParseReady decodes a ready line and checks that it is one: event
// "ready" and an address.
func ParseReady(line []byte) (Ready, error) {
	var r Ready
	if err := json.Unmarshal(line, &r); err != nil {
		return Ready{}, fmt.Errorf("ready line: %w", err)
	}
	if r.Event != EventReady {
		return Ready{}, fmt.Errorf("ready line: event %q, want %q", r.Event, EventReady)
	}
	if r.Addr == "" {
		return Ready{}, errors.New("ready line: no addr")
	}
	return r, nil
}

// DecodeProcessor decodes r.Processor; nil when the target runs no span
// processor (JSON null, or no field at all).
func (r Ready) DecodeProcessor() (*Processor, error) {
	if len(r.Processor) == 0 {
		return nil, nil
	}
	var p *Processor
	if err := json.Unmarshal(r.Processor, &p); err != nil {
		return nil, fmt.Errorf("ready line: processor: %w", err)
	}
	return p, nil
}
