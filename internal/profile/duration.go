package profile

import (
	"fmt"
	"strconv"
	"time"
)

// Duration is a time.Duration decoded from a YAML string such as "250ms".
// It marshals to JSON (and any other text format) as that string form, so
// results stay readable.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns d in time.Duration's format, such as "250ms" or "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText implements encoding.TextMarshaler, so JSON shows "250ms".
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with the same rules as a
// profile: a time.ParseDuration string with a unit.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// parseDuration parses s with time.ParseDuration but, unlike it, refuses a
// bare number ("5", and even "0"): a profile must say which unit it means.
func parseDuration(s string) (time.Duration, error) {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf("duration %s needs a unit, such as \"5s\" or \"250ms\"", s)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (want a number with a unit, such as \"5s\" or \"250ms\")", s)
	}
	return v, nil
}
