//go:build !otelbench_no_sdk_observability

package targets

// sdkObservabilityKeys are the variables the trace SDK (v1.39 to v1.47)
// reads, in order, to switch on its experimental self-observability: the
// first that is not empty decides. otlptracegrpc reads only the first.
//
// This file is the compatibility layer's default; internal/targetbuild
// builds the target for releases before v1.39 with the build tag
// otelbench_no_sdk_observability, which takes observability_none.go
// instead.
var sdkObservabilityKeys = []string{"OTEL_GO_X_OBSERVABILITY", "OTEL_GO_X_SELF_OBSERVABILITY"}
