package semver

import "testing"

func TestValid(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{
		{"v1.47.0", true},                            // a release
		{"v1.47.0-rc.1", true},                       // a pre-release
		{"v0.72.0", true},                            // a v0 release, as otelhttp's
		{"1.47.0", false},                            // no v
		{"v1.47", false},                             // no patch
		{"v1.047.0", false},                          // a leading zero
		{"v1.47.0+meta", false},                      // build metadata is not a release
		{"v0.0.0-20260928230214-8a89bd6388cc", true}, // a pseudo-version looks like a pre-release; callers check Pre
		{"", false},                                  // empty
		{"latest", false},                            // a query, not a version
		{"v99999999999999999999.0.0", false},         // overflows an int
	} {
		if got := Valid(c.v); got != c.want {
			t.Errorf("Valid(%q) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"v1.40.0", "v1.40.0", 0},             // equal
		{"v1.9.0", "v1.40.0", -1},             // minors compare as numbers, not text
		{"v1.47.0", "v1.46.1", 1},             // minor before patch
		{"v2.0.0", "v1.99.99", 1},             // major first
		{"v1.47.0-rc.1", "v1.47.0", -1},       // a pre-release is older than its release
		{"v1.47.0-rc.2", "v1.47.0-rc.10", -1}, // numeric identifiers compare as numbers
		{"v1.47.0-alpha", "v1.47.0-1", 1},     // words sort above numbers
		{"v1.47.0-rc", "v1.47.0-rc.1", -1},    // a prefix is older
		{"bad", "v0.0.1", -1},                 // invalid is oldest
		{"bad", "worse", 0},                   // two invalid are equal
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}
