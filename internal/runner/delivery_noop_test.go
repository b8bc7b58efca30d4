package runner

import (
	"testing"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/sink"
)

// TestNoDeliveryOfVariantsThatSendNothing checks that a cell that served
// requests and received no span fails only when its variant sends spans:
// noop and ratio 0 are expected to send none.
func TestNoDeliveryOfVariantsThatSendNothing(t *testing.T) {
	p := mustParse(t, "name: d", "rates: [100]", "duration: 1s", "variants:",
		"  - {name: none, kind: none}",
		"  - {name: noop, kind: noop}",
		"  - {name: zero, kind: sampled, sample_ratio: 0}",
		"  - {name: batch, kind: batch}")
	for _, tc := range []struct {
		variant string
		fails   bool
	}{
		{"none", false},
		// The instrumentation with no SDK has no exporter.
		{"noop", false},
		// Nothing sampled: nothing to send.
		{"zero", false},
		// The batch processor should have delivered.
		{"batch", true},
	} {
		nd := noDelivery(variantNamed(t, p, tc.variant), p, 1000, results.Spans{}, receiptOf(sink.Snapshot{}, true), nil)
		if (nd != nil) != tc.fails {
			t.Errorf("%s: noDelivery = %+v, want a failure: %v", tc.variant, nd, tc.fails)
		}
	}
}
