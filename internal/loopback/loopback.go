// Package loopback tells addresses on the loopback interface from the
// others. Everything otelbench loads, listens on or exports to is on
// loopback: a benchmark must neither open a port to the network nor
// measure one.
package loopback

import (
	"fmt"
	"net"
)

// IsHost reports whether host, from a URL or a host:port address, names
// the loopback interface: localhost, or an address in 127.0.0.0/8 or ::1.
func IsHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckListen returns an error unless addr, an address to listen on, is
// host:port with a loopback host. An empty host, 0.0.0.0 or :: would
// listen on every interface.
func CheckListen(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want a loopback HOST:PORT such as 127.0.0.1:4317 (port 0 picks a free one): %w", err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("would listen on every interface; give a loopback host such as 127.0.0.1")
	}
	if !IsHost(host) {
		return fmt.Errorf("%s is not a loopback host; give one such as 127.0.0.1", host)
	}
	return nil
}
