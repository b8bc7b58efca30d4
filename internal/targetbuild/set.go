package targetbuild

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/semver"
)

// Module paths the target is built with.
const (
	ModOtel          = "go.opentelemetry.io/otel"
	ModSDK           = "go.opentelemetry.io/otel/sdk"
	ModTrace         = "go.opentelemetry.io/otel/trace"
	ModMetric        = "go.opentelemetry.io/otel/metric"
	ModSDKMetric     = "go.opentelemetry.io/otel/sdk/metric"
	ModOTLPTrace     = "go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	ModOTLPTraceGRPC = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	ModOTLPTraceHTTP = "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	ModPrometheus    = "go.opentelemetry.io/otel/exporters/prometheus"
	ModOtelhttp      = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// sdkModules are the modules released together at the SDK's version.
var sdkModules = []string{ModOtel, ModSDK, ModTrace, ModMetric, ModSDKMetric, ModOTLPTrace, ModOTLPTraceGRPC, ModOTLPTraceHTTP}

// Set is the OpenTelemetry releases one build of the target uses.
type Set struct {
	// SDK is the release of go.opentelemetry.io/otel and the modules
	// released with it (sdk, trace, metric, sdk/metric, otlptrace,
	// otlptracegrpc, otlptracehttp), such as "v1.40.0".
	SDK string `json:"sdk"`
	// Otelhttp is the otelhttp release; "" builds with the newest contrib
	// release whose go.mod requires SDK.
	Otelhttp string `json:"otelhttp,omitempty"`
}

// String names the set as the progress lines and errors do:
// "otel v1.40.0" or "otel v1.40.0, otelhttp v0.64.0".
func (s Set) String() string {
	if s.Otelhttp == "" {
		return "otel " + s.SDK
	}
	return fmt.Sprintf("otel %s, otelhttp %s", s.SDK, s.Otelhttp)
}

// key names the set's cache directory: "otel-v1.40.0" or
// "otel-v1.40.0_otelhttp-v0.64.0".
func (s Set) key() string {
	if s.Otelhttp == "" {
		return "otel-" + s.SDK
	}
	return "otel-" + s.SDK + "_otelhttp-" + s.Otelhttp
}

// validate checks that both versions are releases, before they reach a
// command line or a directory name.
func (s Set) validate() error {
	if !semver.Valid(s.SDK) {
		return fmt.Errorf("sdk version %q is not a release version such as v1.40.0", s.SDK)
	}
	if s.Otelhttp != "" && !semver.Valid(s.Otelhttp) {
		return fmt.Errorf("otelhttp version %q is not a release version such as v0.65.0", s.Otelhttp)
	}
	return nil
}

// feature is a part of the target that releases before since lack: the
// files in targets/ that use it build only without tag, and those that
// stand in for it only with tag.
type feature struct {
	name, since, tag string
}

// features is the target's compatibility layer, oldest first. Nothing
// here fails to compile against older releases today; what they lack is
// behaviour the target would otherwise claim.
var features = []feature{
	{
		// v1.37 and v1.38 had only the trace SDK's experimental
		// OTEL_GO_X_SELF_OBSERVABILITY, with other metrics: the target
		// built for them never installs the meter provider, so its ready
		// line says observability false whatever the environment.
		name:  "the SDK's self-observability (OTEL_GO_X_OBSERVABILITY)",
		since: profile.ObservabilitySince,
		tag:   "otelbench_no_sdk_observability",
	},
}

// Tags returns the build tags that leave out what release sdk lacks.
func Tags(sdk string) []string {
	var tags []string
	for _, f := range features {
		if semver.Compare(sdk, f.since) < 0 {
			tags = append(tags, f.tag)
		}
	}
	return tags
}
