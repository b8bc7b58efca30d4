package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// File names inside a run directory.
const (
	RunFile     = "run.json"
	SummaryFile = "summary.json"
	ReportFile  = "report.md"
	BenchFile   = "bench.txt"
	CellsDir    = "cells"
	CellFile    = "cell.json"
	ResultsGob  = "results.gob"
	MetricsFile = "metrics.prom"
	TargetLog   = "target.log"
)

// TimeFormat names run directories: UTC, sortable, no colons.
const TimeFormat = "20060102T150405Z"

// Create makes a new run directory under root named <UTC time>-<name>. It
// never reuses an existing directory: on a collision it appends -2, -3, ….
func Create(root, name string, now time.Time) (string, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("creating results directory: %w", err)
	}
	base := now.UTC().Format(TimeFormat) + "-" + name
	for i := 1; i < 1000; i++ {
		dir := filepath.Join(root, base)
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", dir, i)
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, os.Mkdir(filepath.Join(dir, CellsDir), 0o755)
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("creating run directory: %w", err)
		}
	}
	return "", fmt.Errorf("creating run directory: too many runs named %s", base)
}

// CellDirName is the directory name of a cell: its index keeps the planned
// order visible in a listing.
func CellDirName(index int, variant string, rate, rep int) string {
	return fmt.Sprintf("%03d-%s-r%d-rep%d", index, variant, rate, rep)
}

// Loaded is a run read back from disk.
type Loaded struct {
	Path string
	Run  Run
	// Cells holds every cell that wrote its cell.json, in planned order.
	Cells []Cell
	// Unfinished names the planned cells with no cell.json (not run, or interrupted).
	Unfinished []string
	// Dead reports that run.json says the run is running but the process
	// measuring it is gone (killed, crashed, or the machine went down), so
	// it never will finish: nobody holds its LockFile. Cells holds what it
	// measured before it died. A run from before run locks, which has no
	// LockFile, is never Dead.
	Dead bool
	// LastSeen is, for a Dead run, the last sign of its process's life: the
	// latest modification time of a file in the run directory. The process
	// died after it. Zero unless Dead.
	LastSeen time.Time
}

// Open reads a run directory: run.json and every cell.json. A directory
// that is not a run, or whose run.json or a cell.json is empty, null,
// garbled or of another schema, is an *InvalidRunError.
func Open(path string) (*Loaded, error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		reason := "is not a run directory: not a directory"
		if errors.Is(err, fs.ErrNotExist) {
			reason = "is not a run directory: it does not exist"
		} else if err != nil {
			return nil, err
		}
		return nil, &InvalidRunError{Path: path, Reason: reason}
	}
	l := &Loaded{Path: path}
	runFile := filepath.Join(path, RunFile)
	if err := readRunFile(runFile, &l.Run, &l.Run.Schema); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &InvalidRunError{Path: path, Reason: "is not a run directory: no " + RunFile}
		}
		return nil, err
	}
	if l.Run.Profile == nil {
		return nil, &InvalidRunError{Path: runFile, Reason: "has no profile"}
	}
	names := l.Run.Cells
	if len(names) == 0 { // fall back to what is on disk
		entries, _ := os.ReadDir(filepath.Join(path, CellsDir))
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
	}
	for _, name := range names {
		var c Cell
		err := readRunFile(filepath.Join(path, CellsDir, name, CellFile), &c, &c.Schema)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			l.Unfinished = append(l.Unfinished, name)
		case err != nil:
			return nil, err
		default:
			l.Cells = append(l.Cells, c)
		}
	}
	l.markDead()
	return l, nil
}

// CellPath returns the path of a file in a cell's directory.
func (l *Loaded) CellPath(c Cell, file string) string {
	return filepath.Join(l.Path, CellsDir, c.Dir, file)
}
