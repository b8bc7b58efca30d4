package svcenv

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/otelbench/otelbench/internal/loopback"
)

// The placeholders of a URL template.
const (
	// ID is replaced by a different item number in each request.
	ID = "{id}"
	// Port is replaced by a free port, which the service gets as $PORT.
	Port = "{port}"
)

// URL is a service's route as the user gives it: an http URL on loopback
// with {id} in its path and a port or {port}, such as
// http://127.0.0.1:{port}/items/{id}.
type URL string

// Validate checks u: http, a loopback host, a port or {port}. A load needs
// {id} as well (RequireID); verify can check a route without one.
func (u URL) Validate() error {
	s := string(u)
	if s == "" {
		return errors.New("-url: empty; give a route such as http://127.0.0.1:{port}/items/{id}")
	}
	p, err := url.Parse(strings.ReplaceAll(strings.ReplaceAll(s, ID, "1"), Port, "1"))
	if err != nil {
		return fmt.Errorf("-url %q: %w", s, err)
	}
	if p.Scheme != "http" {
		return fmt.Errorf("-url %q: want http://", s)
	}
	if !loopback.IsHost(p.Hostname()) {
		return fmt.Errorf("-url %q: the host must be a loopback address such as 127.0.0.1", s)
	}
	if p.Port() == "" {
		return fmt.Errorf("-url %q: give the port the service listens on, or {port}", s)
	}
	return nil
}

// RequireID is Validate and {id} in the URL, which a load needs: each
// request asks for a different item, so that its trace can be matched.
func (u URL) RequireID() error {
	if err := u.Validate(); err != nil {
		return err
	}
	if !u.HasID() {
		return fmt.Errorf("-url %q: mark the path parameter with {id}, so that each request asks for a different item", string(u))
	}
	return nil
}

// HasID reports whether the URL has {id}.
func (u URL) HasID() bool { return strings.Contains(string(u), ID) }

// NeedsPort reports whether the URL asks for a free port.
func (u URL) NeedsPort() bool { return strings.Contains(string(u), Port) }

// WithPort returns the template with {port} replaced by port; u itself
// when it has none.
func (u URL) WithPort(port int) URL {
	return URL(strings.ReplaceAll(string(u), Port, strconv.Itoa(port)))
}

// Item returns the URL of item id.
func (u URL) Item(id string) string { return strings.Replace(string(u), ID, id, 1) }

// Host returns the host:port the service listens on. {port} must have
// been replaced.
func (u URL) Host() (string, error) {
	p, err := url.Parse(u.Item("1"))
	if err != nil {
		return "", err
	}
	return p.Host, nil
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Resolve picks a free port when u asks for one and returns the URL with
// it and the port (0 when u has its own).
func (u URL) Resolve() (URL, int, error) {
	if !u.NeedsPort() {
		return u, 0, nil
	}
	port, err := FreePort()
	if err != nil {
		return "", 0, err
	}
	return u.WithPort(port), port, nil
}
