package results

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// t0 is the start of every test run.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// writeRun writes a run directory of two planned cells, the first of them
// measured, with the given status, and returns its path.
func writeRun(t *testing.T, status Status) string {
	t.Helper()
	p, err := profile.Parse("t.yaml", []byte("name: t\nrates: [100]\nduration: 1s\nvariants:\n  - {name: none, kind: none}\n  - {name: batch, kind: batch}\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Create(t.TempDir(), p.Name, t0)
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{CellDirName(0, "none", 100, 1), CellDirName(1, "batch", 100, 1)}
	run := Run{Schema: SchemaVersion, ID: filepath.Base(dir), Status: status, Started: t0, Profile: p, Cells: cells}
	if err := WriteJSON(filepath.Join(dir, RunFile), run); err != nil {
		t.Fatal(err)
	}
	cell := Cell{Schema: SchemaVersion, Index: 0, Rep: 1, Rate: 100, Variant: "none", Kind: profile.KindNone, Dir: cells[0], Status: StatusOK}
	if err := os.MkdirAll(filepath.Join(dir, CellsDir, cells[0]), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(filepath.Join(dir, CellsDir, cells[0], CellFile), cell); err != nil {
		t.Fatal(err)
	}
	return dir
}
