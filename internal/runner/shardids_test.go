package runner

import (
	"strings"
	"testing"
)

func TestTraceparentsForMatchesTheRunner(t *testing.T) {
	ids := newTraceIDs()
	tp, err := TraceparentsFor(ids.prefixHex())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{1, 2, 1 << 40} {
		if got, want := tp(n), ids.traceparent(n); got != want {
			t.Errorf("item %d: %s, the runner's is %s", n, got, want)
		}
	}
	for _, bad := range []struct{ prefix, want string }{
		{"", "want 16 hex digits"},
		{"0123", "want 16 hex digits"},
		{"zz23456789abcdef", "invalid byte"},
		{"0000000000000000", "all zero"},
	} {
		if _, err := TraceparentsFor(bad.prefix); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("TraceparentsFor(%q) = %v, want an error with %q", bad.prefix, err, bad.want)
		}
	}
}
