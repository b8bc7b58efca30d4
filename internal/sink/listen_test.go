package sink

import (
	"strings"
	"testing"
)

// TestStartLoopbackOnly checks that a Sink refuses to listen anywhere but on
// loopback: an empty host or an unspecified address would listen on every
// interface.
func TestStartLoopbackOnly(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0", "127.0.0.1"} {
		s, err := Start(t.Context(), Options{Listen: addr})
		if err == nil {
			s.Close()
			t.Errorf("Start on %q succeeded, want an error", addr)
			continue
		}
		if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("Start on %q: error %q, want one naming the address and loopback", addr, err)
		}
	}
}
