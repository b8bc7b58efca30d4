package testsvc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommand(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		want string
	}{
		// No variables: the command as it is.
		{"bare", Spec{Cmd: "node /r/server.js", Env: map[string]string{}}, "node /r/server.js"},
		// Variables through env(1), sorted, so that sh -c "exec …" works.
		{"env", Spec{Cmd: "node /r/server.js", Env: map[string]string{"SVC_X": "1", "A": "b"}}, "env A=b SVC_X=1 node /r/server.js"},
		// A value that sh would split or expand is quoted.
		{"quoted", Spec{Cmd: "x", Env: map[string]string{"V": "a b'$c"}}, `env 'V=a b'\''$c' x`},
	}
	for _, c := range cases {
		if got := c.spec.Command(); got != c.want {
			t.Errorf("%s: Command() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLookup(t *testing.T) {
	root := "/some where"
	for _, svc := range Services() {
		vs := svc.Variants()
		if len(vs) == 0 || vs[0] != Default {
			t.Fatalf("%s: variants %v, want Default first", svc, vs)
		}
		for _, v := range vs {
			s, err := Lookup(root, svc, v)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(s.Cmd, "'/some where/") {
				t.Errorf("%s/%s: Cmd %q does not quote the root", svc, v, s.Cmd)
			}
			if s.URL != "http://127.0.0.1:{port}/process/{id}" || s.SpansPerRequest < 2 || s.Env == nil {
				t.Errorf("%s/%s: %+v", svc, v, s)
			}
		}
	}
	// Errors name what is known.
	if _, err := Lookup(root, "java", Default); err == nil || !strings.Contains(err.Error(), "fastapi") {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := Lookup(root, Node, Simple); err == nil || !strings.Contains(err.Error(), "no variant") {
		t.Errorf("unknown variant: %v", err)
	}
}

func TestInstalled(t *testing.T) {
	root := t.TempDir()
	req := filepath.Join(root, "testdata/services/fastapi/requirements.txt")
	stamp := filepath.Join(root, venvFastAPI, stampName)
	if err := os.MkdirAll(filepath.Dir(req), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(req, []byte("fastapi==1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Not installed: the error says how to install.
	if err := Installed(root, FastAPI); err == nil || !strings.Contains(err.Error(), InstallScript) {
		t.Fatalf("no install: %v", err)
	}
	// The stamp's lock hash is the script's: sha256sum's line, hashed again
	// (printf 'fastapi==1\n' | sha256sum, then that line piped to sha256sum).
	if err := os.MkdirAll(filepath.Dir(stamp), 0o755); err != nil {
		t.Fatal(err)
	}
	const want = "ecb228325c4b3a45689c0150d38b7299269cd1f63b9588f812df2efd9f03ec7e"
	if got, err := lockHash(root, installs[FastAPI].locks); err != nil || got != want {
		t.Fatalf("lockHash = %s, %v; want %s", got, err, want)
	}
	if err := os.WriteFile(stamp, []byte("lock="+want+"\nkey=x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Installed(root, FastAPI); err != nil {
		t.Fatalf("installed: %v", err)
	}
	// A changed lock file makes the install stale.
	if err := os.WriteFile(req, []byte("fastapi==2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Installed(root, FastAPI); err == nil || !strings.Contains(err.Error(), "other lock files") {
		t.Fatalf("stale install: %v", err)
	}
}
