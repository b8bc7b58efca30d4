package targetbuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/otelbench/otelbench"
)

// BinName is the file name of a built target in its cache directory.
const BinName = "otelbench-target"

// stampFile records a finished build in its directory; a directory
// without it is not a build.
const stampFile = "build.json"

// Builder builds the target against version sets, keeping every build in
// Cache.
type Builder struct {
	// Cache is the directory that keeps the builds, such as .cache/targets
	// (git-ignored).
	Cache string
	// Go is the go command; "go" (from PATH) when empty.
	Go string
	// Log, when set, receives a line when a build starts and when it ends.
	Log io.Writer
	// Source holds the target's sources as otelbench.TargetSource does,
	// and Packages its package directories, the main one first; both
	// default to otelbench's.
	Source   fs.FS
	Packages []string
}

// Result is a built target.
type Result struct {
	// Bin is the binary's path.
	Bin string `json:"bin"`
	// Set is the set built, its otelhttp release filled in when it was
	// resolved; Prometheus the otel Prometheus exporter's release.
	Set        Set    `json:"set"`
	Prometheus string `json:"prometheus"`
	// Modules are the versions the binary links (see Modules).
	Modules map[string]string `json:"modules"`
	// Tags are the build tags of the compatibility layer (see Tags).
	Tags []string `json:"tags,omitempty"`
	// GoVersion is the go command's version.
	GoVersion string `json:"go_version"`
	// Took is how long fetching and building took; Cached says this call
	// found the build in the cache instead.
	Took   time.Duration `json:"took_ns"`
	Cached bool          `json:"-"`
}

// Build returns the target built against s, building it first unless the
// cache has it. Its error is an *Error for a set that cannot be fetched,
// resolved or built.
func (b *Builder) Build(ctx context.Context, s Set) (Result, error) {
	if err := s.validate(); err != nil {
		return Result{}, &Error{Set: s, Step: "checking", First: err.Error()}
	}
	files, mainMod, mainSum, err := b.sources()
	if err != nil {
		return Result{}, fmt.Errorf("reading the target's sources: %w", err)
	}
	goVersion, err := b.goVersion(ctx)
	if err != nil {
		return Result{}, &Error{Set: s, Step: "checking", First: err.Error()}
	}
	cache, err := filepath.Abs(b.Cache)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Join(cache, s.key()+"-"+hashOf(files, mainMod, goVersion))
	if res, ok := cached(dir); ok {
		return res, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return Result{}, err
	}
	unlock, err := lockFile(ctx, dir+".lock", func() { b.logf("waiting for another build of %s", s) })
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	if res, ok := cached(dir); ok { // built while this one waited
		return res, nil
	}
	b.logf("building the target against %s (once; kept in %s)", s, dir)
	start := time.Now()
	res, err := b.buildInto(ctx, s, cache, dir, files, mainMod, mainSum, func(r *Result) {
		r.GoVersion, r.Took = goVersion, time.Since(start)
	})
	if err != nil {
		var se *stepError
		if errors.As(err, &se) {
			e := &Error{Set: s, Step: se.step, First: se.first}
			if se.output != "" && os.WriteFile(dir+".log", []byte(se.output), 0o644) == nil {
				e.Log = dir + ".log"
			}
			return Result{}, e
		}
		return Result{}, err
	}
	b.logf("built the target against %s in %s", res.Set, res.Took.Round(100*time.Millisecond))
	return res, nil
}

// buildInto resolves s, generates its module in a temporary directory,
// builds it there, checks the binary, records the build (after finish has
// filled in what the caller knows) and renames the directory to dir.
func (b *Builder) buildInto(ctx context.Context, s Set, cache, dir string, files map[string][]byte, mainMod, mainSum []byte, finish func(*Result)) (Result, error) {
	r, err := b.resolve(ctx, s)
	if err != nil {
		return Result{}, err
	}
	gomod, err := goModFor(r, mainMod, files, func(mod, version string) (bool, error) {
		data, err := b.goMod(ctx, mod, version)
		return err == nil && !requiresOtel(data), err
	})
	if err != nil {
		var se *stepError
		if errors.As(err, &se) {
			return Result{}, err
		}
		return Result{}, &stepError{step: "generating", first: err.Error()}
	}
	tmp, err := os.MkdirTemp(cache, s.key()+".tmp-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(tmp) // nothing left once renamed
	if err := writeModule(tmp, files, gomod, mainSum); err != nil {
		return Result{}, err
	}
	if _, err := b.goCommand(ctx, tmp, "fetching", "mod", "tidy"); err != nil {
		return Result{}, err
	}
	tags := Tags(s.SDK)
	args := []string{"build", "-o", BinName}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	if _, err := b.goCommand(ctx, tmp, "building", append(args, "./"+b.packages()[0])...); err != nil {
		return Result{}, err
	}
	mods, err := Modules(filepath.Join(tmp, BinName))
	if err != nil {
		return Result{}, err
	}
	if err := check(mods, r); err != nil {
		return Result{}, &stepError{step: "checking", first: err.Error()}
	}
	res := Result{Bin: filepath.Join(dir, BinName), Set: r.Set, Prometheus: r.Prometheus, Modules: mods, Tags: tags}
	finish(&res)
	stamp, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(filepath.Join(tmp, stampFile), stamp, 0o644); err != nil {
		return Result{}, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if done, ok := cached(dir); ok { // another build got there first
			return done, nil
		}
		return Result{}, err
	}
	return res, nil
}

// cached returns the build in dir, if there is a finished one.
func cached(dir string) (Result, bool) {
	data, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		return Result{}, false
	}
	var res Result
	if json.Unmarshal(data, &res) != nil {
		return Result{}, false
	}
	res.Bin, res.Cached, res.Took = filepath.Join(dir, BinName), true, 0
	if _, err := os.Stat(res.Bin); err != nil {
		return Result{}, false
	}
	return res, true
}

// sources returns the target's Go files and the module's go.mod and go.sum.
func (b *Builder) sources() (files map[string][]byte, gomod, gosum []byte, err error) {
	src := b.Source
	if src == nil {
		src = otelbench.TargetSource
	}
	if files, err = sourceFiles(src, b.packages()); err != nil {
		return nil, nil, nil, err
	}
	if gomod, err = fs.ReadFile(src, "go.mod"); err != nil {
		return nil, nil, nil, err
	}
	gosum, _ = fs.ReadFile(src, "go.sum") // a start only: tidy completes it
	return files, gomod, gosum, nil
}

func (b *Builder) packages() []string {
	if len(b.Packages) > 0 {
		return b.Packages
	}
	return otelbench.TargetPackages
}

// hashOf identifies what a build depends on besides its version set: the
// target's files, this module's go.mod and the Go toolchain.
func hashOf(files map[string][]byte, gomod []byte, goVersion string) string {
	h := sha256.New()
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
		h.Write(files[name])
	}
	fmt.Fprintf(h, "go.mod %d\n", len(gomod))
	h.Write(gomod)
	fmt.Fprintf(h, "toolchain %s\n", goVersion)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// goVersion returns the go command's version, such as "go1.26.8".
func (b *Builder) goVersion(ctx context.Context) (string, error) {
	out, err := b.goCommand(ctx, "", "checking", "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// goCommand runs the go command in dir (a neutral temporary directory
// when "") with the environment's module settings (GOPROXY, GOMODCACHE,
// GOCACHE, ...), but no workspace, no toolchain switch and no GOFLAGS of
// the caller's, and returns its standard output. A failure is a
// *stepError of step.
func (b *Builder) goCommand(ctx context.Context, dir, step string, args ...string) ([]byte, error) {
	name := b.Go
	if name == "" {
		name = "go"
	}
	if dir == "" {
		dir = os.TempDir()
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "GO111MODULE=on")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		out := stderr.String() + stdout.String()
		first := firstError(out)
		if first == "" {
			first = err.Error()
		}
		return nil, &stepError{step: step, first: first,
			output: fmt.Sprintf("$ %s %s\n(in %s)\n%s", name, strings.Join(args, " "), dir, out)}
	}
	return stdout.Bytes(), nil
}

func (b *Builder) logf(format string, args ...any) {
	if b.Log != nil {
		fmt.Fprintf(b.Log, "otelbench: "+format+"\n", args...)
	}
}
