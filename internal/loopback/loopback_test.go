package loopback

import (
	"strings"
	"testing"
)

func TestIsHost(t *testing.T) {
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true}, // all of 127.0.0.0/8
		{"::1", true},
		{"", false},          // no host: every interface
		{"0.0.0.0", false},   // every interface
		{"::", false},        // every interface
		{"192.0.2.1", false}, // another host
		{"example.com", false},
		{"[::1]", false}, // brackets belong to host:port, not to the host
	} {
		if got := IsHost(tc.host); got != tc.want {
			t.Errorf("IsHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr string
		msg  string // "" when addr is good
	}{
		{"127.0.0.1:0", ""},
		{"127.0.0.1:4317", ""},
		{"localhost:0", ""},
		{"[::1]:0", ""},
		// Every interface, however written.
		{":0", "would listen on every interface"},
		{"0.0.0.0:4317", "would listen on every interface"},
		{"[::]:0", "would listen on every interface"},
		// Another host.
		{"192.0.2.1:4317", "192.0.2.1 is not a loopback host"},
		// No port.
		{"127.0.0.1", "want a loopback HOST:PORT"},
		{"", "want a loopback HOST:PORT"},
	} {
		err := CheckListen(tc.addr)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("CheckListen(%q) = %v, want nil", tc.addr, err)
		case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)):
			t.Errorf("CheckListen(%q) = %v, want an error containing %q", tc.addr, err, tc.msg)
		}
	}
}
