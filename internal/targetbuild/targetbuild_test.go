package targetbuild

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/otelbench/otelbench"
)

func TestRequirements(t *testing.T) {
	gomod := []byte(`module x

go 1.22.0

require go.opentelemetry.io/otel v1.34.0 // a single line

require (
	github.com/a/b v1.0.0
	// a comment line
	github.com/c/d v0.2.0 // indirect
)

replace go.opentelemetry.io/otel => ../..
`)
	for _, c := range []struct {
		mod, want string
	}{
		{"go.opentelemetry.io/otel", "v1.34.0"}, // on a require line
		{"github.com/a/b", "v1.0.0"},            // in a block
		{"github.com/c/d", "v0.2.0"},            // indirect counts
		{"github.com/e/f", ""},                  // not required
	} {
		if got := requiredVersion(gomod, c.mod); got != c.want {
			t.Errorf("requiredVersion(%s) = %q, want %q", c.mod, got, c.want)
		}
	}
	if got := goDirective(gomod); got != "1.22.0" {
		t.Errorf("goDirective = %q", got)
	}
}

func TestFirstError(t *testing.T) {
	for _, c := range []struct {
		name, out, want string
	}{
		{
			// The compile error, not the package header or the progress.
			name: "compile",
			out:  "go: downloading x v1\n# github.com/otelbench/otelbench/targets\ntargets/a.go:12:3: undefined: otelprom.WithoutTargetInfo\ntargets/b.go:1:1: other",
			want: "targets/a.go:12:3: undefined: otelprom.WithoutTargetInfo",
		},
		{
			// A fetch error with its indented continuation.
			name: "fetch",
			out:  "go: downloading go.opentelemetry.io/otel v1.99.0\ngo: go.opentelemetry.io/otel/sdk@v1.99.0: reading https://proxy.golang.org/x: 404 Not Found\n\tserver response: not found",
			want: "go: go.opentelemetry.io/otel/sdk@v1.99.0: reading https://proxy.golang.org/x: 404 Not Found server response: not found",
		},
		{
			// Nothing but progress: the last line.
			name: "progress only",
			out:  "go: downloading a v1\ngo: downloading b v2\n",
			want: "go: downloading b v2",
		},
	} {
		if got := firstError(c.out); got != c.want {
			t.Errorf("%s: firstError =\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
}

func TestTags(t *testing.T) {
	for _, c := range []struct {
		sdk  string
		want []string
	}{
		{"v1.34.0", []string{"otelbench_no_sdk_observability"}}, // the oldest accepted
		{"v1.38.0", []string{"otelbench_no_sdk_observability"}}, // the trace SDK's own experiment only
		{"v1.39.0", nil}, // OTEL_GO_X_OBSERVABILITY arrived
		{"v1.47.0", nil}, // the module's own
	} {
		if got := Tags(c.sdk); !slices.Equal(got, c.want) {
			t.Errorf("Tags(%s) = %v, want %v", c.sdk, got, c.want)
		}
	}
}

func TestSetNames(t *testing.T) {
	for _, c := range []struct {
		s         Set
		str, key  string
		validates bool
	}{
		{Set{SDK: "v1.40.0"}, "otel v1.40.0", "otel-v1.40.0", true},                                                         // resolved otelhttp
		{Set{SDK: "v1.40.0", Otelhttp: "v0.64.0"}, "otel v1.40.0, otelhttp v0.64.0", "otel-v1.40.0_otelhttp-v0.64.0", true}, // chosen otelhttp
		{Set{SDK: "../x"}, "otel ../x", "otel-../x", false},                                                                 // never reaches a path
	} {
		if c.s.String() != c.str || c.s.key() != c.key || (c.s.validate() == nil) != c.validates {
			t.Errorf("%+v: String %q key %q validate %v", c.s, c.s.String(), c.s.key(), c.s.validate())
		}
	}
}

// TestGoMod checks the generated requirements: the OpenTelemetry modules
// at the set's releases, the others at this module's versions, the go
// directive kept.
func TestGoMod(t *testing.T) {
	b := &Builder{}
	files, mainMod, _, err := b.sources()
	if err != nil {
		t.Fatal(err)
	}
	r := resolved{Set: Set{SDK: "v1.40.0", Otelhttp: "v0.65.0"}, Prometheus: "v0.62.0"}
	// As the builder decides from each module's go.mod: gRPC requires otel.
	pinnable := func(mod, _ string) (bool, error) { return mod != "google.golang.org/grpc", nil }
	gomod, err := goModFor(r, mainMod, files, pinnable)
	if err != nil {
		t.Fatal(err)
	}
	reqs := requirements(gomod)
	for mod, want := range map[string]string{
		ModOtel: "v1.40.0", ModSDK: "v1.40.0", ModTrace: "v1.40.0", ModOTLPTraceGRPC: "v1.40.0",
		ModPrometheus: "v0.62.0", ModOtelhttp: "v0.65.0",
		"github.com/prometheus/client_golang": requiredVersion(mainMod, "github.com/prometheus/client_golang"),
	} {
		if reqs[mod] != want {
			t.Errorf("go.mod requires %s %q, want %q\n%s", mod, reqs[mod], want, gomod)
		}
	}
	if _, ok := reqs["google.golang.org/grpc"]; ok {
		t.Errorf("go.mod pins grpc, which requires otel: tidy should choose it\n%s", gomod)
	}
	if goDirective(gomod) != goDirective(mainMod) {
		t.Errorf("go directive %q, want %q", goDirective(gomod), goDirective(mainMod))
	}
}

// TestTargetPackagesComplete checks that otelbench.TargetSource holds
// every package of this module that the target imports.
func TestTargetPackagesComplete(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "../../cmd/otelbench-target").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(p, mainModule+"/")
		if ok && !slices.Contains(otelbench.TargetPackages, rel) {
			t.Errorf("the target imports %s, which otelbench.TargetPackages (and the embed in targetsource.go) leave out", p)
		}
	}
	if otelbench.TargetPackages[0] != "cmd/otelbench-target" {
		t.Errorf("TargetPackages[0] = %s, want the main package", otelbench.TargetPackages[0])
	}
}

func TestCheck(t *testing.T) {
	r := resolved{Set: Set{SDK: "v1.40.0", Otelhttp: "v0.65.0"}, Prometheus: "v0.62.0"}
	good := map[string]string{ModOtel: "v1.40.0", ModSDK: "v1.40.0", ModTrace: "v1.40.0", ModOTLPTraceGRPC: "v1.40.0",
		ModOTLPTrace: "v1.40.0", ModOtelhttp: "v0.65.0", ModPrometheus: "v0.62.0"}
	if err := check(good, r); err != nil {
		t.Errorf("check(matching) = %v", err)
	}
	raised := map[string]string{}
	for k, v := range good {
		raised[k] = v
	}
	raised[ModSDK] = "v1.41.0"
	if err := check(raised, r); err == nil || !strings.Contains(err.Error(), "v1.41.0, not v1.40.0") {
		t.Errorf("check(raised) = %v", err)
	}
	delete(raised, ModSDK)
	if err := check(raised, r); err == nil || !strings.Contains(err.Error(), "does not link") {
		t.Errorf("check(missing) = %v", err)
	}
}

// TestModulesNotGo checks that a file that is not a Go binary is an
// error, not an empty list.
func TestModulesNotGo(t *testing.T) {
	if _, err := Modules("targetbuild_test.go"); err == nil {
		t.Error("Modules of a source file succeeded")
	}
}
