package runner

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/pprofmap"
	"github.com/otelbench/otelbench/internal/results"
)

// pprofProfile is two short cells of whole seconds, the profile's window.
const pprofProfile = `name: pprof
rates: [600]
duration: 2s
warmup: 200ms
timeout: 5s
workload:
  cpu: 20us
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
    batch_timeout: 100ms
`

// checkProfiled checks that a cell kept its CPU profile and that the
// breakdown in cell.json is the profile's.
func checkProfiled(t *testing.T, l *results.Loaded, c results.Cell, want ...pprofmap.Component) {
	t.Helper()
	p := c.Profile
	if p == nil || p.Error != "" || p.File != results.ProfileFile {
		t.Fatalf("%s: profile %+v, want one kept in %s", c.Dir, p, results.ProfileFile)
	}
	// A 2 s window at 600 requests/s.
	if p.Requests < 800 || p.Requests > c.Load.Requests || p.Samples == 0 || p.Total <= 0 {
		t.Errorf("%s: %d requests of %d in the window, %d samples, %v: want most of the attack's", c.Dir, p.Requests, c.Load.Requests, p.Samples, p.Total)
	}
	f, err := os.Open(filepath.Join(l.Path, results.CellsDir, c.Dir, p.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := pprofmap.Attribute(f)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != p.Total || len(b.By) != len(p.Components) {
		t.Errorf("%s: cell.json says %v in %d components, the file %v in %d", c.Dir, p.Total, len(p.Components), b.Total, len(b.By))
	}
	for _, w := range want {
		if p.Components[string(w)] <= 0 {
			t.Errorf("%s: no %s in %v", c.Dir, w, p.Components)
		}
	}
}

// TestCellsAreProfiled: the bundled target is profiled during every
// measured attack, its profile kept beside cell.json, and the untraced
// variant runs no tracing code.
func TestCellsAreProfiled(t *testing.T) {
	l, cells := runProfile(t, pprofProfile, Options{})
	// 2 s at 100 Hz of a lightly loaded target: a few dozen samples, too
	// few to expect any one component.
	checkProfiled(t, l, cells["none"])
	checkProfiled(t, l, cells["batch"])
	if hz := cells["batch"].Profile.Hz; hz != 100 {
		t.Errorf("the bundled target profiled at %d Hz, want net/http/pprof's 100", hz)
	}
	for c := range cells["none"].Profile.Components {
		if pprofmap.Component(c).Tracing() {
			t.Errorf("none: tracing component %s in its profile", c)
		}
	}
}

// TestPprofOff: -pprof off leaves the target without the route and the
// cells without profiles.
func TestPprofOff(t *testing.T) {
	l, cells := runProfile(t, pprofProfile, Options{Pprof: PprofOff})
	for _, c := range cells {
		if c.Profile != nil {
			t.Errorf("%s: profiled with -pprof off: %+v", c.Dir, c.Profile)
		}
		if _, err := os.Stat(filepath.Join(l.Path, results.CellsDir, c.Dir, results.ProfileFile)); err == nil {
			t.Errorf("%s: has %s with -pprof off", c.Dir, results.ProfileFile)
		}
	}
	for _, v := range l.Run.Variants {
		if slices.Contains(v.Args, "-pprof") {
			t.Errorf("%s started with -pprof: %q", v.Name, v.Args)
		}
	}
}

// TestServiceProfiled: a user's service that serves net/http/pprof is
// profiled at the URL given, {port} its port.
func TestServiceProfiled(t *testing.T) {
	svc := &Service{
		Command:         targetBinary(t) + " -listen 127.0.0.1:$PORT -variant batch -cpu 20us -pprof",
		URL:             "http://127.0.0.1:{port}/process/{id}",
		SpansPerRequest: 2,
	}
	l, cells := runProfile(t, pprofProfile, Options{Service: svc, Pprof: "http://127.0.0.1:{port}/debug/pprof/profile"})
	// net/http/pprof's 100 Hz: a few dozen samples, too few to expect
	// any one component.
	checkProfiled(t, l, cells["batch"])
	p := cells["batch"].Profile
	if !strings.HasSuffix(p.URL, "/debug/pprof/profile") || strings.Contains(p.URL, "{port}") || p.Hz != 100 {
		t.Errorf("profile of %q at %d Hz, want the service's port at 100 Hz", p.URL, p.Hz)
	}
}

func TestCheckPprof(t *testing.T) {
	svc := &Service{Command: "./svc", URL: "http://127.0.0.1:{port}/items/{id}"}
	tests := []struct {
		name string
		opts Options
		want string // "" for no error
	}{
		// The default: the bundled target at its own route.
		{"default", Options{}, ""},
		{"off", Options{Pprof: PprofOff}, ""},
		// A URL is for a user's service.
		{"url without a service", Options{Pprof: "http://127.0.0.1:6060/debug/pprof/profile"}, "applies to a service given with -cmd"},
		{"service url", Options{Service: svc, Pprof: "http://127.0.0.1:{port}/debug/pprof/profile"}, ""},
		// Only http: the service is on loopback.
		{"not http", Options{Service: svc, Pprof: "ftp://127.0.0.1:6060/x"}, "want an http:// URL"},
		{"no host", Options{Service: svc, Pprof: "/debug/pprof/profile"}, "want an http:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.CheckPprof()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckPprof() = %v, want %q", err, tt.want)
			}
		})
	}
}
