package collector

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if goroutines of the code under test (process
// waiters, the metrics client, the test's gRPC exporter) outlive the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
