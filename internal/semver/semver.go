// Package semver reads the release versions of Go modules,
// vMAJOR.MINOR.PATCH with an optional pre-release (v1.47.0, v1.47.0-rc.1),
// and orders them as the go command does. Build metadata (+incompatible)
// and pseudo-versions are not releases and are not valid here.
//
// It is pure and imports nothing of the module: the profile checks
// sdk_version with it, the target builder picks its compatibility layer
// by it, and the summary finds the newest release of a run with it.
package semver

import (
	"regexp"
	"strconv"
	"strings"
)

// release matches a release version: a v, three numbers without leading
// zeros, and an optional pre-release of dot-separated identifiers.
var release = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// Version is a parsed release version.
type Version struct {
	Major, Minor, Patch int
	// Pre is the pre-release without its dash ("rc.1"), "" for a release.
	Pre string
}

// Parse parses v, reporting false when it is not a release version.
func Parse(v string) (Version, bool) {
	m := release.FindStringSubmatch(v)
	if m == nil {
		return Version{}, false
	}
	var out Version
	var err [3]error
	out.Major, err[0] = strconv.Atoi(m[1])
	out.Minor, err[1] = strconv.Atoi(m[2])
	out.Patch, err[2] = strconv.Atoi(m[3])
	for _, e := range err {
		if e != nil { // a number too large for an int
			return Version{}, false
		}
	}
	out.Pre = strings.TrimPrefix(m[4], "-")
	return out, true
}

// Valid reports whether v is a release version.
func Valid(v string) bool {
	_, ok := Parse(v)
	return ok
}

// Compare returns -1, 0 or +1 as a is older than, the same as or newer
// than b. An invalid version is older than every valid one; two invalid
// versions compare equal.
func Compare(a, b string) int {
	va, okA := Parse(a)
	vb, okB := Parse(b)
	switch {
	case !okA && !okB:
		return 0
	case !okA:
		return -1
	case !okB:
		return 1
	}
	for _, d := range [3][2]int{{va.Major, vb.Major}, {va.Minor, vb.Minor}, {va.Patch, vb.Patch}} {
		if c := cmpInt(d[0], d[1]); c != 0 {
			return c
		}
	}
	return comparePre(va.Pre, vb.Pre)
}

// comparePre orders pre-releases by semver's rules: a release (no
// pre-release) is newer than any of its pre-releases; identifiers compare
// one by one, numbers numerically and below words, and a shorter list
// that is a prefix of a longer one is older.
func comparePre(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		switch {
		case errA == nil && errB == nil:
			if c := cmpInt(na, nb); c != 0 {
				return c
			}
		case errA == nil:
			return -1
		case errB == nil:
			return 1
		default:
			if c := strings.Compare(pa[i], pb[i]); c != 0 {
				return c
			}
		}
	}
	return cmpInt(len(pa), len(pb))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
