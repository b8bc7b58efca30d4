package results

import (
	"encoding/json"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// SchemaVersion is the version of the run.json and cell.json layout. It grows
// when a field changes meaning or disappears, not when one is added.
const SchemaVersion = 1

// Status says how far a run or a cell got.
type Status string

// The statuses of runs and cells.
const (
	StatusRunning     Status = "running"     // being measured now, or its process died (Loaded.Dead)
	StatusComplete    Status = "complete"    // every cell ran (some may have failed)
	StatusInterrupted Status = "interrupted" // stopped early (Ctrl-C); what was measured is kept
	StatusOK          Status = "ok"          // a cell measured as planned
	StatusFailed      Status = "failed"      // a cell whose target failed to start or crashed
)

// Run is run.json: what was asked, on what machine, with which settings.
type Run struct {
	Schema   int              `json:"schema"`
	ID       string           `json:"id"`
	Status   Status           `json:"status"`
	Started  time.Time        `json:"started"`
	Finished time.Time        `json:"finished,omitzero"`
	Profile  *profile.Profile `json:"profile"`
	// Seed is the seed of the cells' shuffled order: put it in the profile
	// (seed:) to measure in the same order again.
	Seed uint64 `json:"seed"`
	// Pinning, when set, gives the CPUs otelbench and the targets ran on.
	Pinning     any            `json:"pinning,omitempty"`
	Environment Environment    `json:"environment"`
	Sink        SinkInfo       `json:"sink"`
	Variants    []VariantSetup `json:"variants"`
	// Service, when set, is the user's own service the run measured
	// instead of the bundled target.
	Service *ServiceInfo `json:"service,omitempty"`
	// Cells is the planned order of the cells, as directory names under cells/.
	Cells []string `json:"cells"`
}

// ServiceInfo is the user's service a run measured (-cmd).
type ServiceInfo struct {
	Command string `json:"command"`
	URL     string `json:"url"`
	// SpansGiven is -spans, 0 when left out.
	SpansGiven int `json:"spans_given,omitempty"`
	// Env holds the user's -env variables.
	Env map[string]string `json:"env,omitempty"`
}

// Environment is the fingerprint of the machine and build a run measured on.
type Environment struct {
	GoVersion  string    `json:"go_version"`
	OS         string    `json:"os"`
	Arch       string    `json:"arch"`
	CPUModel   string    `json:"cpu_model"`
	NumCPU     int       `json:"num_cpu"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	Kernel     string    `json:"kernel,omitempty"`
	Hostname   string    `json:"hostname,omitempty"`
	Commit     string    `json:"commit"`
	Dirty      bool      `json:"dirty,omitempty"`
	TargetBin  string    `json:"target_bin"`
	Recorded   time.Time `json:"recorded"`
	// OTelEnv holds every OTEL_* variable of otelbench's own environment.
	// Targets do not inherit them; they are kept to explain a surprise.
	OTelEnv map[string]string `json:"otel_env,omitempty"`
}

// SinkInfo describes the collector the targets exported to.
type SinkInfo struct {
	Kind     string        `json:"kind"` // "embedded"
	Endpoint string        `json:"endpoint"`
	Delay    time.Duration `json:"delay_ns"`
	// Faults describes, one line each, the misbehaviour the sink was set
	// to; empty for a well-behaved sink.
	Faults []string `json:"faults,omitempty"`
}

// VariantSetup is exactly what a variant's targets were started with.
type VariantSetup struct {
	Name string       `json:"name"`
	Kind profile.Kind `json:"kind"`
	// Env is the whole environment of the target process: nothing else is inherited.
	Env map[string]string `json:"env"`
	// Args are the target's command-line flags.
	Args []string `json:"args"`
	// Effective is the target's own report of the settings in effect, from its
	// ready line (the SDK's processor configuration), taken from the first cell.
	Effective json.RawMessage `json:"effective,omitempty"`
	// TargetBin is the target binary, when it is not Environment.TargetBin:
	// one built against the variant's sdk_version (internal/targetbuild).
	TargetBin string `json:"target_bin,omitempty"`
	// Modules are the versions of the OpenTelemetry modules (and gRPC and
	// protobuf) the variant's target binary was really built with, read
	// from its build information before the first cell; empty for a
	// user's service.
	Modules map[string]string `json:"modules,omitempty"`
}

// The modules of VariantSetup.Modules that name a variant's releases.
const (
	// ModuleOtel is the OpenTelemetry Go API; the SDK is released with it.
	ModuleOtel = "go.opentelemetry.io/otel"
	// ModuleOtelhttp is the net/http instrumentation.
	ModuleOtelhttp = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)
