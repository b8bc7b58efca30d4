package collector

import (
	"fmt"
	"net"
	"strings"
)

// freePorts returns n distinct loopback TCP ports that were free a moment
// ago. The collector cannot listen on port 0 and tell us the port it got,
// so Start picks ports this way and retries when another process takes
// one in between (see isAddrInUse).
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	// Hold every listener until all are open, so the ports differ.
	lns := make([]net.Listener, 0, n)
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
		if err != nil {
			return nil, fmt.Errorf("finding a free loopback port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// isAddrInUse reports whether a collector log says that it could not bind
// one of its ports: the race freePorts leaves open.
func isAddrInUse(log string) bool {
	return strings.Contains(log, "address already in use")
}
