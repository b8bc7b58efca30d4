package compare

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// Difference is one setting that differs between two runs, named as in
// run.json ("profile.rates", "profile.variants.batch.queue_size",
// "environment.cpu_model"). A and B are its values as JSON, or Unset.
type Difference struct {
	Field string
	A, B  string
}

// Unset stands for a setting that a run does not have.
const Unset = "(unset)"

// String returns the difference as "field: A <value>, B <value>".
func (d Difference) String() string {
	return fmt.Sprintf("%s: A %s, B %s", d.Field, d.A, d.B)
}

// MismatchError says why two runs are not comparable.
type MismatchError struct {
	// A and B are the run directories.
	A, B        string
	Differences []Difference
}

// Error names both runs and lists every difference, one per line.
func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s and %s are not comparable: %d difference(s) in what was measured or where", e.A, e.B, len(e.Differences))
	for _, d := range e.Differences {
		b.WriteString("\n  " + d.String())
	}
	return b.String()
}

// ignoredProfileKeys are the profile keys two comparable runs may differ
// in. Name, description and path label a profile; the seed only orders the
// cells; the repetitions change how many samples there are, which the
// statistics account for; the budget only drives the recommendation, not a
// measured number. Variants are compared by name, below.
var ignoredProfileKeys = []string{"name", "description", "path", "seed", "repetitions", "budget", "variants"}

// Differences lists what makes the numbers of two runs incomparable: their
// profiles, apart from ignoredProfileKeys; the settings of every variant
// both profiles have (a variant only one has is not a difference: its rows
// are just unmatched) but the releases they are built with (releaseKeys:
// an upgrade is what one compares, see Releases); the sink; and the
// machine and toolchain (CPU model, CPU count, GOMAXPROCS, Go version, OS,
// architecture). The commit is not compared: a change of code is what one
// compares.
func Differences(a, b *results.Run) []Difference {
	var out []Difference
	fa, fb := map[string]string{}, map[string]string{}
	flatten("profile", profileFields(a.Profile), fa)
	flatten("profile", profileFields(b.Profile), fb)
	out = append(out, diffMaps(fa, fb)...)

	va, vb := variants(a.Profile), variants(b.Profile)
	var names []string
	for name := range va {
		if _, ok := vb[name]; ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fa, fb := map[string]string{}, map[string]string{}
		flatten("profile.variants."+name, toMap(va[name]), fa)
		flatten("profile.variants."+name, toMap(vb[name]), fb)
		for _, d := range diffMaps(fa, fb) {
			if !releaseKey(d.Field) { // a release is what an upgrade compares
				out = append(out, d)
			}
		}
	}

	ea, eb := a.Environment, b.Environment
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"environment.cpu_model", ea.CPUModel, eb.CPUModel},
		{"environment.num_cpu", ea.NumCPU, eb.NumCPU},
		{"environment.gomaxprocs", ea.GOMAXPROCS, eb.GOMAXPROCS},
		{"environment.go_version", ea.GoVersion, eb.GoVersion},
		{"environment.os", ea.OS, eb.OS},
		{"environment.arch", ea.Arch, eb.Arch},
		{"sink.kind", a.Sink.Kind, b.Sink.Kind},
	} {
		if ja, jb := jsonText(f.a), jsonText(f.b); ja != jb {
			out = append(out, Difference{Field: f.name, A: ja, B: jb})
		}
	}
	return out
}

// profileFields returns p as a JSON object without the keys comparable runs
// may differ in.
func profileFields(p *profile.Profile) map[string]any {
	m := toMap(p)
	for _, k := range ignoredProfileKeys {
		delete(m, k)
	}
	return m
}

func variants(p *profile.Profile) map[string]profile.Variant {
	m := map[string]profile.Variant{}
	if p != nil {
		for _, v := range p.Variants {
			m[v.Name] = v
		}
	}
	return m
}

// toMap returns v as a generic JSON object (empty for nil or a non-object).
func toMap(v any) map[string]any {
	m := map[string]any{}
	data, err := json.Marshal(v)
	if err != nil {
		return m
	}
	_ = json.Unmarshal(data, &m) // "null" leaves m empty
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// flatten adds the leaves of the JSON object m to out under dotted paths,
// each as compact JSON. Lists are leaves: [1000,3000] is one value.
func flatten(prefix string, m map[string]any, out map[string]string) {
	for k, v := range m {
		path := prefix + "." + k
		if sub, ok := v.(map[string]any); ok {
			flatten(path, sub, out)
			continue
		}
		out[path] = jsonText(v)
	}
}

// diffMaps returns the paths whose values differ, sorted by path.
func diffMaps(a, b map[string]string) []Difference {
	var out []Difference
	for _, k := range union(sortedKeys(a), sortedKeys(b)) {
		va, okA := a[k]
		vb, okB := b[k]
		if !okA {
			va = Unset
		}
		if !okB {
			vb = Unset
		}
		if va != vb {
			out = append(out, Difference{Field: k, A: va, B: vb})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonText(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}
