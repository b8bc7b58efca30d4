package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
)

// TestCheckFitNoop checks that kind noop, which swaps the SDK for the
// noop TracerProvider in code, is refused for a user's service at its
// kind key, and runs on the bundled target.
func TestCheckFitNoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	data := "name: p\nrates: [10]\nduration: 1s\nvariants:\n  - {name: none, kind: none}\n  - name: n\n    kind: noop\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkFit(p, nil); err != nil {
		t.Errorf("bundled target: %v, want none", err)
	}
	err = checkFit(p, &Service{Command: "./svc", URL: "http://127.0.0.1:{port}/items/{id}"})
	var pe *profile.Error
	if !errors.As(err, &pe) || pe.Line != 7 || !strings.Contains(pe.Msg, "noop TracerProvider") {
		t.Fatalf("service: got %#v, want a profile error on line 7 naming the noop TracerProvider", err)
	}
}
