package profile

import (
	"math"
	"regexp"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// identPattern is what profile and variant names must match: they end up in
// file names, metric labels and result keys.
var identPattern = regexp.MustCompile(`^` + identSyntax + `$`)

// identSyntax is identPattern as error messages show it.
const identSyntax = `[a-z0-9][a-z0-9._-]*`

// str decodes e as a YAML string.
func (d *decoder) str(e entry) (string, bool) {
	if e.val.Kind != yaml.ScalarNode || e.val.ShortTag() != "!!str" {
		d.keyErrorf(e, "must be a string, got %s", describe(e.val))
		return "", false
	}
	return e.val.Value, true
}

// ident decodes e as a name matching identPattern, at most MaxNameLen
// bytes long.
func (d *decoder) ident(e entry) (string, bool) {
	s, ok := d.str(e)
	if !ok {
		return "", false
	}
	if !identPattern.MatchString(s) {
		d.keyErrorf(e, "%q must match %s (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)", s, identSyntax)
		return "", false
	}
	if len(s) > MaxNameLen {
		d.keyErrorf(e, "%q is %d bytes long; at most %d (names become directory names)", s[:20]+"…", len(s), MaxNameLen)
		return "", false
	}
	return s, true
}

// integer decodes e as a YAML integer in [lo, hi]; hi == math.MaxInt means
// no upper bound.
func (d *decoder) integer(e entry, lo, hi int) (int, bool) {
	n := e.val
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		msg := "must be an integer, got %s"
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
			msg += " (remove the quotes)"
		}
		d.keyErrorf(e, msg, describe(n))
		return 0, false
	}
	var v int
	if err := n.Decode(&v); err != nil {
		d.keyErrorf(e, "integer %s is out of range", n.Value)
		return 0, false
	}
	switch {
	case v >= lo && v <= hi:
		return v, true
	case hi == math.MaxInt:
		d.keyErrorf(e, "must be at least %d (got %s)", lo, n.Value)
	default:
		d.keyErrorf(e, "must be between %d and %d (got %s)", lo, hi, n.Value)
	}
	return 0, false
}

// number decodes e as a YAML integer or float; the caller checks its range,
// written so that NaN fails it.
func (d *decoder) number(e entry) (float64, bool) {
	n := e.val
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.keyErrorf(e, "must be a number, got %s", describe(n))
		return 0, false
	}
	var v float64
	if err := n.Decode(&v); err != nil {
		d.keyErrorf(e, "%s is not a valid number", n.Value)
		return 0, false
	}
	return v, true
}

// boolean decodes e as a YAML boolean (true or false).
func (d *decoder) boolean(e entry) (bool, bool) {
	n := e.val
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.keyErrorf(e, "must be true or false, got %s", describe(n))
		return false, false
	}
	var v bool
	if err := n.Decode(&v); err != nil {
		d.keyErrorf(e, "%s is not a valid boolean", n.Value)
		return false, false
	}
	return v, true
}

// durRule is what a duration key accepts besides being a duration.
type durRule struct {
	positive bool          // 0 is an error, not only negative values
	zeroWhy  string        // why 0 is an error, appended to the message
	max      time.Duration // upper bound; 0 means none
	msEnv    string        // if set, must be whole ms: this variable holds integer ms
}

// duration decodes e as a duration string with a unit, such as "250ms",
// and checks it against r.
func (d *decoder) duration(e entry, r durRule) (Duration, bool) {
	n := e.val
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" {
		d.keyErrorf(e, "must be a duration such as \"5s\" or \"250ms\", got %s", describe(n))
		return 0, false
	}
	// Numbers (!!int, !!float) go through parseDuration too, which says that
	// they need a unit.
	v, err := parseDuration(n.Value)
	if err != nil {
		d.keyErrorf(e, "%v", err)
		return 0, false
	}
	switch {
	case v < 0:
		d.keyErrorf(e, "must not be negative (got %s)", n.Value)
	case v == 0 && r.positive && r.zeroWhy != "":
		d.keyErrorf(e, "must be greater than 0 (%s)", r.zeroWhy)
	case v == 0 && r.positive:
		d.keyErrorf(e, "must be greater than 0")
	case r.max > 0 && v > r.max:
		d.keyErrorf(e, "must be at most %s (got %s)", fmtDuration(r.max), n.Value)
	case r.msEnv != "" && v%time.Millisecond != 0:
		d.keyErrorf(e, "%s is not a whole number of milliseconds (the SDK reads %s as integer milliseconds)", n.Value, r.msEnv)
	default:
		return Duration(v), true
	}
	return 0, false
}

// fmtDuration formats a round limit the way a person writes it: "10m",
// not "10m0s".
func fmtDuration(v time.Duration) string {
	s := v.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
