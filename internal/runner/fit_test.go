package runner

import (
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
)

// TestCheckFit checks that options the measured service cannot honour are
// refused at their key, and the rest pass.
func TestCheckFit(t *testing.T) {
	svc := &Service{Command: "./svc", URL: "http://127.0.0.1:{port}/items/{id}"}
	for _, tc := range []struct {
		name    string
		kind    string // "" for batch
		variant string
		svc     *Service
		want    string // part of the error, "" for none
		line    int
	}{
		{"blocking on the bundled target", "", "    blocking: true", nil, "", 0},
		{"blocking on a service", "", "    blocking: true", svc, "no standard variable", 8},
		{"json on a service", "", "    protocol: http/json", svc, "", 0},
		{"json on the bundled target", "", "    protocol: http/json", nil, "no OTLP/HTTP JSON exporter", 8},
		{"protobuf on the bundled target", "", "    protocol: http/protobuf", nil, "", 0},
		{"sync on the bundled target", "sync", "", nil, "", 0},
		{"sync on a service, nothing selects it", "sync", "", svc, "no standard variable selects", 7},
		{"sync on a service with its own variable", "sync", "    env: {SVC_PROCESSOR: simple}", svc, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.yaml")
			data := "name: p\nrates: [10]\nduration: 1s\nvariants:\n  - {name: none, kind: none}\n  - name: b\n    kind: " + cmp.Or(tc.kind, "batch") + "\n" + tc.variant + "\n"
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := profile.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			err = checkFit(p, tc.svc)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want none", err)
				}
				return
			}
			var pe *profile.Error
			if !errors.As(err, &pe) || !strings.Contains(pe.Msg, tc.want) || pe.Line != tc.line || pe.File != path {
				t.Fatalf("got %#v, want a profile error at %s:%d containing %q", err, path, tc.line, tc.want)
			}
		})
	}
}
