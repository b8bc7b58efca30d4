package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// TestKilledRunIsDead kills otelbench (SIGKILL: no chance to write a final
// status) in the middle of a run: run.json still says running, and
// results.Open tells that its process is dead, with the cells measured.
func TestKilledRunIsDead(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(prof, []byte(fmt.Sprintf(shortProfile, "2s", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, otelbenchBin(), "run", "-q", "-profile", prof, "-results", root, "-target", targetBin())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if done, _ := filepath.Glob(filepath.Join(root, "*", "cells", "*", results.CellFile)); len(done) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no cell finished within a minute; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// While it runs, the run is not dead.
	if l, err := results.Open(onlyRun(t, root)); err != nil || l.Dead {
		t.Errorf("a running run: Dead %v, %v", l != nil && l.Dead, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	assertNoTargets(t)

	l, err := results.Open(onlyRun(t, root))
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Status != results.StatusRunning || !l.Dead || l.LastSeen.IsZero() {
		t.Errorf("killed run: status %s, Dead %v, LastSeen %v; want running, dead, and when it was last seen", l.Run.Status, l.Dead, l.LastSeen)
	}
	if len(l.Cells) < 1 || len(l.Cells) >= len(l.Run.Cells) {
		t.Errorf("%d of %d cells measured", len(l.Cells), len(l.Run.Cells))
	}
}
