package results

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileAtomicMode checks that atomically written files get the mode
// of every other file of a run, 0644, not os.CreateTemp's 0600.
func TestWriteFileAtomicMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	for range 2 { // a new file, then one replaced
		if err := WriteFileAtomic(path, []byte("{}\n")); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o644 {
			t.Errorf("mode %v, want -rw-r--r--", st.Mode())
		}
	}
}
