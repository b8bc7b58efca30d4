package profile

import (
	"path/filepath"
	"testing"
)

// TestShippedProfiles parses every profile in the repository's profiles/
// folder: a shipped profile that does not load is a bug users meet first.
func TestShippedProfiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "profiles", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 5 {
		t.Fatalf("found %d shipped profiles (%v), want at least 5", len(paths), paths)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if p.Baseline() == nil {
				t.Error("no baseline")
			}
		})
	}
}
