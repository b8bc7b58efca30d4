package profile

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/otelbench/otelbench/internal/semver"
)

// The releases sdk_version accepts.
const (
	// MinSDKVersion is the oldest release of the OpenTelemetry Go SDK
	// that sdk_version accepts: the bundled target builds against every
	// release since (January 2025), newer parts behind its compatibility
	// layer. `go list -m -versions go.opentelemetry.io/otel/sdk` lists
	// them.
	MinSDKVersion = "v1.34.0"
	// ObservabilitySince is the first release whose SDK reads the
	// self-observability switch OTEL_GO_X_OBSERVABILITY (v1.37 and v1.38
	// had an experimental OTEL_GO_X_SELF_OBSERVABILITY in the trace SDK
	// alone). A target built against an older release runs without it,
	// so observability: true needs this release or a newer one.
	ObservabilitySince = "v1.39.0"
)

// versions decodes sdk_version and otelhttp_version: release versions,
// sdk_version no older than MinSDKVersion (and ObservabilitySince with
// observability: true), otelhttp_version only beside sdk_version.
func (d *decoder) versions(v *Variant, m map[string]entry) {
	se, hasSDK := m["sdk_version"]
	if hasSDK {
		if s, ok := d.release(se, "v1.40.0"); ok {
			v.SDKVersion = s
		}
	}
	if e, ok := m["otelhttp_version"]; ok {
		s, ok := d.release(e, "v0.65.0")
		switch {
		case !ok:
		case !hasSDK:
			d.keyErrorf(e, "needs sdk_version: without it the target is the module's own build, with its own otelhttp")
		default:
			v.OtelhttpVersion = s
		}
	}
	if v.SDKVersion == "" {
		return
	}
	switch {
	case semver.Compare(v.SDKVersion, MinSDKVersion) < 0:
		d.keyErrorf(se, "%s is older than %s, the oldest release the bundled target builds against", v.SDKVersion, MinSDKVersion)
		v.SDKVersion = ""
	case v.Observability && semver.Compare(v.SDKVersion, ObservabilitySince) < 0:
		d.keyErrorf(se, "%s has no self-observability (OTEL_GO_X_OBSERVABILITY came with %s): remove observability: true or use %s or newer",
			v.SDKVersion, ObservabilitySince, ObservabilitySince)
	}
}

// release decodes e as a module release version such as example.
func (d *decoder) release(e entry, example string) (string, bool) {
	s, ok := d.str(e)
	if !ok {
		return "", false
	}
	if semver.Valid(s) {
		return s, true
	}
	hint := ""
	if semver.Valid("v" + s) {
		hint = fmt.Sprintf(" (did you mean %q?)", "v"+s)
	}
	d.keyErrorf(e, "%q is not a release version such as %s%s", s, example, hint)
	return "", false
}

// KeyError returns an error about the key at the dotted path key (as in
// Error.Key, such as "variants[2].sdk_version") found after parsing, in
// the form Parse reports its own: the profile's file, the key's line, and
// msg about its short name. The runner reports a release it cannot build
// this way. The line is read from the file again (a Profile keeps no
// lines); it is 0 when the file is gone or has no such key.
func (p *Profile) KeyError(key, msg string) *Error {
	short := key[strings.LastIndex(key, ".")+1:]
	return &Error{File: p.Path, Line: keyLine(p.Path, key), Key: key, Msg: fmt.Sprintf("key %q: %s", short, msg)}
}

// keyLine returns the line of the key at the dotted path key in the
// profile file at path, 0 when there is none.
func keyLine(path, key string) int {
	if path == "" {
		return 0
	}
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize))
	if err != nil {
		return 0
	}
	d := &decoder{file: path, lines: map[string]int{}}
	if root := d.document(data); root != nil {
		d.profile(root)
	}
	return d.lines[key]
}

// VariantKey returns the dotted path of key in the variant named name,
// such as "variants[2].sdk_version", or "" when p has no such variant.
func (p *Profile) VariantKey(name, key string) string {
	for i, v := range p.Variants {
		if v.Name == name {
			return fmt.Sprintf("variants[%d].%s", i, key)
		}
	}
	return ""
}
