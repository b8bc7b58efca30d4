package targetbuild

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/otelbench/otelbench"
)

// repoCache is the repository's git-ignored cache, which these tests share
// with the runner's: once warm, a build is a lookup.
const repoCache = "../../.cache/targets"

// oldRelease is a release before the self-observability switch, so that
// the compatibility layer's build tag is exercised.
const oldRelease = "v1.38.0"

// TestBuild builds the target against an older release (or finds it in
// the cache) and checks what the binary links.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a target: not in -short")
	}
	b := &Builder{Cache: repoCache, Log: testLog{t}}
	res, err := b.Build(context.Background(), Set{SDK: oldRelease})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, oldRelease)
	if !slices.Contains(res.Tags, "otelbench_no_sdk_observability") {
		t.Errorf("tags %v leave in the self-observability that %s lacks", res.Tags, oldRelease)
	}
	// The second call is a lookup.
	again, err := b.Build(context.Background(), Set{SDK: oldRelease})
	if err != nil || !again.Cached || again.Bin != res.Bin {
		t.Errorf("second Build = %+v, %v; want the cached %s", again, err, res.Bin)
	}
}

// TestBuildConcurrent builds one set twice at once into an empty cache:
// one builds, the other waits for the lock and finds the build.
func TestBuildConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a target: not in -short")
	}
	cache := t.TempDir()
	var wg sync.WaitGroup
	results := make([]Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &Builder{Cache: cache}
			results[i], errs[i] = b.Build(context.Background(), Set{SDK: oldRelease})
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		checkResult(t, results[i], oldRelease)
	}
	if results[0].Bin != results[1].Bin || results[0].Cached == results[1].Cached {
		t.Errorf("builds %+v and %+v: want one built and one found", results[0], results[1])
	}
	left, _ := filepath.Glob(filepath.Join(cache, "*.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

// TestBuildUnknownRelease checks that a release the proxy does not have
// is an *Error that names it.
func TestBuildUnknownRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("asks the module proxy: not in -short")
	}
	b := &Builder{Cache: t.TempDir()}
	_, err := b.Build(context.Background(), Set{SDK: "v1.99.0"})
	var be *Error
	if !errors.As(err, &be) || be.Step != "fetching" || !strings.Contains(be.First, "v1.99.0") {
		t.Fatalf("Build(v1.99.0) = %v, want a fetching *Error naming v1.99.0", err)
	}
}

// TestBuildCompileError builds sources that do not compile: the error is
// the first compile error, with its file and line in the generated module.
func TestBuildCompileError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: not in -short")
	}
	gomod, err := otelbench.TargetSource.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	src := fstest.MapFS{
		"go.mod":                       {Data: gomod},
		"cmd/otelbench-target/main.go": {Data: []byte("package main\n\nimport \"go.opentelemetry.io/otel\"\n\nfunc main() {\n\totel.NoSuchFunction()\n}\n")},
	}
	b := &Builder{Cache: t.TempDir(), Source: src, Packages: []string{"cmd/otelbench-target"}}
	_, err = b.Build(context.Background(), Set{SDK: "v1.47.0"})
	var be *Error
	if !errors.As(err, &be) || be.Step != "building" {
		t.Fatalf("Build = %v, want a building *Error", err)
	}
	if want := "cmd/otelbench-target/main.go:6:7: undefined: otel.NoSuchFunction"; be.First != want {
		t.Errorf("first error %q, want %q", be.First, want)
	}
	if _, err := os.Stat(be.Log); err != nil {
		t.Errorf("the whole output is not kept: %v", err)
	}
}

// checkResult checks that a built target links the SDK at sdk and
// otelhttp at the release resolved for it.
func checkResult(t *testing.T, res Result, sdk string) {
	t.Helper()
	for _, m := range []string{ModOtel, ModSDK, ModTrace, ModOTLPTraceGRPC} {
		if res.Modules[m] != sdk {
			t.Errorf("%s links %s %s, want %s", res.Bin, m, res.Modules[m], sdk)
		}
	}
	if res.Set.Otelhttp == "" || res.Modules[ModOtelhttp] != res.Set.Otelhttp {
		t.Errorf("otelhttp resolved to %q, linked %q", res.Set.Otelhttp, res.Modules[ModOtelhttp])
	}
	if _, err := os.Stat(res.Bin); err != nil {
		t.Error(err)
	}
}

// testLog writes the builder's lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
