package testsvc

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InstallScript is the script that installs every service, relative to the
// repository root.
const InstallScript = "scripts/install-services.sh"

// venvFastAPI is the FastAPI service's virtual environment, relative to the
// repository root (git-ignored).
const venvFastAPI = ".cache/venv-fastapi"

// stampName is the file InstallScript writes last into an install.
const stampName = ".otelbench-installed"

// install says where a service's install lives and which lock files it
// was made from, paths relative to the repository root.
type install struct {
	stamp   string
	locks   []string
	runtime string // an executable that must be on PATH, "" for none
}

var installs = map[Service]install{
	Node: {
		stamp:   "testdata/services/node/node_modules/" + stampName,
		locks:   []string{"testdata/services/node/package.json", "testdata/services/node/package-lock.json"},
		runtime: "node",
	},
	FastAPI: {
		stamp: venvFastAPI + "/" + stampName,
		locks: []string{"testdata/services/fastapi/requirements.txt"},
	},
}

// Installed returns nil when service svc is installed in the repository at
// root and up to date with its lock files, or an error that says what is
// missing and how to install it.
func Installed(root string, svc Service) error {
	in, ok := installs[svc]
	if !ok {
		return fmt.Errorf("testsvc: unknown service %q", svc)
	}
	how := fmt.Sprintf("run %s (once; it takes about 10 s per service)", InstallScript)
	if in.runtime != "" {
		if _, err := exec.LookPath(in.runtime); err != nil {
			return fmt.Errorf("service %s: %s is not on PATH: %w", svc, in.runtime, err)
		}
	}
	got, err := readLock(filepath.Join(root, in.stamp))
	if err != nil {
		return fmt.Errorf("service %s is not installed (%w): %s", svc, err, how)
	}
	want, err := lockHash(root, in.locks)
	if err != nil {
		return fmt.Errorf("service %s: %w", svc, err)
	}
	if got != want {
		return fmt.Errorf("service %s was installed from other lock files than %s: %s", svc, strings.Join(in.locks, ", "), how)
	}
	return nil
}

// readLock returns the lock= line of a stamp file.
func readLock(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "lock="); ok {
			return v, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no lock= line", path)
}

// lockHash is InstallScript's lockhash: the SHA-256 of sha256sum's output
// lines for the files, named by their paths relative to root.
func lockHash(root string, files []string) (string, error) {
	var lines strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(&lines, "%s  %s\n", hex.EncodeToString(sum[:]), f)
	}
	sum := sha256.Sum256([]byte(lines.String()))
	return hex.EncodeToString(sum[:]), nil
}

// Require returns the repository root when service svc is installed. When
// it is not, it skips t with the reason and how to install it, except
// when the environment variable CI is set: CI installs the services
// (.ci/run), so there a missing one fails t.
func Require(t testing.TB, svc Service) string {
	t.Helper()
	root, err := Root()
	if err == nil {
		err = Installed(root, svc)
	}
	if err == nil {
		return root
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%v (CI is set, and CI installs the services)", err)
	}
	t.Skipf("%v", err)
	return ""
}

// MustLookup returns Lookup's Spec for the repository at root, failing t
// on an unknown service or variant.
func MustLookup(t testing.TB, root string, svc Service, v Variant) Spec {
	t.Helper()
	s, err := Lookup(root, svc, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
