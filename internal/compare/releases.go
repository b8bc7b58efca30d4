package compare

import (
	"slices"
	"strings"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// releaseKeys are the variant keys that only choose the OpenTelemetry
// releases a target is built with. Two runs that differ in them, and in
// nothing else Differences looks at, measure an upgrade: they are
// comparable, and Releases lists what changed.
var releaseKeys = []string{"sdk_version", "otelhttp_version"}

// releaseKey reports whether the flattened field names one of a variant's
// releaseKeys ("profile.variants.batch.sdk_version").
func releaseKey(field string) bool {
	if !strings.HasPrefix(field, "profile.variants.") {
		return false
	}
	short := field[strings.LastIndex(field, ".")+1:]
	return slices.Contains(releaseKeys, short)
}

// Release is one variant whose target was built with other releases in B
// than in A.
type Release struct {
	Variant string
	// Modules are the modules whose versions differ, by path, as run.json
	// records them (results.VariantSetup.Modules), sorted by path. For
	// runs that recorded none they are the profile's sdk_version and
	// otelhttp_version, under those names.
	Modules []ModuleChange
}

// ModuleChange is one module at two versions; Unset where a run has none.
type ModuleChange struct {
	Module string
	A, B   string
}

// Version returns the change of module in r, and whether r has one.
func (r Release) Version(module string) (ModuleChange, bool) {
	for _, m := range r.Modules {
		if m.Module == module {
			return m, true
		}
	}
	return ModuleChange{}, false
}

// Releases lists, for every traced variant both runs have, the modules its
// targets were built with at other versions in B than in A: an SDK
// upgrade, chosen by sdk_version, or a change of this module's go.mod.
// Variants of kind none are left out: they run no OpenTelemetry code.
func Releases(a, b *results.Run) []Release {
	sa, sb := setups(a), setups(b)
	va, vb := variants(a.Profile), variants(b.Profile)
	var out []Release
	for _, name := range sortedKeys(boolKeys(sa, sb)) {
		if sa[name].Kind == profile.KindNone || sb[name].Kind == profile.KindNone {
			continue
		}
		ma, mb := sa[name].Modules, sb[name].Modules
		if len(ma) == 0 || len(mb) == 0 {
			// Recorded by neither or one: the profiles' releases say what
			// was asked for.
			ma = map[string]string{"sdk_version": va[name].SDKVersion, "otelhttp_version": va[name].OtelhttpVersion}
			mb = map[string]string{"sdk_version": vb[name].SDKVersion, "otelhttp_version": vb[name].OtelhttpVersion}
		}
		r := Release{Variant: name}
		for _, mod := range union(sortedKeys(ma), sortedKeys(mb)) {
			if ma[mod] != mb[mod] {
				r.Modules = append(r.Modules, ModuleChange{Module: mod, A: orUnset(ma[mod]), B: orUnset(mb[mod])})
			}
		}
		slices.SortFunc(r.Modules, func(x, y ModuleChange) int { return strings.Compare(x.Module, y.Module) })
		if len(r.Modules) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// setups returns a run's variant setups by name.
func setups(r *results.Run) map[string]results.VariantSetup {
	m := map[string]results.VariantSetup{}
	for _, vs := range r.Variants {
		m[vs.Name] = vs
	}
	return m
}

// boolKeys returns a set of the names both maps have.
func boolKeys(a, b map[string]results.VariantSetup) map[string]string {
	both := map[string]string{}
	for k := range a {
		if _, ok := b[k]; ok {
			both[k] = k
		}
	}
	return both
}

func orUnset(v string) string {
	if v == "" {
		return Unset
	}
	return v
}
