package targetbuild

import (
	"debug/buildinfo"
	"fmt"
	"strings"
)

// Modules returns, from the build information of the Go binary at bin
// (what `go version -m` prints), the version of every module that shapes
// what the target's tracing costs: every go.opentelemetry.io module, gRPC
// and protobuf. A replaced module has the version of its replacement.
func Modules(bin string) (map[string]string, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("reading the build information of %s: %w", bin, err)
	}
	mods := map[string]string{}
	for _, d := range info.Deps {
		if !costShaping(d.Path) {
			continue
		}
		v := d.Version
		if d.Replace != nil && d.Replace.Version != "" {
			v = d.Replace.Version
		}
		mods[d.Path] = v
	}
	return mods, nil
}

// costShaping reports whether the module at path is one Modules records.
func costShaping(path string) bool {
	return strings.HasPrefix(path, "go.opentelemetry.io/") ||
		path == "google.golang.org/grpc" || path == "google.golang.org/protobuf"
}

// mustMatch are the modules a built target links in every build, whose
// versions must be the ones asked for.
var mustMatch = []string{ModOtel, ModSDK, ModTrace, ModOTLPTraceGRPC, ModOtelhttp}

// check compares the modules a built binary links with the releases r
// asked for: a dependency that raised one of them (minimal version
// selection takes the highest requirement) would measure another release.
func check(mods map[string]string, r resolved) error {
	want := map[string]string{ModOtelhttp: r.Otelhttp, ModPrometheus: r.Prometheus}
	for _, m := range sdkModules {
		want[m] = r.SDK
	}
	for _, m := range sortedKeys(want) {
		got, linked := mods[m]
		switch {
		case !linked && contains(mustMatch, m):
			return fmt.Errorf("the built target does not link %s", m)
		case linked && got != want[m]:
			return fmt.Errorf("the built target links %s %s, not %s: a dependency requires the newer one", m, got, want[m])
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
