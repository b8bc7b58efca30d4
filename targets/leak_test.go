package targets

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if goroutines of the code under test (the
// server, the SDK, gRPC) outlive the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
