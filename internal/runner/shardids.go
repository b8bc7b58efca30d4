package runner

import (
	"encoding/hex"
	"fmt"
)

// TraceparentsFor returns, for the trace-id prefix prefix (16 hex digits,
// not all zero), the sampled W3C traceparent of each item number: the
// bijection by which the runner and the sink match traces to requests
// (traceIDs). An attack process of a sharded cell (otelbench attack
// -trace-prefix) uses it, so that its requests match as the in-process
// attacker's do.
func TraceparentsFor(prefix string) (func(item uint64) string, error) {
	ids, err := parseTraceIDs(prefix)
	if err != nil {
		return nil, err
	}
	return ids.traceparent, nil
}

// parseTraceIDs is the inverse of traceIDs.prefixHex.
func parseTraceIDs(prefix string) (traceIDs, error) {
	var t traceIDs
	b, err := hex.DecodeString(prefix)
	switch {
	case err != nil:
		return t, fmt.Errorf("trace-id prefix %q: %w", prefix, err)
	case len(b) != len(t.prefix):
		return t, fmt.Errorf("trace-id prefix %q: want %d hex digits, got %d", prefix, 2*len(t.prefix), len(prefix))
	}
	copy(t.prefix[:], b)
	if t.prefix == [8]byte{} {
		return t, fmt.Errorf("trace-id prefix %q: must not be all zero", prefix)
	}
	return t, nil
}

// prefixHex is the prefix as TraceparentsFor takes it.
func (t traceIDs) prefixHex() string { return hex.EncodeToString(t.prefix[:]) }
