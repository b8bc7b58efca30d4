package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// maxFileName is the longest file name, in bytes, of the common Linux and
// macOS file systems (ext4, xfs, btrfs, tmpfs, APFS).
const maxFileName = 255

// TestNamesFitFileSystem checks that the longest names a valid profile can
// give make directory names a file system accepts: the run directory
// (time, name and a collision suffix) and every cell's directory.
func TestNamesFitFileSystem(t *testing.T) {
	name := strings.Repeat("n", profile.MaxNameLen)
	root := t.TempDir()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var dir string
	for range 12 { // up to the suffix -12: more digits than most runs need
		d, err := Create(root, name, now)
		if err != nil {
			t.Fatalf("Create with a name of %d bytes: %v", len(name), err)
		}
		dir = d
	}
	// The suffix can grow to -999 before Create gives up.
	if n := len(filepath.Base(dir)) - len("-12") + len("-999"); n > maxFileName {
		t.Errorf("run directory name of %d bytes with suffix -999, want at most %d", n, maxFileName)
	}
	cell := CellDirName(profile.MaxCells-1, strings.Repeat("v", profile.MaxNameLen), profile.MaxRate, profile.MaxRepetitions)
	if len(cell) > maxFileName {
		t.Errorf("cell directory name of %d bytes, want at most %d", len(cell), maxFileName)
	}
	if err := os.MkdirAll(filepath.Join(dir, CellsDir, cell), 0o755); err != nil {
		t.Errorf("making the longest cell directory: %v", err)
	}
}
