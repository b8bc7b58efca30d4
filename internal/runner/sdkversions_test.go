package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
)

// repoTargetCache is the repository's git-ignored cache of built targets,
// shared with internal/targetbuild's tests: once warm, a build is a lookup.
const repoTargetCache = "../../.cache/targets"

const versionsProfile = `name: sdk-versions-e2e
rates: [300]
duration: 1s
warmup: 200ms
timeout: 5s
variants:
  - {name: none, kind: none}
  - {name: batch-old, kind: batch, sdk_version: v1.38.0}
  - {name: batch-new, kind: batch, sdk_version: v1.46.0}
`

// TestSDKVersions measures one short cell of a target built against each
// of two SDK releases and checks, from run.json, that each really was
// built against its release, and that the cells measured allocations.
func TestSDKVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two targets and measures: not in -short")
	}
	l, cells := runProfile(t, versionsProfile, Options{TargetCache: repoTargetCache})
	want := map[string]string{"batch-old": "v1.38.0", "batch-new": "v1.46.0"}
	for _, vs := range l.Run.Variants {
		sdk := vs.Modules["go.opentelemetry.io/otel/sdk"]
		switch w, versioned := want[vs.Name]; {
		case versioned && sdk != w:
			t.Errorf("variant %s was built with sdk %q, want %s (modules %v)", vs.Name, sdk, w, vs.Modules)
		case versioned && (vs.TargetBin == "" || !strings.Contains(vs.TargetBin, "otel-"+w)):
			t.Errorf("variant %s ran %q, not a build for %s", vs.Name, vs.TargetBin, w)
		case !versioned && vs.TargetBin != "":
			t.Errorf("the baseline ran %q, not the bundled target", vs.TargetBin)
		}
	}
	for name, c := range cells {
		if c.Alloc == nil || c.Alloc.Bytes == 0 || c.Alloc.Objects == 0 {
			t.Errorf("cell %s measured no allocation: %+v", name, c.Alloc)
		}
	}
}

// TestSDKVersionUnknown checks that a release that cannot be fetched is a
// profile error at its variant's sdk_version, before any run directory.
func TestSDKVersionUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("asks the module proxy: not in -short")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "p.yaml")
	yaml := strings.Replace(versionsProfile, "v1.46.0", "v1.99.0", 1)
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	_, err = Run(context.Background(), Options{Profile: p, TargetBin: targetBinary(t), ResultsRoot: root, TargetCache: repoTargetCache})
	var perr *profile.Error
	if !errors.As(err, &perr) || perr.Line != 9 || perr.Key != "variants[2].sdk_version" || !strings.Contains(perr.Msg, "v1.99.0") {
		t.Fatalf("Run = %v, want a profile error on line 9 at variants[2].sdk_version naming v1.99.0", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) > 0 {
		t.Errorf("a run directory was written: %v", entries)
	}
	t.Log(err)
}
