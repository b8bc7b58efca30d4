package targetbuild

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/otelbench/otelbench/internal/semver"
)

// resolved is a Set with every module version the generated go.mod
// requires.
type resolved struct {
	Set
	// Prometheus is the otel Prometheus exporter release of Set.SDK.
	Prometheus string `json:"prometheus"`
}

// resolve checks that s.SDK exists and finds the otelhttp (unless s names
// one) and Prometheus exporter releases that go with it: the newest whose
// go.mod requires go.opentelemetry.io/otel at s.SDK.
func (b *Builder) resolve(ctx context.Context, s Set) (resolved, error) {
	r := resolved{Set: s}
	if _, err := b.goMod(ctx, ModSDK, s.SDK); err != nil {
		return r, err
	}
	var err error
	if r.Otelhttp == "" {
		if r.Otelhttp, err = b.releaseRequiring(ctx, ModOtelhttp, s.SDK); err != nil {
			return r, err
		}
	} else if _, err := b.goMod(ctx, ModOtelhttp, r.Otelhttp); err != nil {
		return r, err
	}
	if r.Prometheus, err = b.releaseRequiring(ctx, ModPrometheus, s.SDK); err != nil {
		return r, err
	}
	return r, nil
}

// releaseRequiring returns the newest release of mod whose go.mod
// requires go.opentelemetry.io/otel at exactly sdk. Both are released in
// step, each release requiring the newest otel of its day, so the
// required version never falls as mod's releases rise: a binary search
// finds the last release requiring at most sdk in a few fetches of a
// go.mod.
func (b *Builder) releaseRequiring(ctx context.Context, mod, sdk string) (string, error) {
	versions, err := b.versions(ctx, mod)
	if err != nil {
		return "", err
	}
	lo, hi := 0, len(versions) // the answer is versions[lo-1]
	var found, foundReq string
	for lo < hi {
		mid := (lo + hi) / 2
		gomod, err := b.goMod(ctx, mod, versions[mid])
		if err != nil {
			return "", err
		}
		req := requiredVersion(gomod, ModOtel)
		if req != "" && semver.Compare(req, sdk) <= 0 {
			lo, found, foundReq = mid+1, versions[mid], req
		} else {
			hi = mid
		}
	}
	if found == "" || foundReq != sdk {
		return "", &stepError{step: "resolving", first: fmt.Sprintf("no release of %s requires %s %s; name one with otelhttp_version", mod, ModOtel, sdk)}
	}
	return found, nil
}

// versions lists the releases of mod, oldest first, leaving out
// pre-releases.
func (b *Builder) versions(ctx context.Context, mod string) ([]string, error) {
	out, err := b.goCommand(ctx, "", "resolving", "list", "-m", "-versions", "-json", mod)
	if err != nil {
		return nil, err
	}
	var info struct{ Versions []string }
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, &stepError{step: "resolving", first: fmt.Sprintf("go list -m -versions %s: %v", mod, err)}
	}
	var vs []string
	for _, v := range info.Versions {
		if p, ok := semver.Parse(v); ok && p.Pre == "" {
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, semver.Compare)
	return vs, nil
}

// goMod returns the go.mod of mod at version, which the go command
// fetches from the module proxy (only the go.mod, not the module) into
// its cache.
func (b *Builder) goMod(ctx context.Context, mod, version string) ([]byte, error) {
	out, err := b.goCommand(ctx, "", "fetching", "list", "-m", "-json", mod+"@"+version)
	if err != nil {
		return nil, err
	}
	var info struct {
		GoMod string
		Error *struct{ Err string }
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, &stepError{step: "fetching", first: fmt.Sprintf("go list -m %s@%s: %v", mod, version, err)}
	}
	if info.Error != nil {
		return nil, &stepError{step: "fetching", first: info.Error.Err}
	}
	data, err := os.ReadFile(info.GoMod)
	if err != nil {
		return nil, &stepError{step: "fetching", first: fmt.Sprintf("%s@%s: %v", mod, version, err)}
	}
	return data, nil
}

// requiredVersion returns the version at which the go.mod text gomod
// requires mod, or "".
func requiredVersion(gomod []byte, mod string) string {
	return requirements(gomod)[mod]
}

// requirements returns every module the go.mod text gomod requires, in
// require blocks or on require lines, with its version.
func requirements(gomod []byte) map[string]string {
	reqs := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	inBlock := false
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case inBlock && f[0] == ")":
			inBlock = false
			continue
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			inBlock = true
			continue
		case f[0] == "require":
			f = f[1:]
		case !inBlock:
			continue
		}
		if len(f) >= 2 {
			reqs[f[0]] = f[1]
		}
	}
	return reqs
}

// requiresOtel reports whether the go.mod text gomod requires a module of
// OpenTelemetry.
func requiresOtel(gomod []byte) bool {
	for mod := range requirements(gomod) {
		if strings.HasPrefix(mod, "go.opentelemetry.io/") {
			return true
		}
	}
	return false
}

// goDirective returns the go version the go.mod text gomod declares, or "".
func goDirective(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "go" {
			return f[1]
		}
	}
	return ""
}
