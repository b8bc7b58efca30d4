//go:build otelbench_no_sdk_observability

package targets

// sdkObservabilityKeys is empty for SDK releases before v1.39, which have
// no OTEL_GO_X_OBSERVABILITY (v1.37 and v1.38 had only the trace SDK's
// OTEL_GO_X_SELF_OBSERVABILITY, with other metrics): the target never
// installs the meter provider for the SDK's metrics, and its ready line
// says observability false, rather than claim counts the SDK does not
// keep. internal/targetbuild picks this file by release (its build tag).
var sdkObservabilityKeys []string
