// Package targetbuild builds the bundled target (cmd/otelbench-target)
// against a chosen release of the OpenTelemetry Go SDK, so that a profile
// can measure the same service across SDK releases (a variant's
// sdk_version).
//
// A build is a generated module in the cache directory: this module's
// path, copies of the target's packages (otelbench.TargetSource, embedded
// in the binary, so the copies are the code otelbench was built from) and
// a go.mod that requires go.opentelemetry.io/otel, its sdk, trace, metric,
// sdk/metric, otlptrace and otlptracegrpc at the release, otelhttp at the
// contrib release that goes with it (the newest whose go.mod requires that
// release, found through the module proxy, or the one given), the otel
// Prometheus exporter likewise, and the other modules it imports (the
// Prometheus client, protobuf) at this module's versions, so the target's
// own instruments cost the same in every build, unless they require
// OpenTelemetry themselves (gRPC does, and would raise the release).
// `go mod tidy` fills in the rest as the release's modules require it, as
// a service that upgraded only OpenTelemetry would get it, and `go build`
// compiles it.
// Parts of the target that older releases lack are left out by build tags
// chosen by release (see Tags). The built binary's own build information
// is then checked against the release asked for.
//
// Each version set is built once per source and Go version, in
// <cache>/<set>-<hash>/, under a lock file, into a temporary directory
// that is renamed into place: two runs that build at once wait for each
// other, and a build that dies leaves nothing half done. Later runs find
// the binary and touch no network.
//
// The package runs the go command; it knows nothing of profiles or runs
// beyond the releases a profile may name.
package targetbuild
