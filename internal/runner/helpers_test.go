package runner

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	goldenpkg "github.com/otelbench/otelbench/internal/golden"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenpkg.Check(t, filepath.Join("testdata", name), got, *update)
}

// mustParse parses a profile given one YAML line per argument.
func mustParse(t *testing.T, lines ...string) *profile.Profile {
	t.Helper()
	p, err := profile.Parse("test.yaml", []byte(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatalf("parsing test profile: %v", err)
	}
	return p
}

// runProfile runs a profile through the real runner with opts (Profile,
// ResultsRoot and, unless opts.Service is set, TargetBin filled in) and
// returns the run and its cells by variant, failing the test if any cell
// did not complete.
func runProfile(t *testing.T, yaml string, opts Options) (*results.Loaded, map[string]results.Cell) {
	t.Helper()
	p, err := profile.Parse(t.Name()+".yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	opts.Profile, opts.ResultsRoot = p, t.TempDir()
	if opts.Service == nil && opts.TargetBin == "" {
		opts.TargetBin = targetBinary(t)
	}
	dir, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]results.Cell{}
	for _, c := range l.Cells {
		if c.Status != results.StatusOK {
			t.Fatalf("cell %s: %s: %s", c.Dir, c.Status, c.Error)
		}
		cells[c.Variant] = c
	}
	return l, cells
}
