package results

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenInvalid checks that Open refuses a directory it cannot read as a
// run with an *InvalidRunError that names the file and says why.
func TestOpenInvalid(t *testing.T) {
	cell := filepath.Join(CellsDir, CellDirName(0, "none", 100, 1), CellFile)
	tests := []struct {
		name string
		file string // relative to the run directory; "" leaves the run as written
		data string
		path string // the error's Path, relative to the run directory
		msg  string // in the error's message
	}{
		// run.json that is not a run.
		{name: "empty run.json", file: RunFile, data: "", path: RunFile, msg: "is empty"},
		{name: "blank run.json", file: RunFile, data: " \n", path: RunFile, msg: "is empty"},
		{name: "null run.json", file: RunFile, data: "null\n", path: RunFile, msg: "is null"},
		{name: "garbled run.json", file: RunFile, data: `{"schema": 1, "id": `, path: RunFile, msg: "is not valid JSON"},
		{name: "run.json not an object", file: RunFile, data: `[1, 2]`, path: RunFile, msg: "is not a run"},
		{name: "unknown schema", file: RunFile, data: `{"schema": 99, "profile": {"name": "t"}}`, path: RunFile, msg: "schema 99; this otelbench reads schema 1"},
		{name: "no schema", file: RunFile, data: `{"id": "x", "profile": {"name": "t"}}`, path: RunFile, msg: "has no schema"},
		{name: "no profile", file: RunFile, data: `{"schema": 1, "id": "x"}`, path: RunFile, msg: "has no profile"},
		// cell.json too.
		{name: "null cell.json", file: cell, data: "null", path: cell, msg: "is null"},
		{name: "garbled cell.json", file: cell, data: "{", path: cell, msg: "is not valid JSON"},
		{name: "cell of unknown schema", file: cell, data: `{"schema": 99}`, path: cell, msg: "schema 99; this otelbench reads schema 1"},
		// No run at all.
		{name: "no run.json", file: RunFile, path: "", msg: "is not a run directory: no run.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeRun(t, StatusComplete)
			path := filepath.Join(dir, tt.file)
			if tt.name == "no run.json" {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := Open(dir)
			var ie *InvalidRunError
			if !errors.As(err, &ie) {
				t.Fatalf("Open = %v, %v; want an *InvalidRunError", l, err)
			}
			if want := filepath.Join(dir, tt.path); ie.Path != want || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q (path %s), want one of %s containing %q", err, ie.Path, want, tt.msg)
			}
		})
	}
}

// TestOpenNotADirectory checks the paths that are no directory at all.
func TestOpenNotADirectory(t *testing.T) {
	file := filepath.Join(writeRun(t, StatusComplete), RunFile)
	for _, path := range []string{file, filepath.Join(t.TempDir(), "nope")} {
		_, err := Open(path)
		var ie *InvalidRunError
		if !errors.As(err, &ie) || ie.Path != path || !strings.Contains(err.Error(), "is not a run directory") {
			t.Errorf("Open(%s) error %v, want an *InvalidRunError saying it is not a run directory", path, err)
		}
	}
}

// TestOpenGood checks that a valid run opens, with its unfinished cell.
func TestOpenGood(t *testing.T) {
	l, err := Open(writeRun(t, StatusComplete))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cells) != 1 || len(l.Unfinished) != 1 || l.Run.Profile == nil {
		t.Errorf("cells %d, unfinished %v, profile %v", len(l.Cells), l.Unfinished, l.Run.Profile)
	}
}
