package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// cellProfile is two short cells: the baseline, then one traced variant.
const cellProfile = `name: cell
rates: [200]
duration: 3s
warmup: 200ms
timeout: 5s
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
    batch_timeout: 200ms
`

// wrapTarget writes a shell script that stands in for the batch variant's
// target: script, with $TARGET the real one. The baseline is the real one.
func wrapTarget(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "target.sh")
	body := "#!/bin/sh\nTARGET=" + targetBinary(t) + "\n" +
		`case "$*" in *"-variant none"*) exec "$TARGET" "$@";; esac` + "\n" + script + "\n"
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCell runs cellProfile against bin and returns the batch variant's
// cell, whatever its status, failing the test unless the baseline's cell
// is ok and finished.
func runCell(t *testing.T, bin string) results.Cell {
	t.Helper()
	p, err := profile.Parse("cell.yaml", []byte(cellProfile))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Run(context.Background(), Options{Profile: p, TargetBin: bin, ResultsRoot: t.TempDir(), StartTimeout: 10 * time.Second})
	if dir == "" {
		t.Fatalf("run: %v", err)
	}
	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var batch *results.Cell
	for i, c := range l.Cells {
		switch {
		case c.Variant == "batch":
			batch = &l.Cells[i]
		case c.Status != results.StatusOK:
			t.Errorf("baseline cell: %s: %s", c.Status, c.Error)
		case c.Finished.Before(c.Started):
			t.Errorf("baseline cell: started %v, finished %v", c.Started, c.Finished)
		}
	}
	if batch == nil {
		t.Fatalf("no batch cell among %d", len(l.Cells))
	}
	return *batch
}

// TestCellFinished checks that cell.json says when the cell finished,
// however it ended.
func TestCellFinished(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		status results.Status
	}{
		// A measured cell.
		{"ok", `exec "$TARGET" "$@"`, results.StatusOK},
		// A target that never starts: the cell fails early.
		{"no start", "echo 'simulated crash' >&2; exit 3", results.StatusFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().UTC()
			c := runCell(t, wrapTarget(t, tc.script))
			if c.Status != tc.status {
				t.Fatalf("status %s (%s), want %s", c.Status, c.Error, tc.status)
			}
			if c.Finished.Before(c.Started) || c.Finished.Before(before) || c.Finished.After(time.Now().UTC()) {
				t.Errorf("started %v, finished %v: want finished after the start, by now", c.Started, c.Finished)
			}
		})
	}
}

// TestTargetCrashCause checks that a target that dies during the attack
// fails its cell with how it died and what it said last.
func TestTargetCrashCause(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		want   []string // substrings of the cell's error
	}{
		// Killed by a signal: the target itself, after the wrapper's exec.
		{"signal", `( /usr/bin/sleep 1.5; echo 'about to be killed' >&2; kill -KILL $$ ) & exec "$TARGET" "$@"`,
			[]string{"signal: killed", "about to be killed"}},
		// Exits 3: the wrapper, whose child is the target.
		{"exit 3", `"$TARGET" "$@" & pid=$!; /usr/bin/sleep 1.5; echo 'simulated crash' >&2; kill -KILL $pid; exit 3`,
			[]string{"exit status 3", "simulated crash"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := runCell(t, wrapTarget(t, tc.script))
			if c.Status != results.StatusFailed {
				t.Fatalf("status %s (%s), want failed", c.Status, c.Error)
			}
			for _, w := range tc.want {
				if !strings.Contains(c.Error, w) {
					t.Errorf("error %q lacks %q", c.Error, w)
				}
			}
			if c.Load.Requests == 0 {
				t.Errorf("no requests measured: the target died before the attack")
			}
		})
	}
}
