package runner

import (
	"slices"
	"testing"
)

func TestParsePinning(t *testing.T) {
	for _, tc := range []struct {
		spec             string
		target, loadgen  []int
		none, wantErrNil bool
	}{
		// Off pins nothing.
		{spec: "off", none: true, wantErrNil: true},
		// A manual split, single CPUs.
		{spec: "1/0", target: []int{1}, loadgen: []int{0}, wantErrNil: true},
		// Ranges and lists.
		{spec: "2-3/0,1", target: []int{2, 3}, loadgen: []int{0, 1}, wantErrNil: true},
		// Not a split.
		{spec: "1", none: true},
		// Not numbers.
		{spec: "a/b", none: true},
		// A backwards range.
		{spec: "3-2/0", none: true},
	} {
		p, err := ParsePinning(tc.spec)
		if (err == nil) != tc.wantErrNil {
			t.Errorf("%q: error %v", tc.spec, err)
			continue
		}
		if tc.none {
			if p != nil {
				t.Errorf("%q: pinning %+v, want none", tc.spec, p)
			}
			continue
		}
		if p == nil || !slices.Equal(p.Target, tc.target) || !slices.Equal(p.LoadGen, tc.loadgen) || p.Mode != PinManual {
			t.Errorf("%q: %+v, want target %v, load generator %v", tc.spec, p, tc.target, tc.loadgen)
		}
	}
	// Auto splits whatever this machine has, the target the upper half.
	if p, err := ParsePinning("auto"); err != nil || (p != nil && (len(p.Target) == 0 || len(p.LoadGen) == 0 || p.Target[0] <= p.LoadGen[len(p.LoadGen)-1])) {
		t.Errorf("auto: %+v, %v", p, err)
	}
}
