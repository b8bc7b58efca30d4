package collector

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the package if goroutines of the code under test (the
// process waiter, metrics scrapes, the SDK, gRPC) outlive the tests: a poor
// man's goleak.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := waitForLeaks(10 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines leaked:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// suspects are stack fragments of goroutines that must not outlive a test.
var suspects = []string{
	"github.com/otelbench/otelbench/internal/collector.",
	"os/exec.",
	"net/http.(*persistConn)",
	"go.opentelemetry.io/otel/sdk/trace.",
	"google.golang.org/grpc.",
}

// waitForLeaks polls for up to limit and returns the stacks of suspect
// goroutines still running, or "" when there are none.
func waitForLeaks(limit time.Duration) string {
	var leaked []string
	for deadline := time.Now().Add(limit); ; time.Sleep(50 * time.Millisecond) {
		leaked = leaked[:0]
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "collector.TestMain") || strings.Contains(g, "collector.waitForLeaks") {
				continue
			}
			for _, s := range suspects {
				if strings.Contains(g, s) {
					leaked = append(leaked, g)
					break
				}
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
	}
}
