package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "x.golden")
	// Missing file: a failure, not a pass.
	r := &recorder{TB: t}
	Check(r, path, []byte("a"), false)
	if !r.failed {
		t.Error("a missing golden file passed")
	}
	// -update writes it, then the same output passes and another fails.
	Check(t, path, []byte("a"), true)
	if data, _ := os.ReadFile(path); string(data) != "a" {
		t.Fatalf("golden file holds %q", data)
	}
	Check(t, path, []byte("a"), false)
	r = &recorder{TB: t}
	Check(r, path, []byte("b"), false)
	if !r.failed {
		t.Error("different output passed")
	}
}
